"""confusion_matrix's narrow counting (segtutor.metrics._counting): exact counts against independent
references, and None for every input it leaves to the general path."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from segtutor import confusion_matrix
from segtutor.metrics._counting import _MAX_NARROW_BINS, count_narrow

from ._maps import random_maps as _random_maps


def _bincount_reference(pred, target, num_classes, ignore_index):
    """The confusion matrix from one np.bincount of target * C + pred over the labelled pixels."""
    pred, target = np.asarray(pred).astype(np.int64).ravel(), np.asarray(target).astype(np.int64).ravel()
    keep = target != ignore_index
    flat = target[keep] * num_classes + pred[keep]
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


# --- count_narrow itself ---

def test_count_narrow_by_hand():
    target = np.array([[0, 0, 1], [1, 2, 2], [2, 2, 255]], np.uint8)
    pred = np.array([[0, 1, 1], [1, 2, 0], [2, 0, 1]], np.uint8)
    matrix = count_narrow(pred, target, 3, 255)
    assert matrix.dtype == np.int64 and matrix.flags.c_contiguous
    assert matrix.tolist() == [[1, 1, 0], [0, 2, 0], [2, 0, 2]]


@pytest.mark.parametrize("dtype, ignore_index", [
    (dtype, ignore) for dtype in (np.uint8, np.int8, np.int16, np.uint16, np.int32, np.int64)
    for ignore in (255, -1, 4, 1000) if np.iinfo(dtype).min <= ignore <= np.iinfo(dtype).max])
def test_count_narrow_equals_a_bincount_reference(dtype, ignore_index):
    rng = np.random.default_rng(3)
    target = rng.integers(0, 4, size=(2, 9, 7)).astype(dtype)
    target[rng.random(target.shape) < 0.2] = ignore_index
    pred = rng.integers(0, 4, size=target.shape).astype(dtype)
    target_before, pred_before = target.copy(), pred.copy()
    expected = _bincount_reference(pred, target, 4, ignore_index)
    assert expected.sum() == (target != ignore_index).sum() > 0
    assert np.array_equal(count_narrow(pred, target, 4, ignore_index), expected)
    assert np.array_equal(target, target_before) and np.array_equal(pred, pred_before)  # inputs untouched
    tensors = torch.from_numpy(pred.astype(np.int64)).mT, torch.from_numpy(target.astype(np.int64)).mT  # strided
    assert np.array_equal(count_narrow(*tensors, 4, ignore_index), expected)


@pytest.mark.parametrize("num_classes, size", [(3, 100_000), (200, 5_000)])
def test_count_narrow_many_pixels_and_many_classes(num_classes, size):
    # 100 000 pixels of 3 classes: counted in slices of 2**15 and summed; 200 classes: an int32 index.
    rng = np.random.default_rng(4)
    target = rng.integers(0, num_classes, size=size)
    target[::11] = 255
    pred = rng.integers(0, num_classes, size=size)
    assert np.array_equal(count_narrow(pred, target, num_classes, 255),
                          _bincount_reference(pred, target, num_classes, 255))


@pytest.mark.parametrize("case, pred, target", [
    ("target past the classes", [0, 1, 2], [0, 1, 3]),
    ("negative target", [0, 1, 2], [0, -2, 2]),
    ("target that int16 would wrap to 0", [0, 1, 2], [0, 1, 2**16]),
    ("pred past the classes", [0, 3, 2], [0, 1, 2]),
    ("negative pred", [0, -1, 2], [0, 1, 2]),
    ("pred that int16 would wrap to 0", [0, 2**40, 2], [0, 1, 2]),
    ("bad pred under an ignored target", [0, 1, 7], [0, 1, 255]),
])
def test_count_narrow_leaves_out_of_range_values_to_the_general_path(case, pred, target):
    assert count_narrow(np.array(pred, np.int64), np.array(target, np.int64), 3, 255) is None


def test_count_narrow_leaves_a_huge_ignore_index_and_non_cpu_tensors_to_the_general_path():
    labels = np.array([[0, 1], [2, 0]])
    huge = _MAX_NARROW_BINS  # (huge + 2) * (3 + 2) bins: past the bound
    assert count_narrow(labels, np.where(labels == 2, huge, labels), 3, huge) is None
    assert np.array_equal(count_narrow(labels, labels, 3, 1000), np.diag([2, 1, 1]))  # a large one still counts
    meta = torch.zeros((2, 2), dtype=torch.int64, device="meta")
    assert count_narrow(meta, torch.as_tensor(labels), 3, 255) is None
    assert count_narrow(torch.as_tensor(labels), meta, 3, 255) is None
    sparse = torch.as_tensor(labels).to_sparse()
    assert count_narrow(sparse, torch.as_tensor(labels), 3, 255) is None


# --- through confusion_matrix: same counts as an independent reference (issue 16) ---



def _reference_confusion(pred, target, num_classes, ignore_index):
    pred, target = np.asarray(pred).astype(np.int64).ravel(), np.asarray(target).astype(np.int64).ravel()
    keep = target != ignore_index
    matrix = np.zeros((num_classes, num_classes), np.int64)
    np.add.at(matrix, (target[keep], pred[keep]), 1)
    return matrix


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
@pytest.mark.parametrize("ignore_index", [255, -1, 100])
def test_narrow_counting_matches_a_reference_for_every_dtype(dtype, ignore_index):
    if ignore_index < 0 and np.issubdtype(dtype, np.unsignedinteger) or ignore_index > np.iinfo(dtype).max:
        pytest.skip("this dtype cannot hold that ignore_index")
    rng = np.random.default_rng(7)
    target = rng.integers(0, 6, size=(3, 21, 19)).astype(dtype)
    target[rng.random(target.shape) < 0.1] = ignore_index
    pred = rng.integers(0, 6, size=target.shape).astype(dtype)
    expected = _reference_confusion(pred, target, 6, ignore_index)
    for p, t in ((pred, target), (torch.as_tensor(pred.astype(np.int64)), torch.as_tensor(target.astype(np.int64)))):
        matrix = confusion_matrix(p, t, num_classes=6, ignore_index=ignore_index)
        assert matrix.dtype == np.int64 and matrix.shape == (6, 6) and matrix.flags.c_contiguous
        assert np.array_equal(matrix, expected)


def test_narrow_counting_reads_strided_views_without_a_copy_of_their_own():
    rng = np.random.default_rng(8)
    target, pred = rng.integers(0, 4, size=(30, 40)), rng.integers(0, 4, size=(30, 40))
    target[::7] = 255
    for view in (lambda a: a[::-1], lambda a: a.T, lambda a: a[:, ::3]):
        expected = _reference_confusion(view(pred), view(target), 4, 255)
        assert np.array_equal(confusion_matrix(view(pred), view(target), num_classes=4), expected)


def test_narrow_counting_counts_an_int16_flat_index(monkeypatch):
    seen = []
    real = torch.bincount
    monkeypatch.setattr(torch, "bincount", lambda index, **kw: seen.append(index.dtype) or real(index, **kw))
    pred, target = _random_maps(0)
    confusion_matrix(pred, target, num_classes=6)
    confusion_matrix(pred, target, num_classes=200)  # (257 + 2) * 202 bins: past int16
    assert set(seen[:-1]) == {torch.int16} and seen[-1] == torch.int32


@pytest.mark.parametrize("num_classes, ignore_index", [(150, 255), (5, 10**7)])
def test_many_classes_and_a_huge_ignore_index_count_the_same(num_classes, ignore_index):
    rng = np.random.default_rng(9)
    target, pred = rng.integers(0, num_classes, size=(50, 60)), rng.integers(0, num_classes, size=(50, 60))
    target[:, ::5] = ignore_index
    expected = _reference_confusion(pred, target, num_classes, ignore_index)
    assert np.array_equal(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index), expected)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_property_narrow_counting_equals_the_reference(data):
    num_classes = data.draw(st.integers(2, 30))
    ignore_index = data.draw(st.sampled_from([255, -1, num_classes, 1000]))
    dtype = data.draw(st.sampled_from([np.int16, np.int32, np.int64]))
    shape = data.draw(st.tuples(st.integers(1, 4), st.integers(1, 9), st.integers(1, 9)))
    classes = st.integers(0, num_classes - 1)
    pred = data.draw(arrays(dtype, shape, elements=classes))
    target = data.draw(arrays(dtype, shape, elements=st.one_of(classes, st.just(ignore_index))))
    expected = _reference_confusion(pred, target, num_classes, ignore_index)
    assert np.array_equal(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index), expected)
