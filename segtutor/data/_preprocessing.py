"""Preprocessing: the seed's recipe, step by step, and a way to look inside it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image
from torchvision.models.segmentation import FCN_ResNet101_Weights

from .._checks import check_batch, check_int, to_numpy
from .._table import ModelTable
from ._images import ImageSource, check_image_size, load_image

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "channel_stats",
    "describe",
    "preprocess",
    "seed_transform",
    "tensor_to_image",
    "trace_transform",
    "unnormalize",
]

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
    resize, crop = check_int(resize, name="resize"), check_int(crop, name="crop")
    if not 0 < crop <= resize:
        raise ValueError(f"`crop` and `resize` must satisfy 0 < crop <= resize, got crop={crop}, resize={resize}")
    return T.Compose([
        T.Resize(resize),
        T.CenterCrop(crop),
        T.ToTensor(),
        T.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD),
    ])


def preprocess(image: ImageSource, *, resize: int = 256, crop: int = 224) -> torch.Tensor:
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

    Raises
    ------
    ValueError
        If the image is empty, thinner than 1 : :data:`segtutor.data.MAX_ASPECT_RATIO`,
        or bigger than :data:`segtutor.data.MAX_WORK_PIXELS` once resized; and as
        :func:`seed_transform` and :func:`segtutor.load_image`.

    Examples
    --------
    >>> batch = preprocess("chelsea")
    >>> batch.shape, batch.dtype
    (torch.Size([1, 3, 224, 224]), torch.float32)
    """
    transform = seed_transform(resize=resize, crop=crop)
    image = load_image(image)
    check_image_size(image.size, resize=resize)
    return transform(image).unsqueeze(0)


def trace_transform(transform: T.Compose, image: ImageSource) -> list[tuple[str, object]]:
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
    ValueError
        As :func:`preprocess`, for the size after the first ``Resize`` step
        that scales the shorter side (else for the image's own size).

    Examples
    --------
    >>> steps = trace_transform(seed_transform(), "chelsea")
    >>> [describe(result) for _, result in steps][:2]
    ['PIL RGB image, 451x300 (W x H)', 'PIL RGB image, 384x256 (W x H)']
    """
    if not isinstance(transform, T.Compose):
        raise TypeError(f"`transform` must be a torchvision.transforms.Compose, got {type(transform).__name__}")
    result = load_image(image)
    sizes = [[step.size] if isinstance(step.size, int) else step.size for step in transform.transforms
             if isinstance(step, T.Resize)]
    check_image_size(result.size, resize=sizes[0][0] if sizes and len(sizes[0]) == 1 else None)
    steps: list[tuple[str, object]] = [("input", result)]
    for step in transform.transforms:
        result = step(result)
        steps.append((type(step).__name__, result))
    return steps


def describe(value: object) -> str:
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


def unnormalize(tensor: torch.Tensor, *, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD) -> torch.Tensor:
    """Undo ``Normalize``: multiply by `std` and add `mean`, channel by channel.

    ``Normalize`` computes ``(x - mean) / std``; this computes ``x * std + mean``,
    which brings a normalized image back to [0, 1] (up to float rounding), ready
    for :func:`tensor_to_image`.

    Parameters
    ----------
    tensor : torch.Tensor
        float ``[3, H, W]`` image or ``[N, 3, H, W]`` batch.
    mean, std : sequence of 3 floats, optional
        What ``Normalize`` used; default :data:`IMAGENET_MEAN` and :data:`IMAGENET_STD`.

    Returns
    -------
    torch.Tensor
        A new tensor of the same shape and dtype.

    Raises
    ------
    TypeError
        If `tensor` is not a float tensor.
    ValueError
        If `tensor` is not of shape ``[3, H, W]`` or ``[N, 3, H, W]``.

    Examples
    --------
    >>> normalized = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)(torch.full((3, 1, 1), 0.5))
    >>> normalized.flatten()
    tensor([0.0655, 0.1964, 0.4178])
    >>> unnormalize(normalized).flatten()
    tensor([0.5000, 0.5000, 0.5000])
    """
    check_batch(tensor, name="tensor", ndims=(3, 4))
    shift = torch.as_tensor(mean, dtype=tensor.dtype, device=tensor.device).view(3, 1, 1)
    scale = torch.as_tensor(std, dtype=tensor.dtype, device=tensor.device).view(3, 1, 1)
    return tensor * scale + shift


def tensor_to_image(tensor: torch.Tensor) -> np.ndarray:
    """Turn a ``[3, H, W]`` float tensor with values in [0, 1] into an image array for display.

    The inverse of ``ToTensor``: channels move last (CHW to HWC), values are
    clipped to [0, 1], scaled to 0..255 and rounded. Values outside [0, 1], as
    in a normalized tensor that was not passed through :func:`unnormalize`,
    become black (below 0) or full intensity (above 1).

    Parameters
    ----------
    tensor : torch.Tensor
        float ``[3, H, W]`` image, on any device.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape (H, W, 3).

    Raises
    ------
    TypeError
        If `tensor` is not a float tensor.
    ValueError
        If `tensor` is not of shape ``[3, H, W]``.

    Examples
    --------
    >>> tensor_to_image(torch.tensor([[[0.0]], [[0.5]], [[1.2]]])).tolist()
    [[[0, 128, 255]]]
    """
    check_batch(tensor, name="tensor", ndims=(3,))
    scaled = tensor.detach().float().clamp(0, 1).mul(255).round()
    return to_numpy(scaled.permute(1, 2, 0).to(torch.uint8))


def channel_stats(tensor: torch.Tensor, *, decimals: int = 3) -> ModelTable:
    """Tabulate the mean, standard deviation, minimum and maximum of each colour channel.

    Parameters
    ----------
    tensor : torch.Tensor
        float ``[3, H, W]`` image or ``[N, 3, H, W]`` batch; the statistics
        of a batch are over all its images.
    decimals : int, optional
        Round every figure to this many decimals.

    Returns
    -------
    ModelTable
        Three rows, R, G and B, with columns channel, mean, std (the
        population standard deviation), min and max; prints as a text table.

    Raises
    ------
    TypeError
        If `tensor` is not a float tensor.
    ValueError
        If `tensor` is not of shape ``[3, H, W]`` or ``[N, 3, H, W]``.

    Examples
    --------
    >>> print(channel_stats(torch.tensor([[[0.0, 1.0]], [[0.5, 0.5]], [[0.25, 0.75]]])))
    channel  mean  std   min   max
    R        0.5   0.5   0.0   1.0
    G        0.5   0.0   0.5   0.5
    B        0.5   0.25  0.25  0.75
    """
    check_batch(tensor, name="tensor", ndims=(3, 4))
    values = tensor.detach().float().movedim(-3, 0).reshape(3, -1).cpu()
    figures = {
        "mean": values.mean(dim=1), "std": values.std(dim=1, correction=0),
        "min": values.amin(dim=1), "max": values.amax(dim=1),
    }
    return ModelTable(
        {"channel": channel, **{key: round(float(column[i]), decimals) for key, column in figures.items()}}
        for i, channel in enumerate("RGB")
    )
