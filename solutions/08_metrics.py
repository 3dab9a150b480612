"""Notebook 08 · metrics: a confusion matrix via bincount, then IoU and Dice per class, ignored pixels left out."""

import numpy as np
from _reference import reference

confusion = reference(__file__, "confusion")  # the reference solution, kept once in course/source
iou_per_class = reference(__file__, "iou_per_class")  # the reference solution, kept once in course/source
dice_per_class = reference(__file__, "dice_per_class")  # the reference solution, kept once in course/source


def confusion_transposed(pred, target, num_classes, ignore_index=255):
    return confusion(pred, target, num_classes, ignore_index).T


def confusion_forgets_ignore(pred, target, num_classes, ignore_index=255):
    pairs = num_classes * target.ravel() + pred.ravel()
    return np.bincount(pairs, minlength=num_classes**2).reshape(num_classes, num_classes)


def confusion_ignores_only_255(pred, target, num_classes, ignore_index=255):
    return confusion(pred, target, num_classes, 255)  # the default, whatever ignore_index is given


def confusion_counts_nothing(pred, target, num_classes, ignore_index=255):
    return np.zeros((num_classes, num_classes), dtype=np.int64)


def iou_ignores_only_255(pred, target, num_classes, ignore_index=255):
    return iou_per_class(pred, target, num_classes, 255)


def _per_class(pred, target, num_classes, score):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.array([score(pred == c, target == c) for c in range(num_classes)], dtype=np.float64)


def iou_forgets_ignore(pred, target, num_classes, ignore_index=255):
    return _per_class(pred, target, num_classes, lambda a, b: (a & b).sum() / (a | b).sum())


def iou_absent_as_zero(pred, target, num_classes, ignore_index=255):
    return np.nan_to_num(iou_per_class(pred, target, num_classes, ignore_index))


def iou_is_precision(pred, target, num_classes, ignore_index=255):
    matrix = confusion(pred, target, num_classes, ignore_index)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.diag(matrix) / matrix.sum(axis=0)


def dice_with_union(pred, target, num_classes, ignore_index=255):
    return 2 * iou_per_class(pred, target, num_classes, ignore_index)


def dice_is_iou(pred, target, num_classes, ignore_index=255):
    return iou_per_class(pred, target, num_classes, ignore_index)


def dice_without_2(pred, target, num_classes, ignore_index=255):
    return dice_per_class(pred, target, num_classes, ignore_index) / 2


def dice_forgets_ignore(pred, target, num_classes, ignore_index=255):
    return _per_class(pred, target, num_classes, lambda a, b: 2 * (a & b).sum() / (a.sum() + b.sum()))


FIRST = "(on maps of 6x7 pixels, 3 classes)."
IGNORED = "(on maps of 5x8 pixels, 5 classes, ignore_index=255)."
MINUS_ONE = "(on a batch of 2 of 4x6 pixels, 6 classes, ignore_index=-1)."
IGNORE_HINT = "Not yet. Pixels whose target is ignore_index (255) must not count, whatever their prediction"
EXERCISES = [
    ("check_confusion_function", "confusion", [
        (confusion_transposed, "Not yet. Your matrix is transposed: rows are the target (true) classes, columns the "
                               f"predictions {FIRST}"),
        (confusion_forgets_ignore, "Not yet. Pixels whose target is ignore_index (255) must not be counted: leave them "
                                   f"out before counting {IGNORED}"),
        (confusion_ignores_only_255, "Not yet. Pixels whose target is ignore_index (-1) must not be counted: leave them "
                                     f"out before counting {MINUS_ONE}"),
        (confusion_counts_nothing, "Not yet. Some counts differ: entry [t, p] counts the pixels with target t and "
                                   f"prediction p {FIRST}"),
    ]),
    ("check_iou_function", "iou_per_class", [
        (iou_forgets_ignore, f"{IGNORE_HINT} {IGNORED}"),
        (iou_ignores_only_255, "Not yet. Pixels whose target is ignore_index (-1) must not be counted: leave them "
                               f"out before counting {MINUS_ONE}"),
        (iou_absent_as_zero, "Not yet. A class absent from both maps has no IoU (0 / 0): give it NaN, not a number, so "
                             f"that means can leave it out {FIRST}"),
        (iou_is_precision, "Not yet. That is TP / (TP + FP), the precision; IoU's denominator also counts the false "
                           f"negatives {FIRST}"),
    ]),
    ("check_dice_function", "dice_per_class", [
        (dice_with_union, "Not yet. That divides by |A∪B|: Dice is 2|A∩B| / (|A| + |B|), the sum of the two sizes "
                          f"{FIRST}"),
        (dice_is_iou, f"Not yet. That is the IoU, |A∩B| / |A∪B|. Dice divides 2|A∩B| by |A| + |B| {FIRST}"),
        (dice_without_2, "Not yet. Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1 "
                         f"{FIRST}"),
        (dice_forgets_ignore, f"{IGNORE_HINT} {IGNORED}"),
    ]),
]
