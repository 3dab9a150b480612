"""The explorers' views (segtutor.widgets._views): the comparison's fallback without pretrained weights, and an explorer's still."""

import io

import ipywidgets
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from segtutor import decode_segmap, widgets
from segtutor.widgets import _cache as cache
from segtutor.widgets import _gallery as images
from segtutor.widgets import _views as views
from tests._explorer_helpers import pixels

CHEAP = "lraspp_mobilenet_v3_large"

pytestmark = pytest.mark.usefixtures("offline_explorers")


def test_untrained_fallback_keeps_a_scene_and_replaces_a_photo_by_scene_0():
    for key, scene in (("scene-1", "scene-1"), ("chelsea", "scene-0")):
        panels, note = views.untrained_fallback(["fcn_resnet101", CHEAP, "fcn_resnet101"], key)
        assert np.array_equal(panels[1], decode_segmap(images.scene_labels(scene), "scenes"))
        tiny = cache.segment_cached("tiny", scene, "weights")[0]
        assert np.array_equal(panels[0], decode_segmap(tiny, "scenes"))
        assert note.startswith(f"⚠️ No pretrained weights here for fcn_resnet101 and {CHEAP} (offline")
        assert f" on {scene}, beside the scene's ground truth: " in note


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def test_plain_text_of_html_views_drops_tags_timings_and_emoji():
    markup = "⏳ <b>tiny</b>: 0.25 s &amp; 12 ms<br>row 3<table><tr><td>R</td><td>1.0</td></tr></table>"
    assert views._plain(markup) == "tiny: TIME & TIME\nrow 3\nR  1.0"


def test_first_view_shows_the_explorers_picture_its_legend_and_its_readouts():
    explorer = widgets.explore_segmentation()
    figure = widgets.first_view(explorer)
    (ax,) = figure.axes
    assert np.array_equal(ax.images[0].get_array(), pixels(explorer.views["image"]))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("background ") and len(legend) == explorer.views["legend"].value.count("<span")
    text = figure.texts[-1].get_text()
    assert text.startswith("tiny: trained here on synthetic shapes\ntiny: pretrained weights, TIME (cached afterwards)\n"
                           "pixel: row 80, column 80\n")
    assert figure._suptitle.get_text() == "The explorer's first view: moving the controls needs a running kernel"


def test_first_view_adds_the_comparisons_fallback_and_hides_a_hidden_one():
    explorer = widgets.explore_comparison(model_a="tiny", model_b="tiny", image="scene-0")
    assert len(widgets.first_view(explorer).axes) == 1  # both models trained: no fallback shown
    explorer.controls["model_b"].value = "lraspp_mobilenet_v3_large"
    figure = widgets.first_view(explorer)
    assert len(figure.axes) == 2
    assert np.array_equal(figure.axes[1].images[0].get_array(), pixels(explorer.views["fallback"]))
    assert "No pretrained weights here for lraspp_mobilenet_v3_large" in figure.texts[-1].get_text()


def test_first_view_is_the_same_png_on_every_run():
    assert _png(widgets.first_view(widgets.explore_metrics(seed=2))) == _png(widgets.first_view(widgets.explore_metrics(seed=2)))
    assert _png(widgets.first_view(widgets.explore_metrics(seed=2))) != _png(widgets.first_view(widgets.explore_metrics(seed=3)))


def test_first_view_refuses_a_non_explorer_a_bad_width_and_an_empty_picture():
    with pytest.raises(TypeError, match=r"`explorer` must be an explorer from segtutor.widgets \(with a `views` dict\), got VBox"):
        widgets.first_view(ipywidgets.VBox())
    explorer = widgets.explore_metrics()
    for width in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match=r"`width` must be a positive number of inches, got "):
            widgets.first_view(explorer, width=width)
    for width, name in ((True, "bool"), ("6", "str")):
        with pytest.raises(TypeError, match=rf"`width` must be a number of inches, got {name}"):
            widgets.first_view(explorer, width=width)
    explorer.views["image"].value = b""
    with pytest.raises(ValueError, match=r"`explorer` shows no picture: its `image` view is empty"):
        widgets.first_view(explorer)


def test_a_still_keeps_the_legends_headings_and_swatches_in_order():
    from segtutor.widgets._views import _legend_handles, legend_html

    legend = "<b>A · tiny</b>" + legend_html(np.array([[0, 1]]), palette="scenes") + "<b>B · x (random weights: noise)</b>"
    handles = _legend_handles(legend)
    assert [h.get_label() for h in handles] == ["A · tiny", "background 50.0%", "disc 50.0%", "B · x (random weights: noise)"]
    assert [h.get_visible() for h in handles] == [False, True, True, False]


def test_legend_shares_account_for_the_unseen_border():
    labels = np.array([[0, 8, 8, 255], [255, 255, 255, 255]])
    assert views.legend_entries(labels) == [("background", (0, 0, 0), 1 / 8), ("cat", (64, 0, 0), 2 / 8)][::-1] + [
        (views.UNSEEN_NAME, (224, 224, 192), 5 / 8)]
    assert views.legend_entries(labels, classes=[8]) == [("cat", (64, 0, 0), 2 / 8), (views.UNSEEN_NAME, (224, 224, 192), 5 / 8)]
    assert sum(share for *_, share in views.legend_entries(labels)) == 1.0
    legend = views.legend_html(labels, unseen_color=(255, 255, 255))
    assert "background:rgb(255, 255, 255);" in legend and "unseen border (outside the model&#x27;s crop) 62.5%" in legend
    assert "__background__" not in legend and "background 12.5%" in legend
    assert views.legend_html(labels, random=True).split("<br>")[0].endswith(f"<b>⚠️ {views.NOISE}</b>")


def test_the_agreement_sentence_says_it_counts_only_the_pixels_both_saw():
    a, b = np.array([[1, 1, 255, 255]]), np.array([[2, 2, 1, 255]])  # the whole crop disagrees
    assert views.agreement_html(a, b) == ("they agree on <b>0.0%</b> of the pixels both models saw "
                                          "(50% of the picture; grey: unseen by one of them)")
    assert views.agreement_html(np.array([[255]]), np.array([[1]])) == "the models saw no pixel in common: nothing to compare"


def test_statistics_table_has_padded_cells_in_every_front_end():
    table = views.table_html([{"channel": "R", "mean": 0.5}, {"channel": "G", "mean": 1}])
    cell = 'style="padding:2px 10px;text-align:right;border-bottom:1px solid #ddd"'
    assert table == (f'<table style="border-collapse:collapse"><tr><th {cell}>channel</th><th {cell}>mean</th></tr>'
                     f'<tr><td {cell}>R</td><td {cell}>0.5</td></tr><tr><td {cell}>G</td><td {cell}>1</td></tr></table>')
    stats = widgets.explore_preprocessing(image="chelsea").views["stats"].value
    assert stats.count("padding:2px 10px") == 5 * 4  # a header and three channels, five columns


def test_the_comparisons_still_has_its_panel_titles():
    explorer = widgets.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-0")
    figure = widgets.first_view(explorer)
    titles = [[t.get_text() for t in ax.texts] for ax in figure.axes]
    assert titles == [["model A", "model B", "agreement"], ["tiny (segtutor's own)", "ground truth"]]
