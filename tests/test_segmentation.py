"""Headless tests of the explorers that run models (segtutor.widgets._segmentation): segmentation and
comparison, their uploads and pixel probe. Set controls from code and check what changed.

CI runs this file twice, the second time with ipywidgets 7.7.1 (see tests/test_controls.py).
"""

import datetime

import ipywidgets
import numpy as np
import pytest

from segtutor import SCENE_CLASSES, class_names, decode_segmap, pixel_accuracy
from segtutor import widgets as explorers
from segtutor.widgets import _controls, _segmentation
from segtutor.widgets import _probe as probe
from segtutor.widgets._cache import segment_cached
from segtutor.widgets._gallery import explorer_image, scene_labels

from ._explorer_helpers import click as _click
from ._explorer_helpers import pixels as _pixels
from ._explorer_helpers import png as _png

CHEAP = "lraspp_mobilenet_v3_large"


def _shown_names(model: str) -> list[str]:
    """The class names the explorers show: torchvision's ``__background__`` reads ``background``."""
    return ["background" if name == "__background__" else name for name in class_names(model)]

pytestmark = pytest.mark.usefixtures("offline_explorers")


def _close_to_photo(box, key: str) -> bool:
    """The explorer shows the plain photo (enlarged, with the probe's crosshair), up to JPEG's small losses.

    JPEG rings around the crosshair's sharp lines: the rows and columns next to them are left out.
    """
    shown = _pixels(box.views["image"]).astype(int)
    row, col = box.controls["row"].value, box.controls["col"].value
    photo, factor = probe.panels_picture([np.asarray(explorer_image(key))], pixel=(row, col))
    far = np.ones(photo.shape[:2], bool)
    far[row * factor + factor // 2 - 4:row * factor + factor // 2 + 5] = False
    far[:, col * factor + factor // 2 - 4:col * factor + factor // 2 + 5] = False
    return shown.shape == photo.shape and np.abs(shown - photo.astype(int))[far].mean() < 2


def test_segmentation_explorer_draws_the_overlay_and_says_which_weights():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    assert _pixels(box.views["image"]).shape == (300, 451, 3)
    assert box.controls["model"].options[[v for _, v in box.controls["model"].options].index(CHEAP)][0] == f"{CHEAP} (random)"
    assert box.views["status"].value.startswith(f"{CHEAP}: random weights")
    # the weights' state stands beside the menu, without opening it
    assert box.views["weights"].value == (f"⚠️ {CHEAP}: <b>random weights</b> (pretrained ones not cached): "
                                          "its output is noise, not a prediction")
    assert box.children[0].children == (box.controls["model"], box.views["weights"])
    labels = segment_cached(CHEAP, "chelsea", "weights")[0]
    names = _shown_names(CHEAP)
    assert box.controls["classes"].options == tuple((names[i], i) for i in np.unique(labels).tolist())
    assert box.controls["classes"].value == tuple(np.unique(labels).tolist())


def test_opacity_and_class_toggles_redraw_without_running_the_model_again():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    misses = segment_cached.cache_info().misses
    before = box.views["image"].value
    box.controls["alpha"].value = 0.0
    assert box.views["image"].value != before
    assert _close_to_photo(box, "chelsea")
    box.controls["alpha"].value = 1.0
    assert not _close_to_photo(box, "chelsea")
    box.controls["classes"].value = ()
    assert _close_to_photo(box, "chelsea")
    assert box.views["legend"].value.count("<span") == 0
    assert segment_cached.cache_info().misses == misses


def test_switching_model_and_image_changes_the_picture():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    first = box.views["image"].value
    box.controls["model"].value = "tiny"
    assert box.views["status"].value.startswith("tiny: pretrained weights")
    assert box.views["image"].value != first
    box.controls["image"].value = "scene-0"
    assert np.asarray(explorer_image("scene-0")).shape[:2] == (160, 160)
    assert _pixels(box.views["image"]).shape[:2] == (480, 480)  # enlarged 3 times to be readable
    assert {name for name, _ in box.controls["classes"].options} <= {"disc", "square", "triangle", "ring", "background"}


def _upload_value(name: str, content: bytes):
    """What FileUpload.value holds after one upload, in this ipywidgets version's format."""
    if ipywidgets.__version__.startswith("7"):
        return {name: {"metadata": {"name": name, "size": len(content)}, "content": content}}
    return ({"name": name, "type": "image/png", "size": len(content), "content": memoryview(content),
             "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)


def test_upload_of_a_good_and_a_bad_file():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    picture = np.random.default_rng(0).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    box.controls["upload"].set_trait("value", _upload_value("mine.png", _png(picture)))
    assert box.controls["image"].value.startswith("upload-")
    assert np.array_equal(np.asarray(explorer_image(box.controls["image"].value)), picture)
    assert _pixels(box.views["image"]).shape == (280, 420, 3)  # 7 times: the long side reaches 384
    box.controls["upload"].set_trait("value", _upload_value("not.png", b"hello"))
    assert "upload refused: 'not.png' is not an image PIL can read" in box.views["status"].value


def test_model_comparison_reports_agreement_and_times():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    a = segment_cached("tiny", "scene-1", "weights")[0]
    b = segment_cached(CHEAP, "scene-1", "weights")[0]
    assert f"agree on <b>{100 * np.mean(a == b):.1f}%</b> of the pixels both models saw" in box.views["status"].value
    box.controls["model_b"].value = "tiny"
    assert "agree on <b>100.0%</b>" in box.views["status"].value


def test_a_model_switch_redraws_once(monkeypatch):
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    calls = []
    real = _segmentation.to_jpeg
    monkeypatch.setattr(_segmentation, "to_jpeg", lambda array, **kw: calls.append(1) or real(array, **kw))
    box.controls["model"].value = "tiny"
    assert len(calls) == 1


# --- the pixel probe (issue 16) ---

def _expected_line(title, labels, probs, row, col, names):
    """The readout line for one pixel, computed here from the probabilities without segtutor.widgets._probe."""
    values = probs[:, row, col]
    order = sorted(range(len(values)), key=lambda c: (-values[c], c))[:3]
    top = ", ".join(f"{names[c]} {100 * values[c]:.1f}%" for c in order)
    return f"{title}: <b>{names[labels[row, col]]}</b> (id {labels[row, col]}) · top 3: {top}"


def test_probe_sliders_set_the_readout_and_move_the_crosshair():
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    labels, probs = segment_cached("tiny", "scene-0", "weights")[:2]
    assert (box.controls["row"].max, box.controls["col"].max) == (159, 159)
    assert (box.controls["row"].value, box.controls["col"].value) == (80, 80)  # a new image starts at its centre
    for row, col in [(70, 100), (95, 60)]:
        box.controls["row"].value, box.controls["col"].value = row, col
        expected = _expected_line("tiny", labels, probs, row, col, list(SCENE_CLASSES))
        assert box.views["probe"].value == f"<b>pixel: row {row}, column {col}</b><br>{expected}"
        shown = _pixels(box.views["image"]).astype(int)
        centre_row, centre_col = row * 3 + 1, col * 3 + 1  # the 160-px scene is shown 3 times enlarged
        assert (shown[centre_row, :centre_col - 10] > 200).all(axis=-1).mean() > 0.95  # white line, JPEG-blurred
        assert (shown[:centre_row - 10, centre_col] > 200).all(axis=-1).mean() > 0.95


def test_probe_says_when_the_model_did_not_see_the_pixel():
    box = explorers.explore_segmentation(model="tiny", image="chelsea", preprocessing="seed")
    box.controls["row"].value, box.controls["col"].value = 5, 3  # outside the seed's 224 crop
    assert box.views["probe"].value == ("<b>pixel: row 5, column 3</b><br>tiny: <i>not seen by the model</i> "
                                        "(label 255: outside what it was shown)")


def test_probe_keeps_its_pixel_on_a_model_switch_and_recentres_on_a_new_image():
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    box.controls["row"].value, box.controls["col"].value = 200, 300
    box.controls["model"].value = CHEAP
    assert (box.controls["row"].value, box.controls["col"].value) == (200, 300)
    labels = segment_cached(CHEAP, "chelsea", "weights")[0]
    name = _shown_names(CHEAP)[labels[200, 300]]  # random weights: the argmax, no probabilities
    assert box.views["probe"].value == ("<b>pixel: row 200, column 300</b><br>"
                                        f"{CHEAP}: <i>random weights: noise, not a prediction</i> "
                                        f"(its argmax here: {name}, id {labels[200, 300]})")
    box.controls["image"].value = "scene-1"
    assert (box.controls["row"].value, box.controls["col"].value) == (80, 80)
    assert (box.controls["row"].max, box.controls["col"].max) == (159, 159)


def test_comparison_probe_reads_both_models_and_the_ground_truth():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    box.controls["row"].value, box.controls["col"].value = 90, 70
    (a, pa), (b, pb) = (segment_cached(m, "scene-1", "weights")[:2] for m in ("tiny", CHEAP))
    truth = scene_labels("scene-1")[90, 70]
    assert box.views["probe"].value == "<br>".join([
        "<b>pixel: row 90, column 70</b>",
        _expected_line("A · tiny", a, pa, 90, 70, list(SCENE_CLASSES)),
        f"B · {CHEAP}: <i>random weights: noise, not a prediction</i> (its argmax here: "
        f"{_shown_names(CHEAP)[b[90, 70]]}, id {b[90, 70]})",
        f"ground truth: <b>{SCENE_CLASSES[truth]}</b> (id {truth})"])
    picture = _pixels(box.views["image"])
    assert picture.shape == (480, 3 * 480, 3)  # three panels, each enlarged 3 times
    for panel in range(3):  # the crosshair on every panel
        assert (picture[90 * 3 + 1, panel * 480:panel * 480 + 100] == 255).all()
    if _controls.Event is not None:
        _click(box, 2 * 480 + 3 * 30, 3 * 20)  # on the agreement panel
        assert (box.controls["row"].value, box.controls["col"].value) == (20, 30)


# --- comparison without pretrained weights (issue 13) ---

def test_comparison_without_weights_shows_tiny_on_a_scene_beside_its_ground_truth():
    box = explorers.explore_comparison(model_a=CHEAP, model_b="tiny", image="chelsea")
    tiny = segment_cached("tiny", "scene-0", "weights")[0]
    truth = scene_labels("scene-0")
    right = pixel_accuracy(tiny, truth, num_classes=5)
    assert right > 0.8  # the tiny model is trained: this picture means something
    assert f"No pretrained weights here for {CHEAP} (offline, nothing cached)" in box.views["note"].value
    assert f"<b>{100 * right:.1f}%</b> of the pixels right" in box.views["note"].value
    assert box.views["fallback"].layout.display is None
    expected = probe.panels_picture([decode_segmap(tiny, "scenes"), decode_segmap(truth, "scenes")])[0]
    assert np.array_equal(_pixels(box.views["fallback"]), expected)
    box.controls["model_a"].value = "tiny"  # both trained: no note, no second picture
    assert box.views["note"].value == "" and box.views["fallback"].layout.display == "none"


# --- errors inside callbacks (issue 11, item 14) ---

def test_a_tiny_upload_shows_its_error_and_the_explorer_keeps_working():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    picture = np.zeros((20, 20, 3), np.uint8)
    box.controls["upload"].set_trait("value", _upload_value("small.png", _png(picture)))
    status = box.views["status"].value
    assert "32x32" in status and status.startswith("⚠️") and "running" not in status
    box.controls["image"].value = "scene-1"
    assert box.views["status"].value.startswith(f"{CHEAP}: random weights")
    assert _pixels(box.views["image"]).shape == (480, 480, 3)


def test_the_comparison_has_a_legend_for_each_model_in_its_own_palette():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    a = segment_cached("tiny", "scene-1", "weights")[0]
    legend = box.views["legend"].value
    b_heading = f"<b>B · {CHEAP}</b>"
    assert "<b>A · tiny</b>" in legend and b_heading in legend
    tiny_part, cheap_part = legend.split(b_heading)
    assert "random weights: noise, not a prediction" in cheap_part  # offline: no pretrained weights, so its map is noise
    assert "random weights" not in tiny_part
    shown = [name for name in SCENE_CLASSES if f"</span>{name} " in tiny_part]
    assert shown == [SCENE_CLASSES[i] for i in sorted(set(np.unique(a).tolist()) - {255})]  # the scenes' names, not VOC's
    assert box.views["legend"] in box.children


# --- issue 24: the agreement, the defaults, the layout ---

def test_comparison_agreement_ignores_the_border_neither_model_saw():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="chelsea", preprocessing="seed")
    a, b = (segment_cached(m, "chelsea", "seed")[0] for m in ("tiny", CHEAP))
    seen = (a != 255) & (b != 255)
    assert 0.4 < seen.mean() < 0.6  # the seed's crop: about half of the photo
    share = ((a == b) & seen).sum() / seen.sum()
    assert np.mean(a == b) >= 1 - seen.mean()  # counted over the whole picture, the unseen border would "agree"
    assert (f"they agree on <b>{100 * share:.1f}%</b> of the pixels both models saw ({100 * seen.mean():.0f}% of the picture"
            in box.views["status"].value)


def test_explorers_default_to_each_models_own_preprocessing():
    for box in (explorers.explore_segmentation(), explorers.explore_comparison(model_a="tiny", model_b="tiny")):
        assert box.controls["preprocessing"].value == "weights"
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    assert (np.asarray(_segmentation.segment_cached("tiny", "chelsea", "weights")[0]) != 255).all()  # the whole photo seen


def test_comparison_panels_have_fixed_widths_titles_over_them_and_a_colour_key():
    box = explorers.explore_comparison(model_a=CHEAP, model_b="tiny", image="chelsea")
    width = _segmentation.PANEL_PX
    assert box.views["image"].layout.width == f"{3 * width}px" and box.views["fallback"].layout.width == f"{2 * width}px"
    titles = box.children[box.children.index(box.views["image"]) - 1]
    assert [w.layout.width for w in titles.children] == [f"{width}px"] * 3
    assert ["model A" in t.value for t in titles.children] == [True, False, False] and "agreement" in titles.children[2].value
    over_fallback = box.children[box.children.index(box.views["fallback"]) - 1]
    assert [t.value.count("ground truth") for t in over_fallback.children] == [0, 1]
    legend = box.views["legend"].value
    assert legend.count(f'<td style="width:{width}px;') == 3 and "same class" in legend and "different classes" in legend
    assert "unseen by one model" in legend
