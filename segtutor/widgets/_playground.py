"""The metrics playground and the comparison's agreement map: a ground truth, a perturbed prediction, their scores."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .._checks import ArrayOrTensor, check_labels, to_numpy
from ..data import make_scenes
from ..metrics import dice, iou, macro_mean, pixel_accuracy

__all__ = ["AGREE", "DIFFER", "UNSEEN", "agreement_map", "perturb_labels", "playground_scores", "playground_target"]


def playground_target(*, seed: int = 0) -> np.ndarray:
    """The playground's ground truth: the class map of one 128-px synthetic scene.

    Returns
    -------
    numpy.ndarray
        int64 (128, 128) ids of :data:`segtutor.SCENE_CLASSES`.

    Examples
    --------
    >>> target = playground_target(seed=3)
    >>> target.shape, target.dtype
    ((128, 128), dtype('int64'))
    """
    return make_scenes(1, size=128, seed=seed)[1][0]


def playground_scores(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int) -> dict[str, float]:
    """The three scores the playground shows: pixel accuracy, and IoU and Dice macro-averaged.

    Parameters
    ----------
    pred, target : numpy.ndarray or torch.Tensor
        Integer class maps of one shape.
    num_classes : int
        Number of classes; a class absent from both maps is left out of the means (:func:`segtutor.metrics.macro_mean`).

    Returns
    -------
    dict
        ``{"pixel accuracy": float, "mean IoU": float, "mean Dice": float}``, in that order.

    Raises
    ------
    TypeError, ValueError
        As :func:`segtutor.confusion_matrix`.

    Examples
    --------
    >>> playground_scores(np.array([[0, 1, 1, 1]]), np.array([[0, 0, 1, 1]]), num_classes=3)
    {'pixel accuracy': 0.75, 'mean IoU': 0.5833333333333333, 'mean Dice': 0.7333333333333334}
    """
    return {"pixel accuracy": pixel_accuracy(pred, target, num_classes=num_classes),
            "mean IoU": macro_mean(iou(pred, target, num_classes=num_classes)),
            "mean Dice": macro_mean(dice(pred, target, num_classes=num_classes))}


def perturb_labels(labels: ArrayOrTensor, *, shift: tuple[int, int] = (0, 0), grow: int = 0, background: int = 0) -> np.ndarray:
    """Make a wrong prediction from a ground truth: shift it and grow or shrink its objects.

    Parameters
    ----------
    labels : numpy.ndarray
        Integer (H, W) class map.
    shift : (int, int), optional
        ``(dx, dy)`` in pixels; uncovered pixels become `background`.
    grow : int, optional
        Dilate every non-background class by this many pixels (negative: erode).
    background : int, optional
        The background class.

    Returns
    -------
    numpy.ndarray
        The perturbed class map, same shape and dtype.

    Examples
    --------
    >>> perturb_labels(np.array([[0, 1, 0, 0]]), shift=(1, 0)).tolist()
    [[0, 0, 1, 0]]
    >>> perturb_labels(np.array([[0, 0, 1, 0, 0]]), grow=1).tolist()
    [[0, 1, 1, 1, 0]]
    """
    check_labels(labels, ndims=(2,))
    labels = np.asarray(labels)
    result = np.full_like(labels, background)
    dx, dy = shift
    h, w = labels.shape
    result[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = labels[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    if grow == 0:
        return result
    structure = ndimage.generate_binary_structure(2, 1)
    grown = np.full_like(result, background)
    for cls in np.unique(result[result != background]):
        mask = result == cls
        mask = ndimage.binary_dilation(mask, structure, grow) if grow > 0 else ndimage.binary_erosion(mask, structure, -grow)
        grown[mask] = cls
    return grown


AGREE, DIFFER, UNSEEN = (40, 170, 70), (220, 50, 50), (160, 160, 160)
"""The agreement map's colours: both models gave the same class (green), different classes (red), or one of them
did not see the pixel (grey: outside its crop)."""


def agreement_map(labels_a: ArrayOrTensor, labels_b: ArrayOrTensor, *, ignore_index: int = 255) -> tuple[np.ndarray, float]:
    """Where two class maps agree (green) or differ (red), and the share of agreement among the pixels both saw.

    A pixel labelled `ignore_index` in either map (:func:`segtutor.segment`
    marks so the border outside its crop) was not seen by that model: it is
    grey, and it counts neither as agreeing nor as differing.

    Parameters
    ----------
    labels_a, labels_b : numpy.ndarray or torch.Tensor
        Integer (H, W) class maps of one shape.
    ignore_index : int, optional
        The label of the pixels a model did not see.

    Returns
    -------
    picture : numpy.ndarray
        uint8 (H, W, 3): :data:`AGREE`, :data:`DIFFER` or :data:`UNSEEN` per pixel.
    share : float
        Agreeing pixels divided by the pixels both maps saw; NaN when they saw none in common.

    Raises
    ------
    ValueError
        If the maps differ in shape.

    Examples
    --------
    >>> picture, share = agreement_map(np.array([[1, 2, 255]]), np.array([[1, 3, 3]]))
    >>> picture.tolist(), share
    ([[[40, 170, 70], [220, 50, 50], [160, 160, 160]]], 0.5)
    """
    check_labels(labels_a, name="labels_a", ndims=(2,))
    check_labels(labels_b, name="labels_b", ndims=(2,))
    if labels_a.shape != labels_b.shape:
        raise ValueError(f"`labels_a` and `labels_b` must have the same shape, got {tuple(labels_a.shape)} and {tuple(labels_b.shape)}")
    a, b = to_numpy(labels_a), to_numpy(labels_b)
    seen = (a != ignore_index) & (b != ignore_index)
    same = seen & (a == b)
    picture = np.empty(a.shape + (3,), np.uint8)
    picture[...] = UNSEEN
    picture[same], picture[seen & ~same] = AGREE, DIFFER
    return picture, float(same.sum() / seen.sum()) if seen.any() else float("nan")
