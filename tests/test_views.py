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
        assert f" on {scene} | its ground truth: " in note


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
    assert text.startswith("tiny: pretrained weights, TIME (cached afterwards)\npixel: row 80, column 80\n")
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
