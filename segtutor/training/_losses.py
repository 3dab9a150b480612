"""Losses against class imbalance: class weights from pixel counts, and a soft Dice loss.

In the synthetic scenes about 80 % of the pixels are background. Plain
cross-entropy averages over pixels, so the background dominates it. Weighting
each class by the inverse of its frequency, or adding a Dice loss (which
scores each class by overlap, whatever its size), gives the small classes
a larger say.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .._checks import (
    ArrayOrTensor,
    check_ignore_index,
    check_labels,
    check_logits,
    check_num_classes,
    describe_array,
    to_numpy,
)
from ..metrics._labels import check_label_range, widen_labels

__all__ = ["class_weights", "dice_loss", "segmentation_loss"]

_METHODS = ("inverse", "median")


def class_weights(labels: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255, method: str = "median") -> torch.Tensor:
    """Weights for ``cross_entropy(weight=...)`` from the pixel frequency of each class.

    ``"median"`` is median frequency balancing (Eigen & Fergus, "Predicting
    depth, surface normals and semantic labels with a common multi-scale
    convolutional architecture", ICCV 2015): ``freq(c)`` is the number of pixels of class ``c`` divided by
    the total number of pixels of the images in which ``c`` appears, and the
    weight is ``median(freq) / freq(c)``, the median taken over the present
    classes. ``"inverse"`` uses the global share ``f_c`` of the pixels of
    class ``c`` instead, and gives ``1 / (K f_c)``, K the number of classes
    present, so that the average weight over the pixels is 1. Pixels equal
    to `ignore_index` count nowhere; a class with no pixel gets weight 0.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        integer class maps: one image [H, W] or N images [N, H, W].
    num_classes : int
        Number of classes.
    ignore_index : int, optional
        Label of pixels not counted.
    method : {"median", "inverse"}, optional
        How frequencies become weights.

    Returns
    -------
    torch.Tensor
        float32, shape [num_classes].

    Raises
    ------
    TypeError
        If `labels` is not an integer array.
    ValueError
        If `method` is unknown, a label is neither a class id nor
        `ignore_index`, or no pixel is labelled.

    Examples
    --------
    >>> class_weights(np.array([[0, 0, 0, 1]]), num_classes=3, method="inverse")
    tensor([0.6667, 2.0000, 0.0000])
    >>> two_images = np.array([[[0, 0, 0, 1]], [[0, 0, 2, 2]]])  # freq = 5/8, 1/4 (first image only), 2/4
    >>> class_weights(two_images, num_classes=3)  # median 1/2 divided by each freq
    tensor([0.8000, 2.0000, 1.0000])
    """
    check_labels(labels)
    num_classes = check_num_classes(num_classes)
    ignore_index = check_ignore_index(ignore_index, num_classes=num_classes)
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {_METHODS}, got {method!r}")
    values = np.asarray(to_numpy(labels))
    values = values.reshape(-1 if values.ndim == 3 else 1, values.shape[-2] * values.shape[-1])
    image = np.broadcast_to(np.arange(len(values))[:, None], values.shape)[values != ignore_index]
    values = values[values != ignore_index]
    if values.size and (values.min() < 0 or values.max() >= num_classes):
        raise ValueError(f"`labels` must hold class ids 0..{num_classes - 1} or {ignore_index}, "
                         f"got values from {values.min()} to {values.max()}")
    if not values.size:
        raise ValueError("`labels` must hold at least one labelled pixel, got none")
    images = int(image.max()) + 1
    counts = np.bincount(image * num_classes + values, minlength=images * num_classes).reshape(images, num_classes)
    frequency = _frequencies(counts, method=method)
    present = frequency > 0
    reference = 1 / present.sum() if method == "inverse" else np.median(frequency[present])
    weights = np.zeros(num_classes)
    weights[present] = reference / frequency[present]
    return torch.tensor(weights, dtype=torch.float32)


def _frequencies(counts: np.ndarray, *, method: str) -> np.ndarray:
    """Each class's frequency from per-image pixel counts [N, C]: its share of all pixels (``"inverse"``), or of
    the pixels of the images it appears in (``"median"``, Eigen & Fergus); 0 for an absent class."""
    pixels = counts.sum(axis=0)
    if method == "inverse":
        return pixels / pixels.sum()
    seen_in = ((counts > 0) * counts.sum(axis=1, keepdims=True)).sum(axis=0)
    return np.divide(pixels, seen_in, out=np.zeros(len(pixels)), where=seen_in > 0)


def _check_pair(logits: torch.Tensor, labels: torch.Tensor, ignore_index: int) -> int:
    """Check logits, labels and `ignore_index`, and that every label is a class id or `ignore_index`; return it."""
    check_logits(logits)
    check_labels(labels, ndims=(3,))
    if not isinstance(labels, torch.Tensor) or labels.shape != logits.shape[:1] + logits.shape[2:]:
        raise ValueError(f"`labels` must be a tensor of shape (N, H, W) = {(logits.shape[0], *logits.shape[2:])}, "
                         f"got {describe_array(labels)}")
    num_classes = logits.shape[1]
    ignore_index = check_ignore_index(ignore_index, num_classes=num_classes)
    wide = widen_labels(labels, name="labels")  # e.g. uint8 labels compare right with ignore_index=-1
    check_label_range("labels", wide, wide != ignore_index, num_classes, f" or ignore_index={ignore_index}")
    return ignore_index


def dice_loss(logits: torch.Tensor, labels: torch.Tensor, *, ignore_index: int = 255, smooth: float = 1.0) -> torch.Tensor:
    """Soft Dice loss: 1 minus the mean over classes of ``(2|P∩T| + s) / (|P| + |T| + s)``.

    ``P`` are the softmax probabilities of a class, ``T`` its one-hot labels,
    both summed over every pixel of the batch that is not `ignore_index`.
    Every class counts equally, however few pixels it has.

    Parameters
    ----------
    logits : torch.Tensor
        float [N, C, H, W].
    labels : torch.Tensor
        integer [N, H, W].
    ignore_index : int, optional
        Label of pixels left out.
    smooth : float, optional
        ``s``: keeps an absent, unpredicted class at a Dice of 1, not 0/0.

    Returns
    -------
    torch.Tensor
        float scalar in [0, 1], differentiable.

    Raises
    ------
    TypeError
        If `logits` is not a float tensor or `labels` not an integer tensor.
    ValueError
        If their shapes do not match, `ignore_index` is a class id, or a
        label is neither a class id nor `ignore_index`.

    Examples
    --------
    >>> logits = torch.tensor([[[[9.0, -9.0]], [[-9.0, 9.0]]]])  # sure of class 0, then class 1
    >>> round(dice_loss(logits, torch.tensor([[[0, 1]]])).item(), 4)
    0.0
    """
    ignore_index = _check_pair(logits, labels, ignore_index)
    labels = labels.long()  # so that e.g. uint8 labels compare right with ignore_index=-1
    keep = (labels != ignore_index).unsqueeze(1).to(logits.dtype)
    target = F.one_hot(labels.where(labels != ignore_index, 0).long(), logits.shape[1]).permute(0, 3, 1, 2).to(logits.dtype)
    probs = logits.softmax(dim=1) * keep
    target = target * keep
    inter = (probs * target).sum(dim=(0, 2, 3))
    total = probs.sum(dim=(0, 2, 3)) + target.sum(dim=(0, 2, 3))
    return 1 - ((2 * inter + smooth) / (total + smooth)).mean()


def segmentation_loss(logits: torch.Tensor, labels: torch.Tensor, *, weight: torch.Tensor | None = None,
                      dice_weight: float = 0.0, ignore_index: int = 255) -> torch.Tensor:
    """Cross-entropy (optionally class-weighted) plus `dice_weight` times :func:`dice_loss`.

    Parameters
    ----------
    logits, labels
        As for :func:`dice_loss`.
    weight : torch.Tensor, optional
        float [C] class weights for the cross-entropy, e.g. from :func:`class_weights`.
    dice_weight : float, optional
        Share of the Dice loss; 0 leaves plain cross-entropy.
    ignore_index : int, optional
        Label of pixels left out of both terms (255, -1, ...); not a class id.

    Returns
    -------
    torch.Tensor
        float scalar.

    Raises
    ------
    TypeError, ValueError
        As :func:`dice_loss`: a label that is neither a class id nor
        `ignore_index` is a ValueError, not cross-entropy's raw IndexError.

    Examples
    --------
    >>> logits, labels = torch.zeros(1, 4, 2, 2), torch.zeros(1, 2, 2, dtype=torch.long)
    >>> round(segmentation_loss(logits, labels).item(), 4)  # ln 4
    1.3863
    """
    ignore_index = _check_pair(logits, labels, ignore_index)
    if weight is not None:
        weight = weight.to(device=logits.device, dtype=logits.dtype)
    loss = F.cross_entropy(logits, labels.long(), weight=weight, ignore_index=ignore_index)
    return loss + dice_weight * dice_loss(logits, labels, ignore_index=ignore_index) if dice_weight else loss
