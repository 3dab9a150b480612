"""Headless tests of the explorers: set controls from code and check what changed.

CI runs this file twice: with ipywidgets 8 (the venv) and with ipywidgets 7.7.1,
Colab's version (``SEGTUTOR_EXPECT_IPYWIDGETS=7.7.1``, see the Makefile).
"""

import datetime
import io
import os

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from segtutor import SCENE_CLASSES, class_names, decode_segmap, dice, iou, pixel_accuracy
from segtutor.widgets import _probe as probe
from segtutor import widgets as explorers
from segtutor.widgets._cache import segment_cached
from segtutor.widgets._gallery import explorer_image, scene_labels
from segtutor.widgets import perturb_labels
from segtutor.widgets._playground import playground_target
from segtutor.widgets import _controls, _lessons, _segmentation

CHEAP = "lraspp_mobilenet_v3_large"


def _pixels(image_widget) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image_widget.value)))


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


def _png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def offline_cache(torch_home):
    """No pretrained weights anywhere: torchvision models fall back to random weights."""
    segment_cached.cache_clear()
    yield
    segment_cached.cache_clear()


def test_ipywidgets_version_under_test():
    expected = os.environ.get("SEGTUTOR_EXPECT_IPYWIDGETS")
    if expected:
        assert ipywidgets.__version__ == expected
    assert ipywidgets.__version__.split(".")[0] in ("7", "8")


def test_segmentation_explorer_draws_the_overlay_and_says_which_weights():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    assert _pixels(box.views["image"]).shape == (300, 451, 3)
    assert "random weights" in box.controls["model"].options[[v for _, v in box.controls["model"].options].index(CHEAP)][0]
    assert box.views["status"].value.startswith(f"{CHEAP}: random weights")
    assert set(box.controls["classes"].options) <= set(class_names(CHEAP))


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
    assert set(box.controls["classes"].options) <= {"disc", "square", "triangle", "ring", "background"}


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



def test_preprocessing_stepper_shows_each_step():
    box = explorers.explore_preprocessing(image="chelsea")
    seen = {}
    for _, index in box.controls["step"].options:
        box.controls["step"].value = index
        seen[index] = (box.views["image"].value, box.views["stats"].value)
    assert "<b>input</b>: PIL RGB image, 451x300 (W x H)" in seen[0][1]
    assert "<b>Normalize</b>: tensor of shape (3, 224, 224), dtype torch.float32" in seen[4][1]
    assert _pixels(box.views["image"]).shape == (224, 224, 3)
    # CenterCrop, ToTensor and Normalize (shown un-normalized) are the same picture: a round trip
    # through ToTensor and Normalize loses nothing. Their statistics differ.
    assert seen[2][0] == seen[3][0] == seen[4][0]
    assert len({stats for _, stats in seen.values()}) == 5
    assert len({image for image, _ in seen.values()}) == 3


def test_metrics_playground_scores_match_the_metrics_functions():
    box = explorers.explore_metrics(seed=3)
    assert "pixel accuracy: <b>1.000</b>" in box.views["scores"].value
    box.controls["dx"].value = 6
    box.controls["grow"].value = 2
    target = playground_target(seed=3)
    pred = perturb_labels(target, shift=(6, 0), grow=2)
    n = int(target.max()) + 1
    expected_iou = np.nanmean(iou(pred, target, num_classes=n))
    expected_dice = np.nanmean(dice(pred, target, num_classes=n))
    assert f"pixel accuracy: <b>{pixel_accuracy(pred, target, num_classes=n):.3f}</b>" in box.views["scores"].value
    assert f"mean IoU: <b>{expected_iou:.3f}</b>" in box.views["scores"].value
    assert f"mean Dice: <b>{expected_dice:.3f}</b>" in box.views["scores"].value
    assert expected_dice >= expected_iou



def test_the_metrics_explorer_shows_what_playground_scores_gives(monkeypatch):
    fixed = {"pixel accuracy": 0.5, "mean IoU": 0.25, "mean Dice": 0.75}
    monkeypatch.setattr(_lessons, "playground_scores", lambda pred, target, *, num_classes: fixed)
    box = explorers.explore_metrics(seed=3)
    assert box.views["scores"].value.startswith("pixel accuracy: <b>0.500</b><br>mean IoU: <b>0.250</b><br>"
                                                "mean Dice: <b>0.750</b>")

def test_superpixel_explorer_follows_the_sliders():
    box = explorers.explore_superpixels(image="coffee")
    first_count = box.views["status"].value
    first_image = box.views["image"].value
    box.controls["n_segments"].value = 30
    assert box.views["status"].value != first_count and box.views["image"].value != first_image
    assert _pixels(box.views["image"]).shape == (400, 1200, 3)


def test_model_comparison_reports_agreement_and_times():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    a = segment_cached("tiny", "scene-1", "seed")[0]
    b = segment_cached(CHEAP, "scene-1", "seed")[0]
    assert f"agree on <b>{100 * np.mean(a == b):.1f}%</b>" in box.views["status"].value
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
    labels, probs = segment_cached("tiny", "scene-0", "seed")[:2]
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
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    box.controls["row"].value, box.controls["col"].value = 5, 3  # outside the seed's 224 crop
    assert box.views["probe"].value == ("<b>pixel: row 5, column 3</b><br>tiny: <i>not seen by the model</i> "
                                        "(label 255: outside what it was shown)")


def test_probe_keeps_its_pixel_on_a_model_switch_and_recentres_on_a_new_image():
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    box.controls["row"].value, box.controls["col"].value = 200, 300
    box.controls["model"].value = CHEAP
    assert (box.controls["row"].value, box.controls["col"].value) == (200, 300)
    labels, probs = segment_cached(CHEAP, "chelsea", "seed")[:2]
    assert _expected_line(CHEAP, labels, probs, 200, 300, class_names(CHEAP)) in box.views["probe"].value
    box.controls["image"].value = "scene-1"
    assert (box.controls["row"].value, box.controls["col"].value) == (80, 80)
    assert (box.controls["row"].max, box.controls["col"].max) == (159, 159)


def _click(box, x, y):
    """What ipyevents sends when the picture is clicked at its own pixel (x, y)."""
    box.events["click"]._handle_mouse_msg(None, {"event": "click", "type": "click", "dataX": x, "dataY": y}, [])


def test_a_click_on_the_picture_chooses_the_pixel():
    pytest.importorskip("ipyevents")
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    _click(box, 3 * 40 + 2, 3 * 120 + 1)  # display pixel -> original pixel (120, 40) of the 3x enlarged scene
    assert (box.controls["row"].value, box.controls["col"].value) == (120, 40)
    assert box.views["probe"].value.startswith("<b>pixel: row 120, column 40</b>")


def test_without_ipyevents_the_sliders_still_work(monkeypatch):
    monkeypatch.setattr(_controls, "Event", None)
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    assert box.events == {}
    box.controls["col"].value = 10
    assert box.views["probe"].value.startswith("<b>pixel: row 80, column 10</b>")


def test_comparison_probe_reads_both_models_and_the_ground_truth():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    box.controls["row"].value, box.controls["col"].value = 90, 70
    (a, pa), (b, pb) = (segment_cached(m, "scene-1", "seed")[:2] for m in ("tiny", CHEAP))
    truth = scene_labels("scene-1")[90, 70]
    assert box.views["probe"].value == "<br>".join([
        "<b>pixel: row 90, column 70</b>",
        _expected_line("A · tiny", a, pa, 90, 70, list(SCENE_CLASSES)),
        _expected_line(f"B · {CHEAP}", b, pb, 90, 70, class_names(CHEAP)),
        f"ground truth: <b>{SCENE_CLASSES[truth]}</b> (id {truth})"])
    picture = _pixels(box.views["image"])
    assert picture.shape == (480, 3 * 480, 3)  # three panels, each enlarged 3 times
    for panel in range(3):  # the crosshair on every panel
        assert (picture[90 * 3 + 1, panel * 480:panel * 480 + 100] == 255).all()
    if _controls.Event is not None:
        _click(box, 2 * 480 + 3 * 30, 3 * 20)  # on the agreement panel
        assert (box.controls["row"].value, box.controls["col"].value) == (20, 30)


def test_readable_pictures_enlarge_small_images_only():
    assert _pixels(explorers.explore_metrics(seed=1).views["image"]).shape == (384, 768, 3)  # two 128-px maps, 3x
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    assert _pixels(box.views["image"]).shape == (300, 451, 3)  # 451 px long already


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


def _boom(*args, **kwargs):
    raise RuntimeError("boom <here>")


EXPLORERS = {  # factory, the function that fails (patched in its module), a control, a value with the error, one after
    "segmentation": (lambda: explorers.explore_segmentation(model="tiny", image="scene-0"), (_segmentation, "segment_cached"),
                     "image", "scene-1", "astronaut"),
    "preprocessing": (lambda: explorers.explore_preprocessing(image="chelsea"), (_lessons, "step_view"), "step", 1, 2),
    "metrics": (lambda: explorers.explore_metrics(seed=0), (_lessons, "perturb_labels"), "dx", 3, 5),
    "superpixels": (lambda: explorers.explore_superpixels(image="coffee"), (_lessons, "slic_superpixels"),
                    "n_segments", 50, 60),
    "comparison": (lambda: explorers.explore_comparison(model_a="tiny", model_b="tiny", image="scene-0"),
                   (_segmentation, "segment_cached"), "image", "scene-1", "astronaut"),
}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_an_error_in_any_callback_shows_in_the_status_and_the_controls_stay_usable(name, monkeypatch):
    factory, (module, function), control, failing, working = EXPLORERS[name]
    box = factory()
    image = box.views["image"].value
    with monkeypatch.context() as patch:
        patch.setattr(module, function, _boom)
        box.controls[control].value = failing  # the observer catches the error
    assert box.views["status"].value == "⚠️ RuntimeError: boom &lt;here&gt;"
    assert box.views["image"].value == image
    box.controls[control].value = working
    assert not box.views["status"].value.startswith("⚠️")
    assert box.views["image"].value != image


def test_an_error_while_redraws_are_silenced_does_not_silence_them_for_good(monkeypatch):
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    with monkeypatch.context() as patch:
        patch.setattr(_segmentation, "fit_probe", _boom)  # fails while redraws are silenced
        box.controls["model"].value = CHEAP
    assert box.views["status"].value == "⚠️ RuntimeError: boom &lt;here&gt;"
    before = box.views["image"].value
    box.controls["alpha"].value = 0.1
    assert box.views["image"].value != before
