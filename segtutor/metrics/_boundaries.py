"""Boundary quality: how well a prediction places the edges between classes.

Region scores such as mIoU are dominated by the inside of large shapes.
:func:`boundary_miou` scores only the pixels within `width` pixels of a true
class boundary (a "trimap" band), and :func:`boundary_f1` compares the edge
pixels of prediction and truth with a tolerance of a few pixels.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .._checks import ArrayOrTensor, check_ignore_index, check_int, check_labels, to_numpy
from ._confusion import confusion_matrix, iou_from_confusion, macro_mean
from ._labels import check_label_pair

__all__ = ["boundary_band", "boundary_f1", "boundary_miou", "class_edges"]


def class_edges(labels: ArrayOrTensor) -> np.ndarray:
    """Mark the pixels whose class differs from one of their 4 neighbours.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        integer class map [H, W] or [N, H, W].

    Returns
    -------
    numpy.ndarray
        bool, the shape of `labels`: both sides of every class boundary.

    Examples
    --------
    >>> class_edges(np.array([[0, 0, 1, 1]])).astype(int)
    array([[0, 1, 1, 0]])
    """
    check_labels(labels)
    values = np.asarray(to_numpy(labels))
    out = np.zeros(values.shape, dtype=bool)
    for axis in (-1, -2):
        differs = np.diff(values, axis=axis) != 0
        before = [slice(None)] * values.ndim
        after = [slice(None)] * values.ndim
        before[axis], after[axis] = slice(None, -1), slice(1, None)
        out[tuple(before)] |= differs
        out[tuple(after)] |= differs
    return out


def _dilate(mask: np.ndarray, width: int) -> np.ndarray:
    """Grow a bool mask by `width` pixels in every direction (a square neighbourhood)."""
    if width == 0:
        return mask
    tensor = torch.from_numpy(mask.reshape(-1, 1, *mask.shape[-2:]).astype(np.float32))
    grown = F.max_pool2d(tensor, 2 * width + 1, stride=1, padding=width)
    return grown.numpy().reshape(mask.shape) > 0


def boundary_band(labels: ArrayOrTensor, *, width: int = 2) -> np.ndarray:
    """Pixels within `width` pixels (square neighbourhood) of a class boundary of `labels`.

    Examples
    --------
    >>> boundary_band(np.array([[0, 0, 0, 0, 1, 1]]), width=1).astype(int)
    array([[0, 0, 1, 1, 1, 1]])
    """
    width = check_int(width, name="width", minimum=0)
    return _dilate(class_edges(labels), width)


def boundary_miou(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, width: int = 2, ignore_index: int = 255) -> float:
    """Mean IoU over the pixels within `width` pixels of a boundary of `target` only.

    Parameters
    ----------
    pred, target : numpy.ndarray or torch.Tensor
        integer class maps of the same shape, [H, W] or [N, H, W].
    num_classes : int
        Number of classes.
    width : int, optional
        Half-width of the band around the true boundaries, in pixels.
    ignore_index : int, optional
        Target value of unlabelled pixels, left out.

    Returns
    -------
    float
        NaN-aware mean of the per-class IoU inside the band (NaN if the band is empty).

    Examples
    --------
    >>> target = np.array([[0, 0, 0, 0, 1, 1]])
    >>> boundary_miou(np.array([[0, 0, 0, 1, 1, 1]]), target, num_classes=2, width=1)  # band: last 4 pixels
    0.5833333333333333
    """
    pred, target = check_label_pair(pred, target)
    ignore_index = check_ignore_index(ignore_index, num_classes=num_classes)
    target = np.asarray(to_numpy(target))
    banded = np.where(boundary_band(target, width=width), target, ignore_index)
    matrix = confusion_matrix(np.asarray(to_numpy(pred)), banded, num_classes=num_classes, ignore_index=ignore_index)
    return macro_mean(iou_from_confusion(matrix))


def boundary_f1(pred: ArrayOrTensor, target: ArrayOrTensor, *, tolerance: int = 2) -> float:
    """F-score of the predicted edge pixels against the true ones, within `tolerance` pixels.

    Precision is the share of predicted edge pixels within `tolerance` (square
    neighbourhood) of a true edge pixel; recall the share of true edge pixels
    within `tolerance` of a predicted one; F = 2PR / (P + R). Classes are not
    told apart: only where the edges are counts.

    Parameters
    ----------
    pred, target : numpy.ndarray or torch.Tensor
        integer class maps of the same shape, [H, W] or [N, H, W].
    tolerance : int, optional
        How far, in pixels, an edge may be off and still count.

    Returns
    -------
    float
        In [0, 1]; 1.0 when neither has an edge, 0.0 when only one has.

    Examples
    --------
    >>> target = np.array([[0, 0, 0, 0, 1, 1, 1, 1]])
    >>> pred = np.array([[0, 0, 1, 1, 1, 1, 1, 1]])  # edge pixels 1, 2 against 3, 4
    >>> [boundary_f1(pred, target, tolerance=t) for t in (0, 1, 2)]
    [0.0, 0.5, 1.0]
    """
    pred, target = check_label_pair(pred, target)
    tolerance = check_int(tolerance, name="tolerance", minimum=0)
    pred_edges, true_edges = class_edges(pred), class_edges(target)
    if not pred_edges.any() and not true_edges.any():
        return 1.0
    if not pred_edges.any() or not true_edges.any():
        return 0.0
    precision = (pred_edges & _dilate(true_edges, tolerance)).sum() / pred_edges.sum()
    recall = (true_edges & _dilate(pred_edges, tolerance)).sum() / true_edges.sum()
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0
