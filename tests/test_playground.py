import numpy as np
import pytest

from segtutor import agreement_map, perturb_labels


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
