"""The generic guards every public function starts with (segtutor._checks)."""

import numpy as np
import pytest
import torch

from segtutor._checks import check_int, check_labels, check_logits, check_num_classes, describe_array, is_int


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.int16(-2)])
def test_any_integral_type_counts_as_an_int(value):
    assert is_int(value) and check_int(value, name="n") == int(value) and type(check_int(value, name="n")) is int


@pytest.mark.parametrize("value, shown", [(True, "bool"), (3.0, "float"), ("3", "str"), (np.float32(3), "float32")])
def test_bools_floats_and_strings_are_not_ints(value, shown):
    assert not is_int(value)
    with pytest.raises(TypeError, match=rf"^`size` must be an int, got {shown}$"):
        check_int(value, name="size")


def test_check_int_names_the_argument_and_the_minimum():
    with pytest.raises(ValueError, match=r"^`num_classes` must be at least 2, got 1$"):
        check_num_classes(1)
    with pytest.raises(ValueError, match=r"^`num_classes` must be at most 1024 \(segtutor\.metrics\.MAX_CLASSES\), got 1025$"):
        check_num_classes(1025)


def test_describe_array_gives_dtype_and_shape_of_arrays_and_tensors():
    assert describe_array(np.zeros((3, 4, 4), np.float32)) == "float32 of shape (3, 4, 4)"
    assert describe_array(torch.zeros(2, 5, dtype=torch.int64)) == "int64 of shape (2, 5)"
    assert describe_array([1, 2]) == "list"


def test_check_labels_says_type_errors_and_rank_errors_apart():
    check_labels(np.zeros((2, 2), np.uint8))
    with pytest.raises(TypeError, match=r"^`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), "
                                        r"got float32 of shape \(3, 4, 4\)$"):
        check_labels(np.zeros((3, 4, 4), np.float32))
    with pytest.raises(ValueError, match=r"^`target` must be an integer array of shape \(H, W\), got int64 of shape \(4,\)$"):
        check_labels(np.zeros(4, np.int64), name="target", ndims=(2,))
    with pytest.raises(TypeError, match=r"^`labels` must be an integer array .*got bool of shape \(2, 2\)$"):
        check_labels(torch.zeros(2, 2, dtype=torch.bool))


def test_check_logits_wants_a_float_nchw_tensor():
    check_logits(torch.zeros(1, 2, 3, 3))
    with pytest.raises(TypeError, match=r"^`logits` must be a float tensor of shape \(N, C, H, W\), got int64 of shape \(1, 2, 3, 3\)$"):
        check_logits(torch.zeros(1, 2, 3, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"^`logits` must be a float tensor of shape \(N, C, H, W\), got float32 of shape \(2, 3, 3\)$"):
        check_logits(torch.zeros(2, 3, 3))
