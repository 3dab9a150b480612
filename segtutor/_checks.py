"""Guard clauses shared by the public functions.

Each guard raises ``TypeError`` for a wrong type and ``ValueError`` for a
wrong value, with one message that names the caller's argument, e.g.
``"`labels` must be an integer array of shape (H, W) or (N, H, W), got
float32 of shape (3, 4, 4)"``.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch


def describe_array(value) -> str:
    """Return ``"<dtype> of shape <shape>"`` for an array or tensor, else the type name."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        return f"{dtype} of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} of shape {value.shape}"
    return type(value).__name__


def _is_integer(value) -> bool:
    if isinstance(value, torch.Tensor):
        return not value.is_floating_point() and not value.is_complex() and value.dtype != torch.bool
    return np.issubdtype(value.dtype, np.integer)


def check_labels(labels, *, name: str = "labels", ndims: tuple[int, ...] = (2, 3)) -> None:
    """Check that `labels` is an integer NumPy array or tensor of an allowed rank.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If its rank is not in `ndims`.
    """
    shapes = " or ".join({2: "(H, W)", 3: "(N, H, W)"}[n] for n in ndims)
    message = f"`{name}` must be an integer array of shape {shapes}, got {describe_array(labels)}"
    if not isinstance(labels, (np.ndarray, torch.Tensor)) or not _is_integer(labels):
        raise TypeError(message)
    if labels.ndim not in ndims:
        raise ValueError(message)


def check_logits(logits, *, name: str = "logits") -> None:
    """Check that `logits` is a floating-point ``[N, C, H, W]`` tensor."""
    message = f"`{name}` must be a float tensor of shape (N, C, H, W), got {describe_array(logits)}"
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError(message)
    if logits.ndim != 4:
        raise ValueError(message)


def check_batch(batch, *, name: str = "batch") -> None:
    """Check that `batch` is a floating-point ``[N, 3, H, W]`` tensor."""
    message = f"`{name}` must be a float tensor of shape (N, 3, H, W), got {describe_array(batch)}"
    if not isinstance(batch, torch.Tensor) or not batch.is_floating_point():
        raise TypeError(message)
    if batch.ndim != 4 or batch.shape[1] != 3:
        raise ValueError(message)


def check_int(value, *, name: str, minimum: int | None = None) -> int:
    """Check that `value` is an integer (Python or NumPy, not bool), at least `minimum`; return it as int."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"`{name}` must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, got {value}")
    return int(value)
