"""Exercise checkers for notebook 08 · metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..metrics import average_precision_from_curve, confusion_matrix, dice, iou, iou_from_confusion, macro_mean, precision_recall_curve
from ._common import _array_result, _call, _checked, _close, _coding, _integer_array, _number_answer, _rng, _Stop

__all__ = ["check_average_precision", "check_confusion_function", "check_dice", "check_dice_function", "check_iou_function",
           "check_mean_iou"]


def check_dice(answer: Any, *, pred: np.ndarray, target: np.ndarray, class_index: int) -> bool:
    """Check a computed Dice score of one class of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_dice(0.4, pred=np.array([1, 1, 0, 0]), target=np.array([1, 1, 1, 0]), class_index=1)
    Not yet. Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1.
    False
    """
    return _checked(lambda: _dice_answer(answer, pred, target, class_index))


def _maps(pred: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    """`pred` and `target` as integer arrays of one shape; anything else stops with feedback."""
    pred, target = _integer_array(pred, "`pred`"), _integer_array(target, "`target`")
    if pred.shape != target.shape:
        raise _Stop(f"`pred` and `target` must have one shape, got {pred.shape} and {target.shape}.")
    return pred, target


def _dice_answer(answer: Any, pred: np.ndarray, target: np.ndarray, class_index: int) -> str:
    _number_answer(answer, "the Dice score")
    pred, target = _maps(pred, target)
    a, b = pred == class_index, target == class_index
    both, either, sizes = int((a & b).sum()), int((a | b).sum()), int(a.sum() + b.sum())
    if sizes == 0:  # segtutor's convention: a class absent from both maps has no score, NaN, and means skip it
        if np.isnan(answer):
            return f"Class {class_index} is in neither map: Dice is 0 / 0, no score, NaN, and means leave it out."
        raise _Stop(f"Class {class_index} is in neither map: Dice is 0 / 0, which is no score at all. segtutor gives "
                    "such a class NaN (float('nan')), so that means leave it out.")
    if np.isnan(answer):
        raise _Stop(f"Class {class_index} is in at least one map, so |A| + |B| > 0 and its Dice is a number, not NaN.")
    expected = 2 * both / sizes
    if _close(answer, expected):
        return (f"Dice = 2|A∩B| / (|A| + |B|) = 2·{both} / ({a.sum()} + {b.sum()}) = {expected:.3f}.")
    if _close(answer, 2 * either / sizes):
        raise _Stop("That is the seed notes' formula, with |A∪B| in the numerator: it can exceed 1. Use |A∩B|.")
    if _close(answer, both / either):
        raise _Stop("That is the IoU, |A∩B| / |A∪B|. Dice divides 2|A∩B| by |A| + |B|.")
    if _close(answer, both / sizes):
        raise _Stop("Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1.")
    raise _Stop(f"Count |A∩B| (pixels that are class {class_index} in both maps), |A| and |B|, then compute 2|A∩B| / (|A| + |B|).")


def check_mean_iou(answer: Any, *, pred: np.ndarray, target: np.ndarray, num_classes: int) -> bool:
    """Check a computed mean IoU of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_mean_iou(1 / 3, pred=np.array([0, 1, 1]), target=np.array([0, 0, 1]), num_classes=3)
    Not yet. A class absent from both maps has no IoU (NaN): leave it out of the mean instead of counting it as 0.
    False
    """
    return _checked(lambda: _mean_iou_answer(answer, pred, target, num_classes))


def _mean_iou_answer(answer: Any, pred: np.ndarray, target: np.ndarray, num_classes: int) -> str:
    _number_answer(answer, "the mean IoU")
    pred, target = _maps(pred, target)
    if pred.size and (min(pred.min(), target.min()) < 0 or max(pred.max(), target.max()) >= num_classes):
        raise _Stop(f"The class ids in `pred` and `target` must lie in 0 .. num_classes - 1 = {num_classes - 1}.")
    matrix = confusion_matrix(pred, target, num_classes=num_classes)
    scores = iou_from_confusion(matrix)
    expected = macro_mean(scores)
    present = int((~np.isnan(scores)).sum())
    if _close(answer, expected):
        return (f"The IoUs of the {present} present classes average to {expected:.3f}; absent classes are left out.")
    if present < num_classes and _close(answer, np.nansum(scores) / num_classes):
        raise _Stop("A class absent from both maps has no IoU (NaN): leave it out of the mean instead of counting it as 0.")
    if _close(answer, np.trace(matrix) / matrix.sum()):
        raise _Stop("That is the pixel accuracy, a micro average over pixels. mIoU averages the per-class IoUs (macro).")
    raise _Stop("Compute TP / (TP + FP + FN) for each class present in either map, then average those IoUs.")


def check_average_precision(answer: Any, *, scores: npt.ArrayLike, positives: npt.ArrayLike) -> bool:
    """Check a computed average precision of pixel scores against binary labels (3 decimals are enough).

    Examples
    --------
    >>> check_average_precision(0.5, scores=[0.9, 0.8, 0.7, 0.6], positives=[1, 0, 0, 1])
    Not yet. That is the precision when every pixel is called positive: the curve's last point, not the area under it.
    False
    """
    return _checked(lambda: _average_precision_answer(answer, scores, positives))


def _average_precision_answer(answer: Any, scores: npt.ArrayLike, positives: npt.ArrayLike) -> str:
    _number_answer(answer, "the average precision")
    scores, positives = np.asarray(scores, dtype=np.float64), np.asarray(positives, dtype=np.int64)
    probs = np.stack([1 - scores, scores])[:, None, :]
    precision, recall, _ = precision_recall_curve(probs, positives[None, :], class_index=1)
    expected = average_precision_from_curve(precision, recall)
    if _close(answer, expected):
        return (f"AP = Σ (R_n − R_n−1) · P_n = {expected:.3f}: each rise in recall times the precision reached there.")
    if _close(answer, positives.mean()):
        raise _Stop("That is the precision when every pixel is called positive: the curve's last point, not the area under it.")
    if _close(answer, np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2)):
        raise _Stop("That joins the points with straight lines (trapezoids). AP sums rectangles: each recall step times its precision.")
    if _close(answer, precision[1:].mean()):
        raise _Stop("Average the precision only at the ranks where a positive is found (where recall rises), not at every rank.")
    raise _Stop("Sort the pixels by score, high to low; at each positive, note the precision so far; AP is their mean.")



def _metric_cases(rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray, int, int]]:
    """(description, pred, target, num_classes, ignore_index): (H, W) and (N, H, W) maps, absent classes, and
    ignored pixels marked 255, -1 or another id past the classes."""
    cases = []
    for shape, classes, ignored in [((6, 7), 3, None), ((5, 8), 5, 255), ((2, 4, 6), 6, -1), ((1, 1, 9), 4, 0)]:
        target = rng.integers(0, classes - 1, shape)  # the last class never occurs in the target
        pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, classes - 1, shape))
        if ignored is None:  # fewer 1 -> 0 mistakes than 0 -> 1: a matrix that is not symmetric shows a transposed answer
            pred[(target == 1) & (pred == 0)] = 1
            pred[0, :2], target[0, :2] = 1, 0
        else:
            ignored = ignored or int(rng.integers(classes, 250))  # 0 draws an id past the classes
            target.flat[rng.choice(target.size, size=max(1, target.size // 5), replace=False)] = ignored
        what = "maps" if len(shape) == 2 else f"a batch of {shape[0]}"
        cases.append((f"on {what} of {shape[-2]}x{shape[-1]} pixels, {classes} classes"
                      f"{f', ignore_index={ignored}' if ignored is not None else ''}", pred, target, classes,
                      255 if ignored is None else ignored))
    return cases


def _run_metric(function, case, pred, target, classes, ignore_index):
    """Call the learner's metric; an error on a case with ignored pixels hints at ignore_index."""
    try:
        return _call(function, pred, target, num_classes=classes, ignore_index=ignore_index)
    except _Stop:
        if (target == ignore_index).any():
            raise _Stop(f"Pixels whose target is ignore_index ({ignore_index}) must not be counted: leave them out "
                        f"before counting ({case}).") from None
        raise


def check_confusion_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(pred, target, num_classes, ignore_index=255)``: the confusion matrix.

    It must return the integer (num_classes, num_classes) matrix whose entry
    [t, p] counts the pixels of target class t predicted as p, leaving out
    pixels whose target is `ignore_index`. The checker tries fresh random
    maps, (H, W) and (N, H, W), with absent classes and ignored pixels marked
    by several `ignore_index` values (255, -1, an id past the classes).

    Parameters
    ----------
    function : callable
        Your ``function(pred, target, num_classes, ignore_index=255)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def confusion(pred, target, num_classes, ignore_index=255):  # counts nothing yet
    ...     return np.zeros((num_classes, num_classes), dtype=np.int64)
    >>> check_confusion_function(confusion, seed=0)
    Not yet. Some counts differ: entry [t, p] counts the pixels with target t and prediction p (on maps of 6x7 pixels, 3 classes).
    False
    """
    def check():
        for case, pred, target, classes, ignore_index in _metric_cases(_rng(seed)):
            expected = confusion_matrix(pred, target, num_classes=classes, ignore_index=ignore_index)
            mine = _run_metric(function, case, pred, target, classes, ignore_index)
            mine = _array_result(mine, expected, what="your matrix", case=case)
            if np.array_equal(mine, expected):
                continue
            if np.array_equal(mine, expected.T):
                raise _Stop(f"Your matrix is transposed: rows are the target (true) classes, columns the predictions "
                            f"({case}).")
            if mine.sum() > expected.sum() and (target == ignore_index).any():
                raise _Stop(f"Your matrix counts pixels whose target is ignore_index ({ignore_index}): leave them out "
                            f"({case}).")
            raise _Stop(f"Some counts differ: entry [t, p] counts the pixels with target t and prediction p ({case}).")
        return "Your confusion matrix matches segtutor's on every pair of maps tried, ignored pixels left out."
    return _coding(check)


def _per_class_check(function: Callable[..., Any], *, seed: int | None, name: str, reference: Callable[..., np.ndarray],
                     mistakes: Callable[..., dict[str, np.ndarray]]) -> bool:
    """Shared by the IoU and Dice exercises: compare per-class scores, NaN where a class is absent from both maps."""
    def check():
        for case, pred, target, classes, ignore_index in _metric_cases(_rng(seed)):
            expected = reference(pred, target, num_classes=classes, ignore_index=ignore_index)
            mine = _run_metric(function, case, pred, target, classes, ignore_index)
            if isinstance(mine, (list, tuple)):
                mine = np.asarray(mine, dtype=np.float64)
            mine = _array_result(mine, expected, what=f"your {name} scores", case=case)
            if np.allclose(mine, expected, atol=1e-6, equal_nan=True):
                continue
            absent = np.isnan(expected)
            if np.allclose(mine[~absent], expected[~absent], atol=1e-6):
                raise _Stop(f"A class absent from both maps has no {name} (0 / 0): give it NaN, not a number, so that "
                            f"means can leave it out ({case}).")
            matrix = confusion_matrix(pred, target, num_classes=classes, ignore_index=ignore_index)
            for message, wrong in mistakes(matrix, pred, target, classes, ignore_index).items():
                if np.allclose(mine, wrong, atol=1e-6, equal_nan=True):
                    raise _Stop(f"{message} ({case}).")
            raise _Stop(f"Some {name} scores differ from segtutor's, in none of the usual ways ({case}).")
        return f"Your per-class {name} matches segtutor's on every pair of maps tried."
    return _coding(check)


def _with_ignored(pred, target, classes, ignore_index, metric):
    """`metric` computed as if the ignored pixels were an extra class: what forgetting ignore_index gives."""
    target = np.where(target == ignore_index, classes, target)
    return metric(pred, target, num_classes=classes + 1, ignore_index=classes + 1)[:classes]


def _ratio(numerator, denominator):
    with np.errstate(divide="ignore", invalid="ignore"):
        return numerator / denominator


def _iou_mistakes(matrix, pred, target, classes, ignore_index):
    tp, rows, cols = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    return {f"Pixels whose target is ignore_index ({ignore_index}) must not count, whatever their prediction":
                _with_ignored(pred, target, classes, ignore_index, iou),
            "That is 2|A∩B| / (|A| + |B|), the Dice score; IoU divides |A∩B| by |A∪B| = TP + FP + FN":
                _ratio(2 * tp, rows + cols),
            "That is TP / (TP + FP), the precision; IoU's denominator also counts the false negatives":
                _ratio(tp, cols),
            "That is TP / (TP + FN), the recall; IoU's denominator also counts the false positives":
                _ratio(tp, rows)}


def _dice_mistakes(matrix, pred, target, classes, ignore_index):
    tp, rows, cols = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    union = rows + cols - tp
    return {f"Pixels whose target is ignore_index ({ignore_index}) must not count, whatever their prediction":
                _with_ignored(pred, target, classes, ignore_index, dice),
            "That divides by |A∪B|: Dice is 2|A∩B| / (|A| + |B|), the sum of the two sizes":
                _ratio(2 * tp, union),
            "That is the IoU, |A∩B| / |A∪B|. Dice divides 2|A∩B| by |A| + |B|":
                _ratio(tp, union),
            "Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1":
                _ratio(tp, rows + cols)}


def check_iou_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(pred, target, num_classes, ignore_index=255)``: the IoU of every class.

    It must return a float array of `num_classes` scores, TP / (TP + FP + FN),
    NaN for a class absent from both maps, leaving out pixels whose target is
    `ignore_index`. The checker tries fresh random maps, (H, W) and
    (N, H, W), with absent classes and ignored pixels marked by several
    `ignore_index` values (255, -1, an id past the classes).

    Parameters
    ----------
    function : callable
        Your ``function(pred, target, num_classes, ignore_index=255)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def iou_per_class(pred, target, num_classes, ignore_index=255):
    ...     raise NotImplementedError  # your code here
    >>> check_iou_function(iou_per_class)
    Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.
    False
    """
    return _per_class_check(function, seed=seed, name="IoU", reference=iou, mistakes=_iou_mistakes)


def check_dice_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(pred, target, num_classes, ignore_index=255)``: the Dice score of every class.

    It must return a float array of `num_classes` scores, 2|A∩B| / (|A| + |B|),
    NaN for a class absent from both maps, leaving out pixels whose target is
    `ignore_index`. The checker tries fresh random maps, (H, W) and
    (N, H, W), with absent classes and ignored pixels marked by several
    `ignore_index` values (255, -1, an id past the classes).

    Parameters
    ----------
    function : callable
        Your ``function(pred, target, num_classes, ignore_index=255)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def dice_per_class(pred, target, num_classes, ignore_index=255):
    ...     raise NotImplementedError  # your code here
    >>> check_dice_function(dice_per_class)
    Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.
    False
    """
    return _per_class_check(function, seed=seed, name="Dice", reference=dice, mistakes=_dice_mistakes)
