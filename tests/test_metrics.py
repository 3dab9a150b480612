import numpy as np
import pytest
import torch

from segtutor import confusion_matrix, iou, iou_from_confusion, mean_iou

# A hand-checkable 3x3 example. Target / prediction:
#   0 0 1      0 1 1
#   1 2 2      1 2 0
#   2 2 255    2 0 1     (255: unlabelled, not counted)
TARGET = np.array([[0, 0, 1], [1, 2, 2], [2, 2, 255]])
PRED = np.array([[0, 1, 1], [1, 2, 0], [2, 0, 1]])


def test_confusion_matrix_by_hand():
    expected = np.array([
        [1, 1, 0],  # true 0: once right, once called 1
        [0, 2, 0],  # true 1: both right
        [2, 0, 2],  # true 2: twice right, twice called 0
    ])
    matrix = confusion_matrix(PRED, TARGET, num_classes=3)
    assert matrix.dtype == np.int64
    assert np.array_equal(matrix, expected)


def test_confusion_matrix_agrees_for_torch_and_batches():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 4, size=(2, 6, 5))
    pred = rng.integers(0, 4, size=(2, 6, 5))
    expected = sum(confusion_matrix(pred[i], target[i], num_classes=4) for i in range(2))
    assert np.array_equal(confusion_matrix(torch.as_tensor(pred), torch.as_tensor(target), num_classes=4), expected)
    reference = np.zeros((4, 4), np.int64)
    np.add.at(reference, (target.ravel(), pred.ravel()), 1)
    assert np.array_equal(expected, reference)


def test_iou_by_hand():
    # class 0: TP 1, FP 2, FN 1 -> 1/4; class 1: TP 2, FP 1 -> 2/3; class 2: TP 2, FN 2 -> 2/4
    assert iou(PRED, TARGET, num_classes=3) == pytest.approx([1 / 4, 2 / 3, 1 / 2])
    assert mean_iou(PRED, TARGET, num_classes=3) == pytest.approx((1 / 4 + 2 / 3 + 1 / 2) / 3)


def test_absent_class_is_nan_and_left_out_of_the_mean():
    scores = iou(np.array([0, 1]), np.array([0, 1]), num_classes=3)
    assert scores[:2].tolist() == [1.0, 1.0] and np.isnan(scores[2])
    assert mean_iou(np.array([0, 1]), np.array([0, 1]), num_classes=3) == 1.0
    assert np.isnan(iou_from_confusion(np.zeros((2, 2)))).all()


def test_bad_input():
    with pytest.raises(ValueError, match=r"`pred` and `target` must have the same shape, got \(2, 2\) and \(2, 3\)"):
        confusion_matrix(np.zeros((2, 2), int), np.zeros((2, 3), int), num_classes=2)
    with pytest.raises(TypeError, match=r"`pred` must be an integer array or tensor, got float32 of shape \(2,\)"):
        confusion_matrix(np.zeros(2, np.float32), np.zeros(2, int), num_classes=2)
    with pytest.raises(TypeError, match=r"`target` must be an integer array or tensor, got list"):
        confusion_matrix(np.zeros(2, int), [0, 0], num_classes=2)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..1 or ignore_index=255, got 7"):
        confusion_matrix(np.zeros(2, int), np.array([0, 7]), num_classes=2)
    with pytest.raises(ValueError, match=r"`pred` values must be in 0..1, got 255"):
        confusion_matrix(np.array([0, 255]), np.zeros(2, int), num_classes=2)
    with pytest.raises(ValueError, match=r"`pred` and `target` must not be empty, got shape \(0,\)"):
        confusion_matrix(np.zeros(0, int), np.zeros(0, int), num_classes=2)
    with pytest.raises(ValueError, match=r"`num_classes` must be at least 2, got 1"):
        confusion_matrix(np.zeros(2, int), np.zeros(2, int), num_classes=1)
    with pytest.raises(TypeError, match=r"`num_classes` must be an int, got float"):
        confusion_matrix(np.zeros(2, int), np.zeros(2, int), num_classes=2.0)
