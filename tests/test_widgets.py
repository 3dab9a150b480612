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

from segtutor import MODEL_NAMES, class_names, dice, explorer, iou, perturb_labels, pixel_accuracy
from segtutor import widgets as explorers

CHEAP = "lraspp_mobilenet_v3_large"


def _pixels(image_widget) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image_widget.value)))


def _close_to_photo(image_widget, key: str) -> bool:
    """The widget shows the plain photo, up to JPEG's small losses."""
    shown = _pixels(image_widget).astype(int)
    photo = np.asarray(explorer.explorer_image(key)).astype(int)
    return shown.shape == photo.shape and np.abs(shown - photo).mean() < 2


def _png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def offline_cache(torch_home):
    """No pretrained weights anywhere: torchvision models fall back to random weights."""
    explorer.segment_cached.cache_clear()
    yield
    explorer.segment_cached.cache_clear()


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
    misses = explorer.segment_cached.cache_info().misses
    before = box.views["image"].value
    box.controls["alpha"].value = 0.0
    assert box.views["image"].value != before
    assert _close_to_photo(box.views["image"], "chelsea")
    box.controls["alpha"].value = 1.0
    assert not _close_to_photo(box.views["image"], "chelsea")
    box.controls["classes"].value = ()
    assert _close_to_photo(box.views["image"], "chelsea")
    assert box.views["legend"].value.count("<span") == 0
    assert explorer.segment_cached.cache_info().misses == misses


def test_switching_model_and_image_changes_the_picture():
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    first = box.views["image"].value
    box.controls["model"].value = "tiny"
    assert box.views["status"].value.startswith("tiny: pretrained weights")
    assert box.views["image"].value != first
    box.controls["image"].value = "scene-0"
    assert _pixels(box.views["image"]).shape[:2] == np.asarray(explorer.explorer_image("scene-0")).shape[:2]
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
    assert np.array_equal(np.asarray(explorer.explorer_image(box.controls["image"].value)), picture)
    assert _pixels(box.views["image"]).shape == (40, 60, 3)
    box.controls["upload"].set_trait("value", _upload_value("not.png", b"hello"))
    assert "upload refused: 'not.png' is not an image PIL can read" in box.views["status"].value


def test_read_upload_checks_both_formats_and_the_caps():
    data = _png(np.random.default_rng(1).integers(0, 256, (10, 20, 3), dtype=np.uint8))
    assert explorer.read_upload(({"name": "a.png", "content": memoryview(data)},)).size == (20, 10)
    assert explorer.read_upload({"a.png": {"metadata": {}, "content": data}}).size == (20, 10)
    with pytest.raises(ValueError, match=r"the file has [\d,]+ bytes; the limit is 100"):
        explorer.read_upload(({"name": "a.png", "content": data},), max_bytes=100)
    with pytest.raises(ValueError, match=r"the image has 20x10 pixels; the limit is 199 pixels"):
        explorer.read_upload(({"name": "a.png", "content": data},), max_pixels=199)
    with pytest.raises(ValueError, match=r"no file was uploaded"):
        explorer.read_upload(())


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
    target = explorer.playground_target(seed=3)
    pred = perturb_labels(target, shift=(6, 0), grow=2)
    n = int(target.max()) + 1
    expected_iou = np.nanmean(iou(pred, target, num_classes=n))
    expected_dice = np.nanmean(dice(pred, target, num_classes=n))
    assert f"pixel accuracy: <b>{pixel_accuracy(pred, target, num_classes=n):.3f}</b>" in box.views["scores"].value
    assert f"mean IoU: <b>{expected_iou:.3f}</b>" in box.views["scores"].value
    assert f"mean Dice: <b>{expected_dice:.3f}</b>" in box.views["scores"].value
    assert expected_dice >= expected_iou


def test_superpixel_explorer_follows_the_sliders():
    box = explorers.explore_superpixels(image="coffee")
    first_count = box.views["status"].value
    first_image = box.views["image"].value
    box.controls["n_segments"].value = 30
    assert box.views["status"].value != first_count and box.views["image"].value != first_image
    assert _pixels(box.views["image"]).shape == (400, 1200, 3)


def test_model_comparison_reports_agreement_and_times():
    box = explorers.explore_comparison(model_a="tiny", model_b=CHEAP, image="scene-1")
    a = explorer.segment_cached("tiny", "scene-1", "seed")[0]
    b = explorer.segment_cached(CHEAP, "scene-1", "seed")[0]
    assert f"agree on <b>{100 * np.mean(a == b):.1f}%</b>" in box.views["status"].value
    box.controls["model_b"].value = "tiny"
    assert "agree on <b>100.0%</b>" in box.views["status"].value


def test_a_model_switch_redraws_once(monkeypatch):
    box = explorers.explore_segmentation(model=CHEAP, image="chelsea")
    calls = []
    real = explorer.to_jpeg
    monkeypatch.setattr(explorer, "to_jpeg", lambda array, **kw: calls.append(1) or real(array, **kw))
    box.controls["model"].value = "tiny"
    assert len(calls) == 1


def test_read_upload_refuses_a_thin_image_from_its_header(monkeypatch):
    buffer = io.BytesIO()
    Image.new("L", (200000, 32)).save(buffer, format="PNG")
    data = buffer.getvalue()
    assert len(data) < 20_000 and 200000 * 32 < explorer.MAX_UPLOAD_PIXELS  # under both caps

    def decode(*args, **kwargs):
        raise AssertionError("the refused upload was decoded")

    monkeypatch.setattr(explorer, "load_image", decode)
    with pytest.raises(ValueError, match=r"^the image is 200000x32 pixels, an aspect ratio of 6250:1; the limit is 10:1"):
        explorer.read_upload(({"name": "strip.png", "content": data},))


def test_the_explorer_reads_each_models_spec():
    assert explorer.EXPLORER_MODELS == ["tiny", *MODEL_NAMES]  # segtutor's own first: it works offline
    assert [explorer.model_palette(name) for name in ("tiny", CHEAP)] == ["scenes", "voc"]
    assert explorer.model_label("tiny") == "tiny (trained here on synthetic shapes)"
    assert explorer.model_label(CHEAP) == f"{CHEAP} (random weights: pretrained not cached)"
    assert explorer.explorer_model("tiny")[1] == "pretrained" and explorer.explorer_model(CHEAP)[1] == "random"
