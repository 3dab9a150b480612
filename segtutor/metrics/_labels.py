"""The metrics' own input checks: a pair of class maps, their value range, and a confusion matrix.

Shared by the metrics, the metric plots and the losses, which all take class
maps and matrices. The generic guards live in :mod:`segtutor._checks`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .._checks import ArrayOrTensor, _is_integer, as_native, describe_array

__all__ = ["as_confusion_matrix", "check_label_pair", "check_label_range", "widen_labels"]


def check_label_pair(pred: Any, target: Any) -> tuple[ArrayOrTensor, ArrayOrTensor]:
    """Check two integer class maps of one non-empty shape; return them as :func:`as_native` arrays or tensors.

    Raises
    ------
    TypeError
        If either is not an integer array or tensor.
    ValueError
        If their shapes differ or they are empty.
    """
    for name, value in (("pred", pred), ("target", target)):
        if not isinstance(value, (np.ndarray, torch.Tensor)) or not _is_integer(value):
            raise TypeError(f"`{name}` must be an integer array or tensor, got {describe_array(value)}")
    if tuple(pred.shape) != tuple(target.shape):
        raise ValueError(f"`pred` and `target` must have the same shape, got {tuple(pred.shape)} and {tuple(target.shape)}")
    if 0 in tuple(pred.shape):
        raise ValueError(f"`pred` and `target` must not be empty, got shape {tuple(pred.shape)}")
    return as_native(pred), as_native(target)


def widen_labels(values: torch.Tensor, *, name: str) -> torch.Tensor:
    """Signed int32/int64 copy of narrow or unsigned labels, so that e.g. ``uint8 != -1`` compares right.

    Raises
    ------
    ValueError
        If a uint64 value does not fit in int64 (it would wrap to a negative
        value, reported wrong or taken for an ``ignore_index`` such as -1).
    """
    if values.dtype in (torch.int32, torch.int64):
        return values
    wide = values.to(torch.int32 if values.element_size() < 4 else torch.int64)
    if values.dtype == torch.uint64:
        wrapped = wide < 0  # exactly the values >= 2**63
        if wrapped.any():
            raise ValueError(f"`{name}` values must be class ids, which fit in int64, got {int(wide[wrapped][0]) + 2**64}")
    return wide


def check_label_range(name: str, values: torch.Tensor, keep: torch.Tensor, num_classes: int, allowed: str) -> None:
    """Raise if a kept value lies outside ``0 .. num_classes-1``; one cheap reduction when all values are valid."""
    low, high = torch.aminmax(values)
    if low >= 0 and high < num_classes:
        return
    bad = keep & ((values < 0) | (values >= num_classes))
    if bad.any():
        raise ValueError(f"`{name}` values must be in 0..{num_classes - 1}{allowed}, got {int(values[bad][0])}")


def as_confusion_matrix(matrix: object) -> np.ndarray:
    """Check a confusion matrix (square, at least 2 classes, no negative count); return it as float64.

    Raises
    ------
    TypeError
        If `matrix` is not an array or tensor.
    ValueError
        If it is not square with at least 2 classes, or holds a negative count.
    """
    if not isinstance(matrix, (np.ndarray, torch.Tensor)):
        raise TypeError(f"`matrix` must be a confusion matrix array or tensor, got {describe_array(matrix)}")
    shape = tuple(matrix.shape)
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] < 2:
        raise ValueError(f"`matrix` must be square, of shape (C, C) with C >= 2, got {describe_array(matrix)}")
    values = np.asarray(matrix.cpu() if isinstance(matrix, torch.Tensor) else matrix, dtype=np.float64)
    if (values < 0).any():
        raise ValueError(f"`matrix` must hold non-negative counts, got minimum {values.min():g}")
    return values
