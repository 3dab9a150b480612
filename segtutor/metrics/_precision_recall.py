"""Average precision (AP) and mean AP of pixel scores, for semantic segmentation.

For one class ``c``, every labelled pixel is a candidate scored by the
model's probability of ``c``; it is a true positive when its target is ``c``.
Lowering a threshold from the highest score to the lowest calls more and
more pixels ``c``: recall grows from 0 to 1 while precision changes. That
traces the *precision–recall curve*, and AP is the area under it, taken as
a step function over the distinct score thresholds:

    AP = Σ_n (R_n − R_{n−1}) · P_n

with no interpolation (the definition of scikit-learn's
``average_precision_score``). Only the ranking of each class's scores
matters: log-probabilities give the same AP as probabilities, but raw
logits can rank pixels differently and give another AP.

mAP is the mean of AP over the classes present in the target (a macro
average). A class without any target pixel has no recall, hence no AP: it
gets NaN and is left out of the mean, however high its scores are. That
differs from :func:`segtutor.metrics.recall_from_confusion`, which gives 0
to a class that is predicted but absent from the target (and counts it in
the mean); a class absent from both has NaN in both.

This is **not** COCO's instance-segmentation mAP. COCO ranks whole object
instances by their confidence, counts one a true positive only when its mask
overlaps an unmatched ground-truth object with IoU above a threshold, uses
101-point interpolated precision, and averages over IoU thresholds 0.50,
0.55, …, 0.95. Here every pixel is a candidate and no matching is needed.

AP needs every pixel's score at once (it sorts them), so compute it on a
sample of images; the streaming evaluator accumulates a confusion matrix
instead.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import torch

from .._checks import (
    ArrayOrTensor,
    as_native,
    check_ignore_index,
    check_int,
    check_labels,
    describe_array,
    to_numpy,
)
from ._confusion import macro_mean
from ._labels import check_label_range, widen_labels

__all__ = ["average_precision", "average_precision_from_curve", "mean_average_precision", "precision_recall_curve"]


def _is_float(value: ArrayOrTensor) -> bool:
    return value.is_floating_point() if isinstance(value, torch.Tensor) else bool(np.issubdtype(value.dtype, np.floating))


def _scores_and_target(probs: ArrayOrTensor, target: ArrayOrTensor, ignore_index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the inputs; return the scores ``[C, P]`` and targets ``[P]`` of the labelled pixels."""
    if not isinstance(probs, (np.ndarray, torch.Tensor)) or not _is_float(probs):
        raise TypeError(f"`probs` must be a float array or tensor of shape (C, H, W) or (N, C, H, W), got {describe_array(probs)}")
    check_labels(target, name="target")
    shape, labels = tuple(probs.shape), tuple(target.shape)
    if len(shape) != len(labels) + 1 or shape[:-3] + shape[-2:] != labels:
        expected = labels[:-2] + ("C",) + labels[-2:]
        raise ValueError(f"`probs` must have shape {expected} to match `target` of shape {labels}, got shape {shape}".replace("'", ""))
    if shape[-3] < 2:
        raise ValueError(f"`probs` must score at least 2 classes, got {shape[-3]}")
    if 0 in labels:
        raise ValueError(f"`probs` and `target` must not be empty, got `target` of shape {labels}")
    ignore_index = check_ignore_index(ignore_index, num_classes=shape[-3])
    probs = torch.as_tensor(as_native(probs))
    scores = probs.movedim(-3, 0).reshape(shape[-3], -1)
    if not torch.isfinite(scores).all():
        raise ValueError(f"`probs` must be finite, got {int((~torch.isfinite(scores)).sum())} NaN or infinite values")
    target = widen_labels(torch.as_tensor(as_native(target)).to(scores.device).reshape(-1), name="target")
    keep = target != ignore_index
    check_label_range("target", target, keep, shape[-3], f" or ignore_index={ignore_index}")
    return scores[:, keep], target[keep]


def _curve(scores: torch.Tensor, positive: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall (both from the point (R=0, P=1)) and thresholds, highest threshold first."""
    order = torch.argsort(scores, descending=True, stable=True)
    scores, positive = scores[order], positive[order]
    last = torch.ones_like(positive)  # the last pixel of every run of equal scores ends a threshold
    last[:-1] = scores[1:] != scores[:-1]
    true_positives = to_numpy(torch.cumsum(positive, 0)[last].double())
    called = to_numpy((torch.nonzero(last).squeeze(1) + 1).double())
    precision = np.concatenate([[1.0], true_positives / called])
    recall = np.concatenate([[0.0], true_positives / true_positives[-1]])
    return precision, recall, to_numpy(scores[last].double())


def average_precision_from_curve(precision: npt.ArrayLike, recall: npt.ArrayLike) -> float:
    """The area under a precision–recall step curve: AP = Σ_n (R_n − R_{n−1}) · P_n.

    Parameters
    ----------
    precision, recall : array-like
        float, shape (K + 1,), as :func:`precision_recall_curve` returns them
        (the first point is recall 0).

    Returns
    -------
    float
        Each rise in recall times the precision reached there, summed.

    Raises
    ------
    ValueError
        If `precision` and `recall` are not of one shape (K + 1,) with K >= 1.

    Examples
    --------
    >>> average_precision_from_curve([1.0, 1.0, 0.5, 0.667, 0.5], [0.0, 0.5, 0.5, 1.0, 1.0])
    0.8335
    """
    precision, recall = np.asarray(precision, dtype=np.float64), np.asarray(recall, dtype=np.float64)
    if precision.shape != recall.shape or precision.ndim != 1 or len(precision) < 2:
        raise ValueError("`precision` and `recall` must be of one shape (K + 1,) with K >= 1, "
                         f"got {describe_array(precision)} and {describe_array(recall)}")
    return float(np.sum(np.diff(recall) * precision[1:]))


def precision_recall_curve(probs: ArrayOrTensor, target: ArrayOrTensor, *, class_index: int,
                           ignore_index: int = 255) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision–recall curve of one class's pixel scores.

    Parameters
    ----------
    probs : numpy.ndarray or torch.Tensor
        float scores, shape (C, H, W) or (N, C, H, W), e.g. softmax probabilities.
    target : numpy.ndarray or torch.Tensor
        Integer class map, shape (H, W) or (N, H, W).
    class_index : int
        The class whose curve to trace; it must occur in `target`. NumPy integers count.
    ignore_index : int, optional
        Target value of pixels without a label; they are left out. Not a
        class id: it must lie outside ``0 .. C-1``.

    Returns
    -------
    precision, recall : numpy.ndarray
        float64, shape (K + 1,), for K distinct thresholds from the highest
        score down, after a first point (recall 0, precision 1). Recall
        rises to 1; the area under the step curve is the class's AP.
    thresholds : numpy.ndarray
        float64, shape (K,), the distinct scores, decreasing.

    Raises
    ------
    TypeError
        If `probs` is not a float array, `target` not an integer one, or
        `class_index` or `ignore_index` not an int (``None`` included).
    ValueError
        If the shapes do not match, the input is empty, `ignore_index` is a
        class id, a target value is out of range, or `class_index` is out of
        range or not in `target`.

    Examples
    --------
    >>> probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])  # C=2, H=1, W=4
    >>> precision, recall, thresholds = precision_recall_curve(probs, np.array([[1, 0, 1, 0]]), class_index=1)
    >>> precision.round(3).tolist(), recall.tolist()
    ([1.0, 1.0, 0.5, 0.667, 0.5], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    scores, target = _scores_and_target(probs, target, ignore_index)
    class_index = check_int(class_index, name="class_index")
    if not 0 <= class_index < len(scores):
        raise ValueError(f"`class_index` must be in 0..{len(scores) - 1}, got {class_index}")
    positive = target == class_index
    if not positive.any():
        raise ValueError(f"`class_index` {class_index} has no labelled pixel in `target`, so its recall is undefined")
    return _curve(scores[class_index], positive)


def average_precision(probs: ArrayOrTensor, target: ArrayOrTensor, *, ignore_index: int = 255) -> np.ndarray:
    """Per-class average precision of pixel scores; inputs as in :func:`precision_recall_curve`.

    Returns
    -------
    numpy.ndarray
        float64, shape (C,); NaN for classes without a pixel in `target`
        (whatever their scores), which :func:`mean_average_precision` leaves out.

    Examples
    --------
    >>> probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    >>> average_precision(probs, np.array([[1, 0, 0, 1]])).round(4)
    array([0.5833, 0.75  ])
    """
    scores, target = _scores_and_target(probs, target, ignore_index)
    result = np.full(len(scores), np.nan)
    for index in range(len(scores)):
        positive = target == index
        if positive.any():
            result[index] = average_precision_from_curve(*_curve(scores[index], positive)[:2])
    return result


def mean_average_precision(probs: ArrayOrTensor, target: ArrayOrTensor, *, ignore_index: int = 255) -> float:
    """Mean of the per-class AP over the classes present in `target` (NaN if none is).

    Examples
    --------
    >>> probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    >>> round(mean_average_precision(probs, np.array([[1, 0, 0, 1]])), 4)
    0.6667
    """
    return macro_mean(average_precision(probs, target, ignore_index=ignore_index))
