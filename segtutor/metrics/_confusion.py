"""Segmentation metrics, all derived from one confusion matrix.

Conventions
-----------
* ``matrix[t, p]`` counts pixels of true class ``t`` predicted as ``p``
  (rows: target, columns: prediction), as in scikit-learn. Every score is a
  ``*_from_confusion`` function of this matrix, so an evaluator can sum the
  matrices of many batches and compute every score once at the end; the
  accumulator :class:`ConfusionMatrix` (in `metrics/_accumulator.py`) does it.
* Pixels whose target is `ignore_index` are left out entirely, whatever
  their prediction. `ignore_index` means "no label" and is never a class: it
  must lie outside ``0 .. num_classes-1`` (255 and -1 are usual), else
  ValueError. At every other pixel the prediction must be a class id, so
  `ignore_index` in `pred` at a labelled pixel is an error. ``None`` is
  refused: to ignore no pixel, pass a value the labels never hold, such as -1.
* `num_classes` is an int (NumPy integers too, e.g. ``labels.max() + 1``)
  from 2 to :data:`MAX_CLASSES` = 1024. That covers VOC (21), Cityscapes
  (19), ADE20K (150), COCO-Stuff (182) and ADE20K-full (847), and refuses a
  label id mistaken for a class count before a huge matrix is allocated.
* NumPy inputs may be flipped (negative strides) or big-endian; they count
  exactly as their native copies.
* For class ``c``, with TP the diagonal entry, FP the rest of column ``c``
  and FN the rest of row ``c``:

  - precision = TP / (TP + FP): of the pixels called ``c``, how many are ``c``;
  - recall = TP / (TP + FN): of the pixels that are ``c``, how many were found;
  - IoU = |A∩B| / |A∪B| = TP / (TP + FP + FN);
  - Dice = 2|A∩B| / (|A| + |B|) = 2TP / (2TP + FP + FN) = 2·IoU / (1 + IoU),
    so IoU ≤ Dice ≤ 1.

* **0/0 rules.** Three cases, the same for every per-class score:

  - a class absent from both target and prediction has no score: NaN, and
    every macro mean (:func:`macro_mean`, ``mean_iou``) leaves it out;
  - a class predicted but absent from the target: precision, IoU and Dice
    are 0 (0 / FP), and recall, 0 / 0, is 0 too;
  - a class in the target but never predicted: recall, IoU and Dice are 0
    (0 / FN), and precision, 0 / 0, is 0 too.

  So a zero denominator of a class that is present counts as 0, like
  scikit-learn's ``zero_division=0``, and such a class counts in the means.
  Other libraries differ: see :func:`macro_mean`, and lesson 08's table.
* **Micro against macro averaging.** A *micro* average pools the pixels of
  all classes before dividing: micro precision = micro recall = ΣTP / Σpixels
  = :func:`pixel_accuracy`, dominated by large classes such as background.
  A *macro* average (``mean_iou``, and :func:`macro_mean` of any per-class
  score) averages the per-class scores, so every present class weighs the
  same, however few pixels it has. Segmentation benchmarks report macro mIoU.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from .._checks import (
    ArrayOrTensor,
    check_ignore_index,
    check_num_classes,
    to_numpy,
)
from ._counting import count_narrow
from ._labels import as_confusion_matrix, check_label_pair, check_label_range, widen_labels

__all__ = [
    "confusion_matrix",
    "dice",
    "dice_from_confusion",
    "iou",
    "iou_from_confusion",
    "macro_mean",
    "mean_iou",
    "pixel_accuracy",
    "pixel_accuracy_from_confusion",
    "precision",
    "precision_from_confusion",
    "recall",
    "recall_from_confusion",
]


def confusion_matrix(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Count, for every (true class, predicted class) pair, the pixels that have it.

    Parameters
    ----------
    pred, target : numpy.ndarray or torch.Tensor
        Integer class maps of the same shape, e.g. (H, W) or (N, H, W).
        Tensors are counted on the device of `target`.
    num_classes : int
        Number of classes, 2 to :data:`MAX_CLASSES` (1024); NumPy integers count.
    ignore_index : int, optional
        Target value of pixels without a label; they are not counted, whatever
        their prediction. Not a class id: it must lie outside ``0 .. num_classes-1``.

    Returns
    -------
    numpy.ndarray
        int64 matrix of shape (num_classes, num_classes); rows are the
        target class, columns the predicted class.

    Raises
    ------
    TypeError
        If `pred` or `target` is not an integer array or tensor, or
        `num_classes` or `ignore_index` is not an int (``None`` included).
    ValueError
        If the shapes differ, the input is empty, `num_classes` is below 2 or
        above :data:`MAX_CLASSES`, `ignore_index` is a class id, a target value
        is outside ``0 .. num_classes-1`` and is not `ignore_index`, or a
        prediction at a labelled pixel is outside ``0 .. num_classes-1``.

    Examples
    --------
    >>> target = np.array([[0, 0, 1], [1, 2, 255]])
    >>> pred = np.array([[0, 1, 1], [1, 2, 0]])
    >>> confusion_matrix(pred, target, num_classes=3)
    array([[1, 1, 0],
           [0, 2, 0],
           [0, 0, 1]])
    """
    pred, target = check_label_pair(pred, target)
    num_classes = check_num_classes(num_classes)
    ignore_index = check_ignore_index(ignore_index, num_classes=num_classes)
    counted = count_narrow(pred, target, num_classes, ignore_index)  # fast path for valid CPU maps
    if counted is not None:
        return counted
    target = widen_labels(torch.as_tensor(target).reshape(-1), name="target")
    pred = widen_labels(torch.as_tensor(pred).to(target.device).reshape(-1), name="pred")
    keep = target != ignore_index
    check_label_range("target", target, keep, num_classes, f" or ignore_index={ignore_index}")
    check_label_range("pred", pred, keep, num_classes, "")
    # One flat index per pixel, target * C + pred; ignored pixels go to an extra last bin that is dropped.
    dtype = torch.int32 if num_classes < 46_000 else torch.int64
    index = torch.add(pred.to(dtype), target.to(dtype), alpha=num_classes)
    index.masked_fill_(~keep, num_classes * num_classes)
    counts = torch.bincount(index, minlength=num_classes * num_classes + 1)[:-1]
    return to_numpy(counts.reshape(num_classes, num_classes))


def _per_class(numerator: np.ndarray, denominator: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """numerator / denominator per class: 0 where the denominator is 0, NaN where the class is absent."""
    present = (matrix.sum(axis=0) + matrix.sum(axis=1)) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(denominator > 0, numerator / denominator, 0.0)
    return np.where(present, ratio, np.nan)


def pixel_accuracy_from_confusion(matrix: ArrayOrTensor) -> float:
    """Fraction of counted pixels whose class is right: trace / sum (the micro average).

    Returns NaN for a matrix without any counted pixel.

    Examples
    --------
    >>> pixel_accuracy_from_confusion(np.array([[3, 1], [0, 4]]))
    0.875
    """
    matrix = as_confusion_matrix(matrix)
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total > 0 else float("nan")


def precision_from_confusion(matrix: ArrayOrTensor) -> np.ndarray:
    """Per-class precision, TP / (TP + FP): float64 (C,).

    0/0 rules: a class never predicted but in the target gets 0 (0 / 0
    counted as 0, where MMSegmentation gives NaN); a class absent from both
    target and prediction gets NaN, which :func:`macro_mean` leaves out. A
    class predicted but absent from the target gets 0 (0 / FP).

    Examples
    --------
    >>> precision_from_confusion(np.array([[1, 1, 0], [0, 2, 0], [0, 0, 0]]))
    array([1.        , 0.66666667,        nan])
    >>> precision_from_confusion(np.array([[2, 0, 0], [1, 0, 0], [0, 0, 0]]))  # class 1 in the target, never predicted
    array([0.66666667, 0.        ,        nan])
    """
    matrix = as_confusion_matrix(matrix)
    return _per_class(np.diag(matrix), matrix.sum(axis=0), matrix)


def recall_from_confusion(matrix: ArrayOrTensor) -> np.ndarray:
    """Per-class recall, TP / (TP + FN): float64 (C,).

    0/0 rules: a class predicted but absent from the target gets 0 (0 / 0
    counted as 0, where torchvision's reference and MMSegmentation give
    NaN); a class absent from both target and prediction gets NaN, which
    :func:`macro_mean` leaves out. A class in the target but never predicted
    gets 0 (0 / FN).

    Examples
    --------
    >>> recall_from_confusion(np.array([[1, 1, 0], [0, 2, 0], [0, 0, 0]]))  # class 0 predicted as 1 once
    array([0.5, 1. , nan])
    >>> recall_from_confusion(np.array([[2, 2, 0], [0, 0, 0], [0, 0, 0]]))  # class 1 predicted, not in the target
    array([0.5, 0. , nan])
    """
    matrix = as_confusion_matrix(matrix)
    return _per_class(np.diag(matrix), matrix.sum(axis=1), matrix)


def iou_from_confusion(matrix: ArrayOrTensor) -> np.ndarray:
    """Per-class intersection over union, |A∩B| / |A∪B|, from a confusion matrix.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (num_classes,). A class absent from both
        target and prediction gets NaN (0 / 0), which :func:`macro_mean`
        leaves out; a class present in only one of them gets 0 (0 / FP or
        0 / FN), and counts in the mean.

    Raises
    ------
    TypeError
        If `matrix` is not an array or tensor.
    ValueError
        If `matrix` is not square with at least 2 classes, or has a negative count.

    Examples
    --------
    >>> iou_from_confusion(np.array([[1, 1, 0], [0, 2, 0], [0, 0, 0]]))
    array([0.5       , 0.66666667,        nan])
    >>> iou_from_confusion(np.array([[2, 2, 0], [0, 0, 0], [0, 0, 0]]))  # class 1 predicted, not in the target
    array([0.5, 0. , nan])
    """
    matrix = as_confusion_matrix(matrix)
    intersection = np.diag(matrix)
    return _per_class(intersection, matrix.sum(axis=0) + matrix.sum(axis=1) - intersection, matrix)


def dice_from_confusion(matrix: ArrayOrTensor) -> np.ndarray:
    """Per-class Dice (the pixel F1 score), 2|A∩B| / (|A| + |B|): float64 (C,).

    0/0 rules as :func:`iou_from_confusion`: NaN for a class absent from both
    target and prediction (left out of :func:`macro_mean`), 0 for a class
    present in only one of them.

    Examples
    --------
    >>> dice_from_confusion(np.array([[1, 1, 0], [0, 2, 0], [0, 0, 0]]))
    array([0.66666667, 0.8       ,        nan])
    """
    matrix = as_confusion_matrix(matrix)
    return _per_class(2 * np.diag(matrix), matrix.sum(axis=0) + matrix.sum(axis=1), matrix)


def pixel_accuracy(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> float:
    """Fraction of labelled pixels predicted right; inputs and errors as in :func:`confusion_matrix`.

    Examples
    --------
    >>> pixel_accuracy(np.array([0, 1, 1, 0]), np.array([0, 0, 1, 255]), num_classes=2)
    0.6666666666666666
    """
    return pixel_accuracy_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def precision(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Per-class precision of two class maps, float64 (C,); see :func:`confusion_matrix` for the inputs,
    :func:`precision_from_confusion` for the 0/0 rules.

    Examples
    --------
    >>> precision(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    array([1. , 0.5, nan])
    """
    return precision_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def recall(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Per-class recall of two class maps, float64 (C,); see :func:`confusion_matrix` for the inputs,
    :func:`recall_from_confusion` for the 0/0 rules.

    Examples
    --------
    >>> recall(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    array([0.5, 1. , nan])
    """
    return recall_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def iou(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Per-class IoU of two class maps, float64 (C,); see :func:`confusion_matrix` for the inputs,
    :func:`iou_from_confusion` for the 0/0 rules.

    Examples
    --------
    >>> iou(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    array([0.5, 0.5, nan])
    """
    return iou_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def dice(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """Per-class Dice of two class maps, float64 (C,); see :func:`confusion_matrix` for the inputs,
    :func:`dice_from_confusion` for the 0/0 rules.

    Examples
    --------
    >>> dice(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    array([0.66666667, 0.66666667,        nan])
    """
    return dice_from_confusion(confusion_matrix(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def mean_iou(pred: ArrayOrTensor, target: ArrayOrTensor, *, num_classes: int, ignore_index: int = 255) -> float:
    """Mean IoU over the classes present in target or prediction (macro average).

    Examples
    --------
    >>> mean_iou(np.array([0, 1, 1]), np.array([0, 0, 1]), num_classes=3)
    0.5
    """
    return macro_mean(iou(pred, target, num_classes=num_classes, ignore_index=ignore_index))


def macro_mean(scores: npt.ArrayLike) -> float:
    """Mean of per-class scores (array-like) over the classes that have one: NaN scores, absent classes, are
    left out. Returns a float; NaN, without a warning, when every score is NaN.

    A present class whose score is 0 by a 0/0 rule (see :func:`recall_from_confusion`) counts as 0.
    torchvision's reference mean IoU (``iu.mean()``) is NaN as soon as one class is NaN; MMSegmentation's
    ``np.nanmean`` skips NaN as this does, but it has NaN in more cases; torchmetrics' macro average gives
    a class absent from both a weight of 0, as this does.

    Examples
    --------
    >>> macro_mean(np.array([0.5, np.nan, 1.0])), macro_mean(np.array([np.nan, np.nan]))
    (0.75, nan)

    Lesson 08's two cases, with 4 pixels of class 0 in the target:

    >>> predicted_not_in_target = np.array([[2, 2], [0, 0]])  # class 1 predicted twice
    >>> [(f(predicted_not_in_target).tolist(), macro_mean(f(predicted_not_in_target)))
    ...  for f in (precision_from_confusion, recall_from_confusion, iou_from_confusion)]
    [([1.0, 0.0], 0.5), ([0.5, 0.0], 0.25), ([0.5, 0.0], 0.25)]
    >>> absent_from_both = np.array([[4, 0], [0, 0]])  # class 1 nowhere
    >>> [(f(absent_from_both).tolist(), macro_mean(f(absent_from_both)))
    ...  for f in (precision_from_confusion, recall_from_confusion, iou_from_confusion)]
    [([1.0, nan], 1.0), ([1.0, nan], 1.0), ([1.0, nan], 1.0)]
    """
    scores = np.asarray(scores, dtype=np.float64)
    present = scores[~np.isnan(scores)]
    return float(present.mean()) if present.size else float("nan")
