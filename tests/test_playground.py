import numpy as np
import pytest
import torch
from PIL import Image

from segtutor import agreement_map, displayable, perturb_labels, tensor_statistics


def test_tensor_statistics_of_an_image_and_a_tensor():
    image = Image.fromarray(np.array([[[0, 10, 20], [4, 30, 60]]], dtype=np.uint8))
    rows = tensor_statistics(image)
    assert [(r["min"], r["max"], r["mean"]) for r in rows] == [(0, 4, 2.0), (10, 30, 20.0), (20, 60, 40.0)]
    assert rows[0]["shape"] == (1, 2, 3) and rows[0]["dtype"] == "uint8"
    tensor_rows = tensor_statistics(torch.tensor([[[1.0, 3.0]], [[-1.0, -1.0]]]))
    assert [(r["min"], r["max"], r["mean"]) for r in tensor_rows] == [(1.0, 3.0, 2.0), (-1.0, -1.0, -1.0)]
    assert tensor_rows[0]["dtype"] == "torch.float32" and tensor_rows[0]["shape"] == (2, 1, 2)


def test_displayable_stretches_each_channel():
    tensor = torch.tensor([[[0.0, 2.0]], [[-3.0, -1.0]], [[5.0, 5.0]]])
    assert displayable(tensor).tolist() == [[[0, 0, 0], [255, 255, 0]]]
    assert displayable(Image.new("L", (2, 1), 7)).tolist() == [[[7, 7, 7], [7, 7, 7]]]


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
