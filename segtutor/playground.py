"""Small computations for the teaching widgets: perturbed masks and agreement maps."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ._checks import check_labels

__all__ = ["agreement_map", "perturb_labels"]


def perturb_labels(labels, *, shift: tuple[int, int] = (0, 0), grow: int = 0, background: int = 0) -> np.ndarray:
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


def agreement_map(labels_a, labels_b) -> tuple[np.ndarray, float]:
    """Where two class maps agree (green) or differ (red), and the share of agreeing pixels.

    Examples
    --------
    >>> picture, share = agreement_map(np.array([[1, 2]]), np.array([[1, 3]]))
    >>> picture.tolist(), share
    ([[[40, 170, 70], [220, 50, 50]]], 0.5)
    """
    check_labels(labels_a, name="labels_a", ndims=(2,))
    check_labels(labels_b, name="labels_b", ndims=(2,))
    if labels_a.shape != labels_b.shape:
        raise ValueError(f"`labels_a` and `labels_b` must have the same shape, got {tuple(labels_a.shape)} and {tuple(labels_b.shape)}")
    same = np.asarray(labels_a) == np.asarray(labels_b)
    picture = np.where(same[..., None], np.uint8([40, 170, 70]), np.uint8([220, 50, 50])).astype(np.uint8)
    return picture, float(same.mean())
