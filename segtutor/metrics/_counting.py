"""Counting for :func:`segtutor.confusion_matrix`: narrow dtypes, one flat index, one bincount.

The public function checks its arguments first; :func:`count_narrow` then
counts CPU maps whose values are all valid, without any copy wider than
int16 for the usual class counts, and leaves every other input (values out of
range, tensors on a GPU) to the general path of :func:`segtutor.confusion_matrix`,
which checks and reports them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from .._checks import ArrayOrTensor

_MAX_NARROW_BINS = 1 << 20
"""Most bins :func:`count_narrow` counts into; beyond it (a huge `ignore_index`) the general path counts."""


def _narrow(values: np.ndarray, low: int, high: int, dtype: npt.DTypeLike) -> np.ndarray:
    """A new C-contiguous `dtype` copy of `values` clipped to ``low .. high``, read in one pass."""
    info = np.iinfo(values.dtype)
    out = np.empty(values.shape, dtype)
    if low <= info.min and info.max <= high:
        np.copyto(out, values, casting="unsafe")  # exact: every value of this dtype fits
    else:
        np.clip(values, max(low, info.min), min(high, info.max), out=out, casting="unsafe")
    return out


def _bincount(index: torch.Tensor, bins: int) -> torch.Tensor:
    """``torch.bincount``, in slices of 2**15 values summed when there are few bins.

    Below its parallel grain size (2**15) torch counts on one thread. On a busy
    2-core machine that is 1.5-5 times faster than one multi-threaded call,
    whose threads wait for each other; with many bins, summing the slices' counts
    would cost more than it saves.
    """
    step = 1 << 15
    if bins > step // 4 or len(index) <= step:
        return torch.bincount(index, minlength=bins)
    counts = torch.bincount(index[:step], minlength=bins)
    for part in index[step:].split(step):
        counts += torch.bincount(part, minlength=bins)
    return counts


def count_narrow(pred: ArrayOrTensor, target: ArrayOrTensor, num_classes: int, ignore_index: int) -> np.ndarray | None:
    """The confusion matrix of CPU maps whose values are all valid, or None to leave them to the general path.

    Each map is read once, clipped into int16 (int32 for many classes) as it
    is read: a value out of range lands on a guard value just outside the
    valid ones (below 0 and past ``num_classes``, and around `ignore_index`).
    One flat index ``(target - low) * (C + 2) + pred + 1`` and one bincount
    then count every pixel. If any pixel lands in a guard bin, or any
    prediction is out of range (even under an ignored target), it returns
    None: the general path checks and counts such input. The caller has
    checked its arguments (:func:`segtutor.confusion_matrix` does).
    """
    # confusion_matrix has checked both: ints, and ignore_index outside 0 .. num_classes-1.
    arrays = []
    for values in (pred, target):
        if isinstance(values, torch.Tensor):
            if values.device.type != "cpu" or values.layout != torch.strided:
                return None
            values = values.resolve_conj().resolve_neg().numpy()
        arrays.append(values)
    low, high = min(0, ignore_index) - 1, max(num_classes, ignore_index + 1)  # guard values of the target
    width = num_classes + 2  # columns: pred -1 (guard), 0 .. C-1, C (guard)
    bins = (high - low + 1) * width
    if bins > _MAX_NARROW_BINS:
        return None
    dtype = np.int16 if bins <= np.iinfo(np.int16).max else np.int32
    index = _narrow(arrays[1], low, high, dtype)
    index *= width
    index += _narrow(arrays[0], -1, num_classes, dtype)
    index += 1 - low * width
    counts = _bincount(torch.from_numpy(index).reshape(-1), bins).numpy().reshape(-1, width)
    matrix = counts[-low:num_classes - low, 1:num_classes + 1]
    if matrix.sum() + counts[ignore_index - low, 1:num_classes + 1].sum() != index.size:
        return None
    return np.ascontiguousarray(matrix)
