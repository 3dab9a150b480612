"""Exercise checkers for notebook 08 · metrics."""

from __future__ import annotations

import numpy as np

from ..metrics import confusion_matrix, iou_from_confusion, macro_mean
from ..precision_recall import average_precision_from_curve, precision_recall_curve
from ._common import _feedback, _close

__all__ = ["check_average_precision", "check_dice", "check_mean_iou"]


def check_dice(answer, *, pred, target, class_index: int) -> bool:
    """Check a computed Dice score of one class of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_dice(0.8, pred=np.array([1, 1, 0, 0]), target=np.array([1, 1, 1, 0]), class_index=1)
    Correct! Dice = 2|A∩B| / (|A| + |B|) = 2·2 / (2 + 3) = 0.800.
    True
    """
    a, b = np.asarray(pred) == class_index, np.asarray(target) == class_index
    both, either, sizes = int((a & b).sum()), int((a | b).sum()), int(a.sum() + b.sum())
    expected = 2 * both / sizes
    if _close(answer, expected):
        return _feedback(True, f"Dice = 2|A∩B| / (|A| + |B|) = 2·{both} / ({a.sum()} + {b.sum()}) = {expected:.3f}.")
    if _close(answer, 2 * either / sizes):
        return _feedback(False, "That is the seed notes' formula, with |A∪B| in the numerator: it can exceed 1. Use |A∩B|.")
    if _close(answer, both / either):
        return _feedback(False, "That is the IoU, |A∩B| / |A∪B|. Dice divides 2|A∩B| by |A| + |B|.")
    if _close(answer, both / sizes):
        return _feedback(False, "Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1.")
    return _feedback(False, f"Count |A∩B| (pixels that are class {class_index} in both maps), |A| and |B|, then compute 2|A∩B| / (|A| + |B|).")


def check_mean_iou(answer, *, pred, target, num_classes: int) -> bool:
    """Check a computed mean IoU of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_mean_iou(0.5, pred=np.array([0, 1, 1]), target=np.array([0, 0, 1]), num_classes=3)
    Correct! The IoUs of the 2 present classes average to 0.500; absent classes are left out.
    True
    """
    matrix = confusion_matrix(np.asarray(pred), np.asarray(target), num_classes=num_classes)
    scores = iou_from_confusion(matrix)
    expected = macro_mean(scores)
    present = int((~np.isnan(scores)).sum())
    if _close(answer, expected):
        return _feedback(True, f"The IoUs of the {present} present classes average to {expected:.3f}; absent classes are left out.")
    if present < num_classes and _close(answer, np.nansum(scores) / num_classes):
        return _feedback(False, "A class absent from both maps has no IoU (NaN): leave it out of the mean instead of counting it as 0.")
    if _close(answer, np.trace(matrix) / matrix.sum()):
        return _feedback(False, "That is the pixel accuracy, a micro average over pixels. mIoU averages the per-class IoUs (macro).")
    return _feedback(False, "Compute TP / (TP + FP + FN) for each class present in either map, then average those IoUs.")


def check_average_precision(answer, *, scores, positives) -> bool:
    """Check a computed average precision of pixel scores against binary labels (3 decimals are enough).

    Examples
    --------
    >>> check_average_precision(0.75, scores=[0.9, 0.8, 0.7, 0.6], positives=[1, 0, 0, 1])
    Correct! AP = Σ (R_n − R_n−1) · P_n = 0.750: each rise in recall times the precision reached there.
    True
    """
    scores, positives = np.asarray(scores, dtype=np.float64), np.asarray(positives, dtype=np.int64)
    probs = np.stack([1 - scores, scores])[:, None, :]
    precision, recall, _ = precision_recall_curve(probs, positives[None, :], class_index=1)
    expected = average_precision_from_curve(precision, recall)
    if _close(answer, expected):
        return _feedback(True, f"AP = Σ (R_n − R_n−1) · P_n = {expected:.3f}: each rise in recall times the precision reached there.")
    if _close(answer, positives.mean()):
        return _feedback(False, "That is the precision when every pixel is called positive: the curve's last point, not the area under it.")
    if _close(answer, np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2)):
        return _feedback(False, "That joins the points with straight lines (trapezoids). AP sums rectangles: each recall step times its precision.")
    if _close(answer, precision[1:].mean()):
        return _feedback(False, "Average the precision only at the ranks where a positive is found (where recall rises), not at every rank.")
    return _feedback(False, "Sort the pixels by score, high to low; at each positive, note the precision so far; AP is their mean.")

