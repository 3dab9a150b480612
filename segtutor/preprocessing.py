"""Preprocessing: the seed's recipe, step by step, and a way to look inside it."""

from __future__ import annotations

import torch
import torchvision.transforms as T
from PIL import Image
from torchvision.models.segmentation import FCN_ResNet101_Weights

from .images import load_image

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "describe", "preprocess", "seed_transform", "trace_transform"]

_REFERENCE_TRANSFORM = FCN_ResNet101_Weights.DEFAULT.transforms()
IMAGENET_MEAN: tuple[float, float, float] = tuple(_REFERENCE_TRANSFORM.mean)
"""Per-channel mean of ImageNet, read from torchvision's weights transforms."""
IMAGENET_STD: tuple[float, float, float] = tuple(_REFERENCE_TRANSFORM.std)
"""Per-channel standard deviation of ImageNet, read from torchvision's weights transforms."""


def seed_transform(*, resize: int = 256, crop: int = 224) -> T.Compose:
    """Return the seed's preprocessing pipeline.

    ``Resize(resize)`` scales the *shorter* side to `resize` pixels and keeps
    the aspect ratio; ``CenterCrop(crop)`` then cuts a `crop` x `crop` square
    from the middle; ``ToTensor`` gives a float ``[3, H, W]`` tensor in [0, 1];
    ``Normalize`` subtracts :data:`IMAGENET_MEAN` and divides by
    :data:`IMAGENET_STD`, channel by channel.

    Parameters
    ----------
    resize : int, optional
        Length of the shorter side after resizing.
    crop : int, optional
        Side of the square centre crop; at most `resize`.

    Returns
    -------
    torchvision.transforms.Compose
        Takes a PIL image and returns a float32 tensor of shape (3, crop, crop).

    Raises
    ------
    TypeError
        If `resize` or `crop` is not an int.
    ValueError
        If `crop` is not positive or exceeds `resize`.

    Examples
    --------
    >>> [type(step).__name__ for step in seed_transform().transforms]
    ['Resize', 'CenterCrop', 'ToTensor', 'Normalize']
    """
    for name, value in (("resize", resize), ("crop", crop)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"`{name}` must be an int, got {type(value).__name__}")
    if not 0 < crop <= resize:
        raise ValueError(f"`crop` and `resize` must satisfy 0 < crop <= resize, got crop={crop}, resize={resize}")
    return T.Compose([
        T.Resize(resize),
        T.CenterCrop(crop),
        T.ToTensor(),
        T.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD),
    ])


def preprocess(image, *, resize: int = 256, crop: int = 224) -> torch.Tensor:
    """Turn an image into a normalized batch of one, with the seed's recipe.

    Parameters
    ----------
    image : PIL.Image.Image or anything :func:`segtutor.load_image` accepts
        The RGB image.
    resize, crop : int, optional
        See :func:`seed_transform`.

    Returns
    -------
    torch.Tensor
        float32 batch of shape (1, 3, crop, crop).

    Examples
    --------
    >>> batch = preprocess("chelsea")
    >>> batch.shape, batch.dtype
    (torch.Size([1, 3, 224, 224]), torch.float32)
    """
    transform = seed_transform(resize=resize, crop=crop)
    return transform(load_image(image)).unsqueeze(0)


def trace_transform(transform: T.Compose, image) -> list[tuple[str, object]]:
    """Apply a ``Compose`` one step at a time and keep every intermediate result.

    Parameters
    ----------
    transform : torchvision.transforms.Compose
        The pipeline, for example :func:`seed_transform`.
    image : PIL.Image.Image or anything :func:`segtutor.load_image` accepts
        The input.

    Returns
    -------
    list of (str, object)
        ``("input", image)`` first, then one ``(class name of the step, result)``
        pair per step, e.g. ``("Resize", <PIL image>)``.

    Raises
    ------
    TypeError
        If `transform` is not a ``torchvision.transforms.Compose``.

    Examples
    --------
    >>> steps = trace_transform(seed_transform(), "chelsea")
    >>> [describe(result) for _, result in steps][:2]
    ['PIL RGB image, 451x300 (W x H)', 'PIL RGB image, 384x256 (W x H)']
    """
    if not isinstance(transform, T.Compose):
        raise TypeError(f"`transform` must be a torchvision.transforms.Compose, got {type(transform).__name__}")
    result = load_image(image)
    steps = [("input", result)]
    for step in transform.transforms:
        result = step(result)
        steps.append((type(step).__name__, result))
    return steps


def describe(value) -> str:
    """Describe an image, array or tensor in one line: kind, size or shape, dtype.

    Examples
    --------
    >>> describe(torch.zeros(1, 3, 2, 2))
    'tensor of shape (1, 3, 2, 2), dtype torch.float32'
    """
    if isinstance(value, Image.Image):
        return f"PIL {value.mode} image, {value.width}x{value.height} (W x H)"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        kind = "tensor" if isinstance(value, torch.Tensor) else "array"
        return f"{kind} of shape {tuple(value.shape)}, dtype {value.dtype}"
    return type(value).__name__
