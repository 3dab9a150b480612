"""Joint augmentation of an image and its class map with ``torchvision.transforms.v2``.

The image is wrapped as a ``tv_tensors.Image`` and the class map as a
``tv_tensors.Mask``: one call to a v2 transform draws its random parameters
once and applies them to both, images with bilinear interpolation, masks with
nearest neighbour (a class id is never blended). Where a rotation or a zoom
out exposes area that was not in the picture, the image gets 0 and the mask
gets ``ignore_index`` (255), which the loss ignores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2

from .._checks import check_batch, check_ignore_index, check_labels, describe_array

__all__ = ["augment_pair", "scene_augmentation"]


def scene_augmentation(*, flip: float = 0.5, degrees: float = 180.0, scale: tuple[float, float] = (0.6, 1.2),
                       crop: int | None = None, ignore_index: int = 255) -> v2.Compose:
    """Build the joint augmentation used to train on scenes: flip, rotation, scale, crop.

    Parameters
    ----------
    flip : float, optional
        Probability of a horizontal flip.
    degrees : float, optional
        Rotation angle drawn uniformly from ``[-degrees, degrees]``.
    scale : (float, float), optional
        Zoom factor range; below 1 shapes get smaller and the border is filled.
    crop : int, optional
        Side of a random square crop (padded with the fill where too small);
        ``None`` keeps the size.
    ignore_index : int, optional
        Fill of the mask where no pixel of the original lands.

    Returns
    -------
    torchvision.transforms.v2.Compose
        Call it on ``(tv_tensors.Image, tv_tensors.Mask)``, or use :func:`augment_pair`.

    Raises
    ------
    ValueError
        If `flip` is not in [0, 1], `degrees` is negative, `scale` is not
        ``(low, high)`` with ``0 < low <= high`` or `crop` is below 1.

    Examples
    --------
    >>> transform = scene_augmentation(crop=32)
    >>> [type(t).__name__ for t in transform.transforms]
    ['RandomHorizontalFlip', 'RandomAffine', 'RandomCrop']
    """
    if not 0 <= flip <= 1:
        raise ValueError(f"`flip` must be a probability in [0, 1], got {flip}")
    if degrees < 0:
        raise ValueError(f"`degrees` must be at least 0, got {degrees}")
    if len(scale) != 2 or not 0 < scale[0] <= scale[1]:
        raise ValueError(f"`scale` must be (low, high) with 0 < low <= high, got {tuple(scale)}")
    if crop is not None and crop < 1:
        raise ValueError(f"`crop` must be at least 1 or None, got {crop}")
    ignore_index = check_ignore_index(ignore_index)
    fill = {tv_tensors.Image: 0.0, tv_tensors.Mask: ignore_index}
    steps = [v2.RandomHorizontalFlip(p=flip),
             v2.RandomAffine(degrees=degrees, scale=tuple(scale), interpolation=v2.InterpolationMode.BILINEAR, fill=fill)]
    if crop is not None:
        steps.append(v2.RandomCrop(crop, pad_if_needed=True, fill=fill))
    return v2.Compose(steps)


def augment_pair(transform: Callable[..., Any], batch: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Apply one joint transform to an image (or batch) and its class map.

    The random parameters are drawn once, from torch's global generator
    (seed it with ``torch.manual_seed``), and shared by the whole batch and
    its labels.

    Parameters
    ----------
    transform : callable
        A v2 transform, e.g. :func:`scene_augmentation`'s.
    batch : torch.Tensor
        float image [3, H, W] or batch [N, 3, H, W].
    labels : torch.Tensor
        integer class map [H, W] or [N, H, W], the same H x W.

    Returns
    -------
    batch : torch.Tensor
        float, shape [3, H', W'] or [N, 3, H', W'] (a plain tensor again).
    labels : torch.Tensor
        int64, shape [H', W'] or [N, H', W'].

    Raises
    ------
    TypeError
        If `batch` is not a float tensor or `labels` not an integer tensor.
    ValueError
        If their sizes differ.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> image, labels = augment_pair(scene_augmentation(crop=8), torch.zeros(3, 16, 16), torch.ones(16, 16, dtype=torch.long))
    >>> tuple(image.shape), tuple(labels.shape), sorted(labels.unique().tolist()) in ([1], [1, 255])
    ((3, 8, 8), (8, 8), True)
    """
    check_batch(batch, ndims=(3, 4))
    check_labels(labels, ndims=(2, 3))
    if not isinstance(labels, torch.Tensor) or batch.ndim != labels.ndim + 1 or batch.shape[-2:] != labels.shape[-2:] \
            or batch.shape[:-3] != labels.shape[:-2]:
        raise ValueError(f"`labels` must be a tensor of the image's size {tuple(batch.shape[-2:])}, got {describe_array(labels)}")
    image, mask = transform(tv_tensors.Image(batch), tv_tensors.Mask(labels.long()))
    return image.as_subclass(torch.Tensor), mask.as_subclass(torch.Tensor)
