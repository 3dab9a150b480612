"""The metrics' own input checks (segtutor.metrics._labels): label pairs, value ranges, confusion matrices."""

import numpy as np
import pytest
import torch

from segtutor.metrics._labels import as_confusion_matrix, check_label_pair, check_label_range, widen_labels


def test_a_label_pair_comes_back_native_and_a_bad_pair_is_named():
    big_endian = np.array([[1, 0]], dtype=">i4")
    pred, target = check_label_pair(big_endian, np.array([[1, 1]]))
    assert pred.dtype == np.dtype("=i4") and pred.tolist() == [[1, 0]] and target.tolist() == [[1, 1]]
    with pytest.raises(TypeError, match=r"^`target` must be an integer array or tensor, got float64 of shape \(1, 2\)$"):
        check_label_pair(np.zeros((1, 2), np.int64), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"^`pred` and `target` must have the same shape, got \(1, 2\) and \(2, 1\)$"):
        check_label_pair(np.zeros((1, 2), np.int64), torch.zeros(2, 1, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"^`pred` and `target` must not be empty, got shape \(0, 3\)$"):
        check_label_pair(np.zeros((0, 3), np.int64), np.zeros((0, 3), np.int64))


@pytest.mark.parametrize("dtype, wide", [(torch.uint8, torch.int32), (torch.int16, torch.int32), (torch.int32, torch.int32),
                                         (torch.int64, torch.int64)])
def test_narrow_labels_widen_to_a_signed_type_that_compares_right_with_minus_one(dtype, wide):
    values = torch.tensor([0, 255 if dtype == torch.uint8 else 7], dtype=dtype)
    widened = widen_labels(values, name="labels")
    assert widened.dtype == wide and widened.tolist() == values.tolist()
    assert (widened != -1).tolist() == [True, True]


def test_only_kept_values_outside_the_classes_are_refused():
    values, keep = torch.tensor([0, 2, 255, 3]), torch.tensor([True, True, False, True])
    with pytest.raises(ValueError, match=r"^`target` values must be in 0\.\.2 or ignore_index=255, got 3$"):
        check_label_range("target", values, keep, 3, " or ignore_index=255")
    check_label_range("target", values, torch.tensor([True, True, False, False]), 3, "")  # 255 and 3 are not kept


def test_a_confusion_matrix_is_square_nonnegative_and_float64():
    matrix = as_confusion_matrix(torch.tensor([[3, 1], [0, 2]]))
    assert matrix.dtype == np.float64 and matrix.tolist() == [[3.0, 1.0], [0.0, 2.0]]
    with pytest.raises(TypeError, match=r"^`matrix` must be a confusion matrix array or tensor, got list$"):
        as_confusion_matrix([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r"^`matrix` must be square, of shape \(C, C\) with C >= 2, got int64 of shape \(2, 3\)$"):
        as_confusion_matrix(np.zeros((2, 3), np.int64))
    with pytest.raises(ValueError, match=r"^`matrix` must hold non-negative counts, got minimum -1$"):
        as_confusion_matrix(np.array([[1, -1], [0, 1]]))


def test_uint64_values_beyond_int64_are_reported_as_they_are_never_wrapped_to_negatives():
    import segtutor

    huge, zero = np.array([[2**64 - 1, 1]], np.uint64), np.array([[0, 1]], np.uint64)
    with pytest.raises(ValueError, match=r"^`pred` values must be class ids, which fit in int64, got 18446744073709551615$"):
        segtutor.confusion_matrix(huge, zero, num_classes=2)
    for ignore_index in (255, -1):  # wrapped to -1, it used to be taken for ignore_index=-1 and silently dropped
        with pytest.raises(ValueError, match=r"^`target` values must be class ids, which fit in int64, got 18446744073709551615$"):
            segtutor.confusion_matrix(zero, huge, num_classes=2, ignore_index=ignore_index)
    with pytest.raises(ValueError, match=r"^`target` values must be in 0\.\.1 or ignore_index=255, got 9223372036854775807$"):
        segtutor.confusion_matrix(zero, np.array([[2**63 - 1, 0]], np.uint64), num_classes=2)
    assert segtutor.confusion_matrix(zero, zero, num_classes=2).tolist() == [[1, 0], [0, 1]]
