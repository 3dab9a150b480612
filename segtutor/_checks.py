"""Guard clauses shared by the public functions.

Each guard raises ``TypeError`` for a wrong type and ``ValueError`` for a
wrong value, with one message that names the caller's argument, e.g.
``"`labels` must be an integer array of shape (H, W) or (N, H, W), got
float32 of shape (3, 4, 4)"``.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence
from typing import Any, TypeAlias, TypeGuard

import numpy as np
import torch
from PIL import Image, ImageOps

ArrayOrTensor: TypeAlias = np.ndarray | torch.Tensor
"""A NumPy array or a torch tensor: what the class maps, probabilities and matrices of the public functions may be."""
ImageLike: TypeAlias = Image.Image | np.ndarray
"""An RGB image: a PIL image or a uint8 ``(H, W, 3)`` array."""
StrPath: TypeAlias = str | os.PathLike[str]
"""A file or folder name: a string or a path object."""

MAX_CLASSES = 1024
"""The most classes a class count may give (``num_classes``).

A (C, C) int64 confusion matrix of 1024 classes takes 8 MiB. The bound
covers every common benchmark: PASCAL VOC (21), Cityscapes (19), ADE20K
(150), COCO-Stuff (171 used of 182 ids) and ADE20K-full (847). A larger count
is almost surely a mistake, e.g. a label id such as 10**6 passed as
`num_classes`, and would otherwise try a huge allocation.
"""


def describe_array(value: object) -> str:
    """Return ``"<dtype> of shape <shape>"`` for an array or tensor, else the type name."""
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).removeprefix("torch.")
        return f"{dtype} of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} of shape {value.shape}"
    return type(value).__name__


def _is_integer(value: ArrayOrTensor) -> bool:
    if isinstance(value, torch.Tensor):
        return not value.is_floating_point() and not value.is_complex() and value.dtype != torch.bool
    return bool(np.issubdtype(value.dtype, np.integer))


def check_labels(labels: object, *, name: str = "labels", ndims: tuple[int, ...] = (2, 3)) -> None:
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


def check_logits(logits: object, *, name: str = "logits") -> None:
    """Check that `logits` is a floating-point ``[N, C, H, W]`` tensor."""
    message = f"`{name}` must be a float tensor of shape (N, C, H, W), got {describe_array(logits)}"
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError(message)
    if logits.ndim != 4:
        raise ValueError(message)


def check_batch(batch: object, *, name: str = "batch", ndims: tuple[int, ...] = (4,)) -> None:
    """Check that `batch` is a floating-point ``[N, 3, H, W]`` tensor (or ``[3, H, W]`` if 3 is in `ndims`)."""
    shapes = " or ".join({3: "(3, H, W)", 4: "(N, 3, H, W)"}[n] for n in ndims)
    message = f"`{name}` must be a float tensor of shape {shapes}, got {describe_array(batch)}"
    if not isinstance(batch, torch.Tensor) or not batch.is_floating_point():
        raise TypeError(message)
    if batch.ndim not in ndims or batch.shape[-3] != 3:
        raise ValueError(message)


def check_nonnegative(labels: ArrayOrTensor, *, name: str = "labels") -> None:
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


def as_image_array(image: object, *, name: str = "image") -> np.ndarray:
    """Return an RGB image as a uint8 ``(H, W, 3)`` NumPy array.

    Accepts a PIL image (turned upright by :func:`upright`, then converted to
    RGB) or a uint8 ``(H, W, 3)`` array (used as it is).

    Raises
    ------
    TypeError
        If `image` is neither a PIL image nor a uint8 array.
    ValueError
        If the array is not of shape (H, W, 3).
    """
    if isinstance(image, Image.Image):
        return np.asarray(upright(image).convert("RGB"))
    message = f"`{name}` must be a PIL image or a uint8 array of shape (H, W, 3), got {describe_array(image)}"
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise TypeError(message)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(message)
    return image


def upright(image: Image.Image) -> Image.Image:
    """Turn a PIL image upright according to its EXIF orientation tag: the one place segtutor does it.

    Every function that takes a PIL image (:func:`segtutor.load_image`, so
    :func:`segtutor.segment` and :func:`segtutor.preprocess`, and
    :func:`segtutor.overlay` and the other display functions) goes through
    here, so a class map and the picture it is drawn over agree on
    orientation. A NumPy array has no tag and is used as it is:
    ``np.asarray(Image.open(path))`` is the stored orientation, which differs
    from the displayed one when the tag says to rotate or flip; pass the PIL
    image itself, or ``np.asarray(segtutor.load_image(path))``.

    Returns
    -------
    PIL.Image.Image
        `image` itself when it has no orientation tag (or the tag is 1),
        else a new, transposed image.

    Examples
    --------
    >>> image = Image.new("RGB", (4, 2))
    >>> exif = image.getexif()
    >>> exif[0x0112] = 6  # "rotate 90 degrees clockwise to view"
    >>> image.info["exif"] = exif.tobytes()
    >>> upright(image).size
    (2, 4)
    """
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        return ImageOps.exif_transpose(image)
    return image


def check_same_size(image: np.ndarray, labels: ArrayOrTensor, *, names: tuple[str, str] = ("image", "labels")) -> None:
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


def check_fraction(value: object, *, name: str) -> float:
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
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"`{name}` must be a number in [0, 1], got {value}")
    return float(value)


def is_int(value: object) -> TypeGuard[int | np.integer]:
    """Whether `value` is an integer of any integral type (``int``, ``numpy.int64``, ...) other than ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value: Any, *, name: str, minimum: int | None = None) -> int:
    """Check that `value` is an integer and return it as a Python int.

    The one integer check of the package: any integral type counts (``int``,
    ``numpy.int64``, ``numpy.uint8``, ...), but not ``bool``.

    Raises
    ------
    TypeError
        If `value` is not integral, or is a bool.
    ValueError
        If it is below `minimum`.

    Examples
    --------
    >>> check_int(np.int64(5), name="num_classes", minimum=2)
    5
    """
    if not is_int(value):
        raise TypeError(f"`{name}` must be an int, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"`{name}` must be at least {minimum}, got {value}")
    return value


def check_num_classes(num_classes: Any) -> int:
    """Check a class count: an int in ``2 .. MAX_CLASSES``; return it as an int.

    Raises
    ------
    TypeError
        If `num_classes` is not an int.
    ValueError
        If it is below 2 or above :data:`MAX_CLASSES`, before anything of that size is allocated.
    """
    num_classes = check_int(num_classes, name="num_classes", minimum=2)
    if num_classes > MAX_CLASSES:
        raise ValueError(f"`num_classes` must be at most {MAX_CLASSES} (segtutor.metrics.MAX_CLASSES), got {num_classes}")
    return num_classes


def check_ignore_index(ignore_index: Any, *, num_classes: int | None = None) -> int:
    """Check the label of unlabelled pixels: an int64 value that is not a class id; return it as an int.

    ``None`` is refused rather than read as "ignore nothing": a function that
    writes `ignore_index` (e.g. :func:`segtutor.data.add_void_border`) needs a value.
    To ignore no pixel, pass a value the labels never hold, such as -1.

    Raises
    ------
    TypeError
        If `ignore_index` is not an int (``None`` included).
    ValueError
        If it does not fit in int64, or lies in ``0 .. num_classes-1``.
    """
    if ignore_index is None:
        raise TypeError("`ignore_index` must be an int, the label of unlabelled pixels (e.g. 255), got None; "
                        "to ignore no pixel, pass a value your labels never hold, such as -1")
    if not is_int(ignore_index):
        raise TypeError(f"`ignore_index` must be an int, the label of unlabelled pixels (e.g. 255), got {type(ignore_index).__name__}")
    ignore_index = int(ignore_index)
    if not -(2**63) <= ignore_index < 2**63:
        raise ValueError(f"`ignore_index` must fit in int64, got {ignore_index}")
    if num_classes is not None and 0 <= ignore_index < num_classes:
        raise ValueError(f"`ignore_index` must not be a class id: with num_classes={num_classes} it must lie outside "
                         f"0..{num_classes - 1} (e.g. 255 or -1), got {ignore_index}")
    return ignore_index


def as_native(values: Any) -> Any:
    """A writable NumPy array in native byte order with no negative stride (what ``torch.as_tensor`` takes quietly).

    Big-endian, flipped (e.g. ``labels[:, ::-1]``) or read-only arrays (e.g. ``np.asarray`` of a PIL image, or
    the explorers' cached results) are copied; anything else is returned as it is.
    """
    if isinstance(values, np.ndarray) and (not values.dtype.isnative or not values.flags.writeable
                                           or any(step < 0 for step in values.strides)):
        return np.array(values, dtype=values.dtype.newbyteorder("="), order="C")  # always a copy
    return values


def to_numpy(values: ArrayOrTensor) -> np.ndarray:
    """A tensor as a NumPy array (detached, on the CPU); a NumPy array as it is."""
    return values.detach().cpu().numpy() if isinstance(values, torch.Tensor) else values


def check_color(value: object, *, name: str) -> tuple[int, int, int]:
    """Check an (R, G, B) colour of three ints in 0..255 (NumPy ints too); return it as a tuple of ints.

    Raises
    ------
    TypeError
        If `value` is not a sequence of three ints.
    ValueError
        If it does not hold three values, or one lies outside 0..255.
    """
    shown = tuple(value.tolist()) if isinstance(value, np.ndarray) else value
    message = f"`{name}` must be 3 ints in 0..255 (R, G, B), got {shown!r}"
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(message)
    if len(value) != 3:
        raise ValueError(message)
    if not all(is_int(c) for c in value):
        raise TypeError(message)
    if any(not 0 <= c <= 255 for c in value):
        raise ValueError(message)
    red, green, blue = (int(c) for c in value)
    return red, green, blue


def check_dataset(data: Any, *, name: str) -> int:
    """Check that `data` is a dataset with a length of at least 1 (a torch Dataset, a list of samples); return its length.

    Raises
    ------
    TypeError
        If `data` has no length (a generator, ``None``).
    ValueError
        If it is empty.
    """
    try:
        length = len(data)
    except TypeError:
        raise TypeError(f"`{name}` must be a dataset of (image, labels) samples with a length, got {type(data).__name__}") from None
    if length == 0:
        raise ValueError(f"`{name}` must hold at least one sample, got an empty dataset")
    return length
