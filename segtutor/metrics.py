"""Segmentation metrics, all derived from one confusion matrix.

Conventions
-----------
* ``matrix[t, p]`` counts pixels of true class ``t`` predicted as ``p``
  (rows: target, columns: prediction), as in scikit-learn.
* Pixels whose target is `ignore_index` are left out entirely. A prediction
  must hold real class ids only: `ignore_index` in `pred` is an error.
* A class absent from both target and prediction has no defined score: it
  gets NaN and is left out of every mean.
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import describe_array

__all__ = ["confusion_matrix", "iou", "iou_from_confusion", "mean_iou"]


def _check_pair(pred, target, num_classes) -> None:
    for name, value in (("pred", pred), ("target", target)):
        if not isinstance(value, (np.ndarray, torch.Tensor)) or not _is_integer(value):
            raise TypeError(f"`{name}` must be an integer array or tensor, got {describe_array(value)}")
    if tuple(pred.shape) != tuple(target.shape):
        raise ValueError(f"`pred` and `target` must have the same shape, got {tuple(pred.shape)} and {tuple(target.shape)}")
    if not isinstance(num_classes, int) or isinstance(num_classes, bool):
        raise TypeError(f"`num_classes` must be an int, got {type(num_classes).__name__}")
    if num_classes < 2:
        raise ValueError(f"`num_classes` must be at least 2, got {num_classes}")
    if (pred.numel() if isinstance(pred, torch.Tensor) else pred.size) == 0:
        raise ValueError(f"`pred` and `target` must not be empty, got shape {tuple(pred.shape)}")


def _is_integer(value) -> bool:
    if isinstance(value, torch.Tensor):
        return not value.is_floating_point() and not value.is_complex() and value.dtype != torch.bool
    return np.issubdtype(value.dtype, np.integer)


def _check_range(name: str, values: torch.Tensor, num_classes: int, allowed: str) -> None:
    bad = values[(values < 0) | (values >= num_classes)]
    if bad.numel():
        raise ValueError(f"`{name}` values must be in 0..{num_classes - 1}{allowed}, got {int(bad[0])}")


def confusion_matrix(pred, target, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Count, for every (true class, predicted class) pair, the pixels that have it.

    Parameters
    ----------
    pred, target : numpy.ndarray or torch.Tensor
        Integer class maps of the same shape, e.g. (H, W) or (N, H, W).
        Tensors are counted on their own device.
    num_classes : int
        Number of classes, at least 2.
    ignore_index : int, optional
        Target value of pixels without a label; they are not counted.

    Returns
    -------
    numpy.ndarray
        int64 matrix of shape (num_classes, num_classes); rows are the
        target class, columns the predicted class.

    Raises
    ------
    TypeError
        If `pred` or `target` is not an integer array or tensor, or
        `num_classes` is not an int.
    ValueError
        If the shapes differ, the input is empty, `num_classes` < 2, or a
        value is outside ``0 .. num_classes-1`` and is not `ignore_index`.

    Examples
    --------
    >>> target = np.array([[0, 0, 1], [1, 2, 255]])
    >>> pred = np.array([[0, 1, 1], [1, 2, 0]])
    >>> confusion_matrix(pred, target, num_classes=3)
    array([[1, 1, 0],
           [0, 2, 0],
           [0, 0, 1]])
    """
    _check_pair(pred, target, num_classes)
    pred, target = torch.as_tensor(pred), torch.as_tensor(target)
    pred, target = pred.to(target.device).reshape(-1).long(), target.reshape(-1).long()
    keep = target != ignore_index
    pred, target = pred[keep], target[keep]
    _check_range("target", target, num_classes, f" or ignore_index={ignore_index}")
    _check_range("pred", pred, num_classes, "")
    counts = torch.bincount(target * num_classes + pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).cpu().numpy()


def iou_from_confusion(matrix: np.ndarray) -> np.ndarray:
    """Per-class intersection over union, |A∩B| / |A∪B|, from a confusion matrix.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (num_classes,); NaN for classes absent from
        both target and prediction.

    Examples
    --------
    >>> iou_from_confusion(np.array([[1, 1, 0], [0, 2, 0], [0, 0, 0]]))
    array([0.5       , 0.66666667,        nan])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    intersection = np.diag(matrix)
    union = matrix.sum(axis=0) + matrix.sum(axis=1) - intersection
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, intersection / union, np.nan)


def iou(pred, target, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Per-class IoU of two class maps; see :func:`confusion_matrix` for the inputs.

    Examples
    --------
    >>> iou(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    array([0.5, 0.5, nan])
    """
    return iou_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def mean_iou(pred, target, *, num_classes: int, ignore_index: int = 255) -> float:
    """Mean IoU over the classes present in target or prediction (macro average).

    Examples
    --------
    >>> mean_iou(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    0.5
    """
    return float(np.nanmean(iou(pred, target, num_classes=num_classes, ignore_index=ignore_index)))
