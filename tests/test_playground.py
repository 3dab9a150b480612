import numpy as np
import pytest

from segtutor import agreement_map
from segtutor.data import make_scenes
from segtutor.widgets import perturb_labels
from segtutor.widgets._playground import playground_scores, playground_target


def test_perturb_shift_by_hand():
    labels = np.array([[1, 2, 0],
                       [0, 0, 0]])
    assert perturb_labels(labels, shift=(1, 1)).tolist() == [[0, 0, 0], [0, 1, 2]]
    assert perturb_labels(labels, shift=(-1, 0)).tolist() == [[2, 0, 0], [0, 0, 0]]


def test_perturb_grow_and_shrink_by_hand():
    square = np.zeros((7, 7), np.int64)
    square[2:5, 2:5] = 3
    grown = perturb_labels(square, grow=1)
    assert (grown == 3).sum() == 9 + 12  # a 3x3 square plus one 4-connected ring of 12 pixels
    shrunk = perturb_labels(square, grow=-1)
    assert np.argwhere(shrunk == 3).tolist() == [[3, 3]]


def test_perturb_rejects_float_labels():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\), got float64 of shape \(2, 2\)"):
        perturb_labels(np.zeros((2, 2)))


def test_agreement_map():
    picture, share = agreement_map(np.array([[1, 1], [0, 2]]), np.array([[1, 0], [0, 2]]))
    assert share == 0.75
    assert picture[0, 1].tolist() == [220, 50, 50] and picture[0, 0].tolist() == [40, 170, 70]
    with pytest.raises(ValueError, match=r"`labels_a` and `labels_b` must have the same shape, got \(1, 2\) and \(2, 1\)"):
        agreement_map(np.zeros((1, 2), int), np.zeros((2, 1), int))


def test_agreement_counts_only_the_pixels_both_models_saw():
    crop_a = np.full((4, 6), 255)
    crop_a[1:3, 1:5] = 1  # model A saw a 2x4 crop only
    crop_b = np.where(crop_a == 255, 255, 2)  # B saw the same crop and disagrees on all of it
    picture, share = agreement_map(crop_a, crop_b)
    assert share == 0.0  # not 16/24: the unseen border agrees on nothing
    assert (picture[crop_a == 255] == [160, 160, 160]).all() and (picture[crop_a == 1] == [220, 50, 50]).all()
    b = crop_b.copy()
    b[1, 1], b[0, 0] = 1, 1  # one seen pixel agrees; a pixel only B saw counts for nothing
    assert agreement_map(crop_a, b)[1] == 1 / 8
    assert agreement_map(np.array([[0, 7]]), np.array([[0, 7]]), ignore_index=7)[1] == 1.0
    assert np.isnan(agreement_map(np.array([[255]]), np.array([[3]]))[1])  # nothing seen by both


# --- one scores function for the metrics explorer and its exercise (issue 12) ---

def test_playground_scores_by_hand():
    pred, target = np.array([[0, 1, 1, 1]]), np.array([[0, 0, 1, 1]])
    # class 0: IoU 1/2, Dice 2/3; class 1: IoU 2/3, Dice 4/5; class 2 is in neither map: left out
    assert playground_scores(pred, target, num_classes=3) == pytest.approx(
        {"pixel accuracy": 0.75, "mean IoU": (1 / 2 + 2 / 3) / 2, "mean Dice": (2 / 3 + 4 / 5) / 2}, abs=1e-12)
    assert list(playground_scores(pred, target, num_classes=3)) == ["pixel accuracy", "mean IoU", "mean Dice"]


def test_playground_scores_refuse_maps_of_different_shapes():
    with pytest.raises(ValueError, match=r"`pred` and `target` must have the same shape, got \(1, 4\) and \(2, 2\)"):
        playground_scores(np.zeros((1, 4), np.int64), np.zeros((2, 2), np.int64), num_classes=2)


def test_playground_target_is_one_scene_of_the_seed():
    target = playground_target(seed=3)
    assert target.shape == (128, 128) and target.dtype == np.int64
    assert np.array_equal(target, make_scenes(1, size=128, seed=3)[1][0])


def test_the_exercise_reports_the_scores_the_explorer_shows(capsys, monkeypatch):
    from segtutor.exercises import check_least_affected_score
    from segtutor.exercises import explorer as exercise

    fixed = {"pixel accuracy": 0.5, "mean IoU": 0.25, "mean Dice": 0.75}
    monkeypatch.setattr(exercise, "playground_scores", lambda pred, target, *, num_classes: fixed)
    assert check_least_affected_score("mean Dice") is True
    assert "pixel accuracy 0.500, mean IoU 0.250, mean Dice 0.750" in capsys.readouterr().out
