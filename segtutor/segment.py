"""From a photo to a class map at the photo's own size."""

from __future__ import annotations

import numbers

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.transforms as T

from ._checks import check_ignore_index
from .images import check_image_size, load_image
from .inference import check_model, predict
from .models import load_model
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD, seed_transform
from .registry import MODEL_NAMES, get_spec

__all__ = ["MIN_IMAGE_SIDE", "crop_box", "segment"]

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
    if not isinstance(size, (tuple, list)) or len(size) != 2 or not all(
            isinstance(side, numbers.Integral) and not isinstance(side, bool) for side in size):
        raise TypeError(f"`size` must be a (width, height) pair of ints, got {size!r}")
    if min(size) < 1:
        raise ValueError(f"`size` must be (width, height) with both sides at least 1, got {tuple(size)}")
    width, height = size
    short, long = sorted((width, height))
    new_long = int(resize * long / short)  # torchvision's Resize keeps the ratio and rounds down
    new_w, new_h = (resize, new_long) if width <= height else (new_long, resize)
    left, top = int(round((new_w - crop) / 2.0)), int(round((new_h - crop) / 2.0))
    sx, sy = width / new_w, height / new_h
    return round(left * sx), round(top * sy), round((left + crop) * sx), round((top + crop) * sy)


def segment(image, *, model, preprocessing: str = "seed", return_probs: bool = False, ignore_index: int = 255):
    """Segment a photo and map the prediction back to the photo's size.

    Parameters
    ----------
    image : PIL.Image.Image or anything :func:`segtutor.load_image` accepts
        The photo.
    model : str or torch.nn.Module
        A model name (loaded with :func:`segtutor.load_model`) or a model
        with parameters. A model left in train mode gives the eval-mode
        answer and is left as it was (see :func:`segtutor.predict`).
    preprocessing : {"seed", "weights"}, optional
        ``"seed"``: Resize 256, CenterCrop 224 (the border outside the crop
        gets `ignore_index`). ``"weights"``: the weights' own
        ``transforms()`` (shorter side 520, no crop); for the tiny model,
        only ToTensor and Normalize, at the photo's own size.
    return_probs : bool, optional
        Also return the per-class probabilities.
    ignore_index : int, optional
        Label of pixels the model did not see; not a class id of the model.

    Returns
    -------
    labels : numpy.ndarray
        int64 (H, W) class map, the photo's height and width.
    probs : numpy.ndarray, only if `return_probs`
        float32 (C, H, W) softmax probabilities; NaN where the model did not look.

    Raises
    ------
    TypeError
        If `ignore_index` is not an int (``None`` included), or `model` is
        neither a name nor a ``torch.nn.Module``.
    ValueError
        If `preprocessing` is unknown, `model` has no parameters, a side of the photo is shorter than
        :data:`MIN_IMAGE_SIDE`, or the photo is thinner than 1 :
        :data:`segtutor.images.MAX_ASPECT_RATIO` or bigger than
        :data:`segtutor.images.MAX_WORK_PIXELS` once resized,
        or `ignore_index` is one of the model's class ids.
    """
    if preprocessing not in ("seed", "weights"):
        raise ValueError(f"`preprocessing` must be 'seed' or 'weights', got {preprocessing!r}")
    ignore_index = check_ignore_index(ignore_index)
    if not isinstance(model, str):
        check_model(model, accepts="a model name or a torch.nn.Module")
    image = load_image(image)
    if min(image.size) < MIN_IMAGE_SIDE:
        raise ValueError(f"`image` must be at least {MIN_IMAGE_SIDE}x{MIN_IMAGE_SIDE} pixels, got {image.width}x{image.height}")
    model = load_model(model) if isinstance(model, str) else model
    check_image_size(image.size, resize=256 if preprocessing == "seed" else _weights_resize(model))
    if preprocessing == "seed":
        logits = predict(model, seed_transform()(image).unsqueeze(0)).float()
        probs = _place(logits, image.size, crop_box(image.size))
    else:
        transform = _weights_transform(getattr(model, "segtutor_name", MODEL_NAMES[0]))
        logits = predict(model, transform(image).unsqueeze(0)).float()
        probs = _place(logits, image.size, (0, 0, image.width, image.height))
    check_ignore_index(ignore_index, num_classes=len(probs))  # a class id would hide the unseen border
    labels = np.where(np.isnan(probs[0]), ignore_index, probs.argmax(axis=0)).astype(np.int64)
    return (labels, probs) if return_probs else labels


def _weights_transform(name: str):
    """torchvision's ``weights.transforms()``; the tiny model was trained at full size, normalized only."""
    if name in MODEL_NAMES:
        return get_spec(name).transforms()
    return T.Compose([T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])


def _weights_resize(model) -> int | None:
    """The shorter side the weights' transform resizes to (520 for torchvision's), None for the tiny model's."""
    size = getattr(_weights_transform(getattr(model, "segtutor_name", MODEL_NAMES[0])), "resize_size", None)
    return size[0] if size else None


def _place(logits: torch.Tensor, size: tuple[int, int], box: tuple[int, int, int, int]) -> np.ndarray:
    """Resize logits to `box`, softmax them, and place them on a NaN canvas of `size`."""
    left, top, right, bottom = box
    inside = F.interpolate(logits, size=(bottom - top, right - left), mode="bilinear", align_corners=False)
    canvas = np.full((logits.shape[1], size[1], size[0]), np.nan, dtype=np.float32)
    canvas[:, top:bottom, left:right] = inside.softmax(dim=1)[0].cpu().numpy()
    return canvas
