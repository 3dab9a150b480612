"""From a photo to a class map at the photo's own size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal, overload

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image

from .._checks import check_batch, check_ignore_index, is_int, to_numpy
from ..data import seed_transform
from ..data._images import ImageSource, check_image_size, load_image, resized_size
from ._inference import check_model, predict
from ._loading import load_model
from ._spec import ModelSpec

__all__ = ["MIN_IMAGE_SIDE", "TILE_BYTES", "crop_box", "segment"]

TILE_BYTES = 64 * 2**20
"""Most bytes of resized logits (all classes, a block of columns) :func:`segment` holds at once:
a 12-MP photo is labelled block by block, never through a full-size C x H x W array."""

MIN_IMAGE_SIDE = 32
"""Smallest image side :func:`segment` accepts. The networks' deepest features
are 1/8 to 1/32 of the input, so a smaller photo holds less than one feature."""


def crop_box(size: tuple[int, int], *, resize: int = 256, crop: int = 224) -> tuple[int, int, int, int]:
    """Where the seed's ``Resize(resize)`` + ``CenterCrop(crop)`` window lies in the original image.

    Parameters
    ----------
    size : (int, int)
        The original image's (width, height).
    resize, crop : int, optional
        As in :func:`segtutor.seed_transform`.

    Returns
    -------
    (int, int, int, int)
        ``(left, top, right, bottom)`` in original pixels, rounded.

    Raises
    ------
    TypeError
        If `size` is not a pair of ints.
    ValueError
        If a side in `size` is less than 1.

    Examples
    --------
    >>> crop_box((451, 300))  # resized to 384x256, crop starts at (80, 16)
    (94, 19, 357, 281)
    """
    if not isinstance(size, (tuple, list)) or len(size) != 2 or not all(is_int(side) for side in size):
        raise TypeError(f"`size` must be a (width, height) pair of ints, got {size!r}")
    if min(size) < 1:
        raise ValueError(f"`size` must be (width, height) with both sides at least 1, got {tuple(size)}")
    width, height = size
    new_w, new_h = resized_size(size, resize)
    left, top = int(round((new_w - crop) / 2.0)), int(round((new_h - crop) / 2.0))
    sx, sy = width / new_w, height / new_h
    return round(left * sx), round(top * sy), round((left + crop) * sx), round((top + crop) * sy)


@overload
def segment(image: ImageSource, *, model: str | torch.nn.Module,
            preprocessing: Literal["weights", "seed"] | Callable[[Image.Image], torch.Tensor] = "weights",
            return_probs: Literal[False] = False, ignore_index: int = 255) -> np.ndarray: ...
@overload
def segment(image: ImageSource, *, model: str | torch.nn.Module,
            preprocessing: Literal["weights", "seed"] | Callable[[Image.Image], torch.Tensor] = "weights",
            return_probs: Literal[True], ignore_index: int = 255) -> tuple[np.ndarray, np.ndarray]: ...
@overload
def segment(image: ImageSource, *, model: str | torch.nn.Module,
            preprocessing: Literal["weights", "seed"] | Callable[[Image.Image], torch.Tensor] = "weights",
            return_probs: bool = False, ignore_index: int = 255) -> np.ndarray | tuple[np.ndarray, np.ndarray]: ...


def segment(image: ImageSource, *, model: str | torch.nn.Module,
            preprocessing: Literal["weights", "seed"] | Callable[[Image.Image], torch.Tensor] = "weights",
            return_probs: bool = False, ignore_index: int = 255) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Segment a photo and map the prediction back to the photo's size.

    Parameters
    ----------
    image : PIL.Image.Image or anything :func:`segtutor.load_image` accepts
        The photo.
    model : str or torch.nn.Module
        A model name (loaded with :func:`segtutor.load_model`) or a model
        with parameters. A model left in train mode gives the eval-mode
        answer and is left as it was (see :func:`segtutor.predict`).
    preprocessing : {"weights", "seed"} or callable, optional
        ``"weights"`` (the default): the model's own evaluation transforms,
        from its spec (:func:`segtutor.get_spec`), e.g. shorter side 520 for
        torchvision's models, 128 for the tiny model (its training scale),
        no crop. ``"seed"``: Resize 256, CenterCrop 224; the border outside
        the crop gets `ignore_index`. A callable: your own transform, from a
        PIL image to a normalized float ``[3, H, W]`` tensor that covers the
        whole photo (no crop). The logits are resized back to the photo's size.
    return_probs : bool, optional
        Also return the per-class probabilities, a full-size float32 (C, H, W)
        array. Without them the logits are resized and labelled a block of
        columns at a time (:data:`TILE_BYTES`), so a 12-MP photo needs no
        C x H x W array.
    ignore_index : int, optional
        Label of pixels the model did not see; not a class id of the model.

    Returns
    -------
    labels : numpy.ndarray
        int64 (H, W) class map, the photo's height and width: the class of
        highest resized logit (the first of equal ones), `ignore_index` where
        the model did not look.
    probs : numpy.ndarray, only if `return_probs`
        float32 (C, H, W) softmax probabilities; NaN where the model did not look.

    Raises
    ------
    TypeError
        If `ignore_index` is not an int (``None`` included), `model` is
        neither a name nor a ``torch.nn.Module``, or a callable
        `preprocessing` does not return a float tensor.
    ValueError
        If `preprocessing` is unknown, or ``"weights"`` for a model segtutor's
        registry does not know (a model of your own: pass ``"seed"`` or a
        transform); `model` has no parameters; a side of the photo is shorter than
        :data:`MIN_IMAGE_SIDE`, or the photo is thinner than 1 :
        :data:`segtutor.data.MAX_ASPECT_RATIO` or bigger than
        :data:`segtutor.data.MAX_WORK_PIXELS` once resized;
        or `ignore_index` is one of the model's class ids.

    Examples
    --------
    >>> labels = segment(np.zeros((300, 400, 3), np.uint8), model="tiny")  # resized to 128x170 and back
    >>> labels.shape, labels.dtype
    ((300, 400), dtype('int64'))
    """
    if not callable(preprocessing) and preprocessing not in ("seed", "weights"):
        raise ValueError("`preprocessing` must be 'weights', 'seed' or a transform (a callable from a PIL image "
                         f"to a [3, H, W] tensor), got {preprocessing!r}")
    ignore_index = check_ignore_index(ignore_index)
    if not isinstance(model, str):
        check_model(model, accepts="a model name or a torch.nn.Module")
    image = load_image(image)
    if min(image.size) < MIN_IMAGE_SIDE:
        raise ValueError(f"`image` must be at least {MIN_IMAGE_SIDE}x{MIN_IMAGE_SIDE} pixels, got {image.width}x{image.height}")
    model = load_model(model) if isinstance(model, str) else model
    transform = _transform(model, preprocessing)
    check_image_size(image.size, resize=_resize_of(transform))  # before anything of the photo's new size is allocated
    batch = transform(image)
    check_batch(batch, name="preprocessing(image)", ndims=(3,))
    check_image_size((batch.shape[2], batch.shape[1]), name="`preprocessing(image)`")  # for transforms _resize_of cannot read
    logits = predict(model, batch.unsqueeze(0)).float()
    check_ignore_index(ignore_index, num_classes=logits.shape[1])  # a class id would hide the unseen border
    box = crop_box(image.size) if preprocessing == "seed" else (0, 0, image.width, image.height)
    labels, probs = _place(logits, image.size, box, ignore_index=ignore_index, return_probs=return_probs)
    if not return_probs:
        return labels
    assert probs is not None  # _place builds them when asked
    return labels, probs


def _transform(model: torch.nn.Module, preprocessing: Literal["weights", "seed"] | Callable[[Image.Image], torch.Tensor]
               ) -> Callable[[Image.Image], torch.Tensor]:
    """The transform `preprocessing` names: the seed's, the model's own (from its spec), or the callable itself."""
    if callable(preprocessing):
        return preprocessing
    if preprocessing == "seed":
        return seed_transform()
    spec = ModelSpec.of(model)
    if spec is None:
        raise ValueError(
            f"`model` is a {type(model).__name__} that segtutor's registry does not know, so its own preprocessing "
            "is unknown: pass preprocessing='seed' (Resize 256, CenterCrop 224, ImageNet normalization) or "
            "preprocessing=<your transform>, a callable from a PIL image to a normalized [3, H, W] tensor; "
            "models from segtutor.load_model carry their spec")
    return spec.transforms()


def _resize_of(transform: object) -> int | None:
    """The length a transform gives an image's shorter side, if it says: torchvision's weights transforms
    in ``resize_size``, a ``T.Compose`` in its ``T.Resize`` step; else None.

    Examples
    --------
    >>> from segtutor import get_spec, seed_transform
    >>> _resize_of(get_spec("fcn_resnet101").transforms()), _resize_of(get_spec("tiny").transforms()), _resize_of(seed_transform())
    (520, 128, 256)
    >>> _resize_of(T.Compose([T.Resize((64, 48)), T.ToTensor()])) is None  # a fixed (H, W), not a shorter side
    True
    """
    size = getattr(transform, "resize_size", None)
    if size is None:
        size = next((step.size for step in getattr(transform, "transforms", ()) if isinstance(step, T.Resize)), None)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        size = size[0]
    return size if isinstance(size, int) else None


def _place(logits: torch.Tensor, size: tuple[int, int], box: tuple[int, int, int, int], *,
           ignore_index: int, return_probs: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Resize `logits` to `box`, one block of columns at a time, and place the class of highest score (and, if
    asked, the softmax) on canvases of `size`: `ignore_index` (NaN) outside the box."""
    left, top, right, bottom = box
    labels = np.full((size[1], size[0]), ignore_index, dtype=np.int64)
    probs = np.full((logits.shape[1], size[1], size[0]), np.nan, dtype=np.float32) if return_probs else None
    for start, block in _resized_blocks(logits, (bottom - top, right - left)):
        columns = slice(left + start, left + start + block.shape[3])
        labels[top:bottom, columns] = to_numpy(block.argmax(dim=1)[0])  # the first of equal scores
        if probs is not None:
            probs[:, top:bottom, columns] = to_numpy(block.softmax(dim=1)[0])
    return labels, probs


def _resized_blocks(logits: torch.Tensor, size: tuple[int, int]) -> Iterator[tuple[int, torch.Tensor]]:
    """Yield ``(first column, block)``: `logits` bilinearly resized to `size` (height, width), each block a run of
    whole columns of at most :data:`TILE_BYTES`. When it fits, or a side is 128 or less, one block: the plain
    ``F.interpolate`` of the logits as they are.

    Otherwise the blocks are bit for bit the columns of ``F.interpolate(logits.contiguous(), size,
    mode="bilinear")`` on the CPU (tests/test_segment.py checks it): torch resizes each input row along the
    width, then blends two such rows per output row, weights depending only on (input size, output size,
    index). Resizing the width of every row once, then the height of each block of columns, repeats the same
    arithmetic (a side resized to its own size is copied exactly). Exception: with 3 classes on one thread,
    torch's whole resize uses its channels-last kernel, equal to the last bit or so only.
    Peak: the width-resized rows, C x h x W (h the logits' height), plus one block.
    """
    height, width = size
    per_column = logits.shape[1] * height * logits.element_size()
    if per_column * width <= TILE_BYTES or min(size) <= 128:  # torch picks another kernel for H + W <= 128
        yield 0, _resize(logits, size)
        return
    rows = _resize(logits.contiguous(), (logits.shape[2], width))
    step = max(1, TILE_BYTES // per_column)
    for start in range(0, width, step):
        block = rows[..., start:start + step].contiguous()
        yield start, _resize(block, (height, block.shape[3]))


def _resize(logits: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    return F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
