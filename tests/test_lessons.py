"""Headless tests of the lessons' explorers (segtutor.widgets._lessons): the preprocessing stepper,
the metrics playground and superpixels. Set controls from code and check what changed.

CI runs this file twice, the second time with ipywidgets 7.7.1 (see tests/test_controls.py).
"""

import numpy as np
import pytest

from segtutor import dice, iou, pixel_accuracy
from segtutor import widgets as explorers
from segtutor.widgets import _lessons, perturb_labels
from segtutor.widgets._playground import playground_target

from ._explorer_helpers import pixels as _pixels

pytestmark = pytest.mark.usefixtures("offline_explorers")


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


def test_the_metrics_playground_colours_the_scenes_classes_and_names_them_in_a_legend():
    from segtutor import SCENE_CLASSES, decode_segmap

    box = explorers.explore_metrics(seed=3)
    target = playground_target(seed=3)
    legend = box.views["legend"].value
    assert [name for name in SCENE_CLASSES if f"</span>{name} " in legend] == [SCENE_CLASSES[i] for i in np.unique(target)]
    assert np.array_equal(_pixels(box.views["image"])[:target.shape[0], :target.shape[1]][0, 0],
                          decode_segmap(target, "scenes")[0, 0])  # the picture uses the legend's colours
