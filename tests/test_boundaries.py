import numpy as np
import pytest
import torch

from segtutor import mean_iou
from segtutor.metrics import boundary_band, boundary_f1, boundary_miou, class_edges


def test_edges_mark_both_sides_in_both_directions():
    labels = np.array([[0, 0, 0],
                       [0, 1, 0],
                       [0, 0, 0]])
    expected = np.array([[0, 1, 0],
                         [1, 1, 1],
                         [0, 1, 0]], dtype=bool)
    assert np.array_equal(class_edges(labels), expected)
    assert np.array_equal(class_edges(torch.from_numpy(labels)[None]), expected[None])
    assert not class_edges(np.zeros((3, 4), dtype=np.int64)).any()


def test_band_grows_the_edges_by_width_in_a_square():
    labels = np.zeros((7, 7), dtype=np.int64)
    labels[3, 3] = 1
    assert boundary_band(labels, width=0).sum() == 5
    assert np.array_equal(boundary_band(labels, width=1), np.pad(np.ones((5, 5), bool), 1) & ~_corners(7))


def _corners(size):
    """The 4 pixels diagonal-2 from the centre that a width-1 square around a plus sign does not reach."""
    mask = np.zeros((size, size), bool)
    for r, c in ((1, 1), (1, 5), (5, 1), (5, 5)):
        mask[r, c] = True
    return mask


def test_boundary_miou_by_hand():
    target = np.array([[0, 0, 0, 0, 1, 1]])
    pred = np.array([[0, 0, 0, 1, 1, 1]])
    # band with width 1: pixels 2..5; there class 0 is {2, 3} true, {2} predicted -> IoU 1/2;
    # class 1 is {4, 5} true, {3, 4, 5} predicted -> IoU 2/3; mean 7/12
    assert boundary_miou(pred, target, num_classes=2, width=1) == pytest.approx(7 / 12)
    assert boundary_miou(target, target, num_classes=2, width=1) == 1.0
    assert np.isnan(boundary_miou(pred, np.zeros_like(target), num_classes=2))  # no boundary, empty band


def test_boundary_miou_with_a_wide_band_is_the_mean_iou_and_ignore_is_kept():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 3, (2, 9, 9))
    pred = rng.integers(0, 3, (2, 9, 9))
    target[0, 0] = 255
    assert boundary_miou(pred, target, num_classes=3, width=20) == pytest.approx(mean_iou(pred, target, num_classes=3))


def test_boundary_f1_by_hand():
    target = np.array([[0, 0, 0, 0, 1, 1, 1, 1]])
    assert boundary_f1(target, target, tolerance=0) == 1.0
    shifted = np.array([[0, 0, 0, 1, 1, 1, 1, 1]])  # edge pixels {2, 3} against {3, 4}
    assert boundary_f1(shifted, target, tolerance=0) == pytest.approx(0.5)  # P = R = 1/2
    assert boundary_f1(shifted, target, tolerance=1) == 1.0
    extra = np.array([[0, 0, 0, 0, 1, 1, 2, 2]])  # predicts edges {3, 4, 5, 6}; truth {3, 4}
    assert boundary_f1(extra, target, tolerance=0) == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    assert boundary_f1(np.zeros_like(target), target) == 0.0
    assert boundary_f1(np.zeros_like(target), np.zeros_like(target)) == 1.0


def test_boundary_metrics_refuse_bad_input():
    with pytest.raises(ValueError, match=r"`pred` and `target` must have the same shape, got \(1, 2\) and \(1, 3\)"):
        boundary_f1(np.zeros((1, 2), int), np.zeros((1, 3), int))
    with pytest.raises(ValueError, match=r"`width` must be at least 0, got -1"):
        boundary_band(np.zeros((2, 2), int), width=-1)
    with pytest.raises(TypeError, match=r"`tolerance` must be an int, got float"):
        boundary_f1(np.zeros((2, 2), int), np.zeros((2, 2), int), tolerance=1.5)
