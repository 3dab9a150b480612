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
from PIL import Image


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


def check_batch(batch, *, name: str = "batch", ndims: tuple[int, ...] = (4,)) -> None:
    """Check that `batch` is a floating-point ``[N, 3, H, W]`` tensor (or ``[3, H, W]`` if 3 is in `ndims`)."""
    shapes = " or ".join({3: "(3, H, W)", 4: "(N, 3, H, W)"}[n] for n in ndims)
    message = f"`{name}` must be a float tensor of shape {shapes}, got {describe_array(batch)}"
    if not isinstance(batch, torch.Tensor) or not batch.is_floating_point():
        raise TypeError(message)
    if batch.ndim not in ndims or batch.shape[-3] != 3:
        raise ValueError(message)


def check_nonnegative(labels, *, name: str = "labels") -> None:
    """Check that an integer array or tensor holds no negative value.

    Raises
    ------
    ValueError
        If its minimum is negative.
    """
    if labels.size if isinstance(labels, np.ndarray) else labels.numel():
        minimum = labels.min()
        if minimum < 0:
            raise ValueError(f"`{name}` must be non-negative, got minimum {int(minimum)}")


def as_image_array(image, *, name: str = "image") -> np.ndarray:
    """Return an RGB image as a uint8 ``(H, W, 3)`` NumPy array.

    Accepts a PIL image (converted to RGB) or a uint8 ``(H, W, 3)`` array.

    Raises
    ------
    TypeError
        If `image` is neither a PIL image nor a uint8 array.
    ValueError
        If the array is not of shape (H, W, 3).
    """
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("RGB"))
    message = f"`{name}` must be a PIL image or a uint8 array of shape (H, W, 3), got {describe_array(image)}"
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError(message)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(message)
    return image


def check_same_size(image: np.ndarray, labels, *, names: tuple[str, str] = ("image", "labels")) -> None:
    """Check that an ``(H, W, 3)`` image and an ``(H, W)`` class map have the same height and width.

    Raises
    ------
    ValueError
        If their (H, W) differ.
    """
    image_hw, labels_hw = tuple(image.shape[:2]), tuple(labels.shape[-2:])
    if image_hw != labels_hw:
        raise ValueError(
            f"`{names[0]}` and `{names[1]}` must have the same height and width, "
            f"got (H, W) = {image_hw} and {labels_hw}"
        )


def check_fraction(value, *, name: str) -> float:
    """Check that `value` is a real number in [0, 1] and return it as a float.

    Raises
    ------
    TypeError
        If `value` is not a real number (bools are refused).
    ValueError
        If it lies outside [0, 1].
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a number in [0, 1], got {type(value).__name__}")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"`{name}` must be a number in [0, 1], got {value}")
    return float(value)
def check_int(value, *, name: str, minimum: int | None = None) -> int:
    """Check that `value` is an integer (Python or NumPy, not bool), at least `minimum`; return it as int."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"`{name}` must be an int, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, got {value}")
    return int(value)
