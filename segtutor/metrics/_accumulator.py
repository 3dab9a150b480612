"""A stateful confusion matrix: add batches as they come, score once at the end.

The functions of :mod:`segtutor.metrics` score one pair of class maps.
:class:`ConfusionMatrix` is their stateful companion, as in torchmetrics'
functional/modular split and torchvision's segmentation reference: it keeps
one int64 (C, C) matrix, adds each batch's counts to it with
:meth:`~ConfusionMatrix.update`, and turns the total into :class:`Scores` with
:meth:`~ConfusionMatrix.compute`. Summing matrices is exact: the total equals
the matrix of all pixels at once, so mIoU over a dataset is not an average of
per-batch mIoUs.

Several workers (processes of ``torch.distributed``, or any split of a
dataset) each accumulate their share; :meth:`~ConfusionMatrix.merge` adds
another accumulator's counts, and :meth:`~ConfusionMatrix.sync` sums the
matrices of all processes with one ``all_reduce``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
import torch.distributed as dist

from .._checks import ArrayOrTensor, check_ignore_index, check_num_classes
from ._confusion import (
    confusion_matrix,
    dice_from_confusion,
    iou_from_confusion,
    macro_mean,
    pixel_accuracy_from_confusion,
    precision_from_confusion,
    recall_from_confusion,
)
from ._labels import as_confusion_matrix

__all__ = ["ConfusionMatrix", "Scores"]


def distributed() -> bool:
    """Whether a ``torch.distributed`` process group is initialised (the process was started by torchrun, say)."""
    return dist.is_available() and dist.is_initialized()

_COLUMNS = ("precision", "recall", "iou", "dice")


class Scores:
    """Per-class and mean scores of one confusion matrix, with a readable table as repr.

    Parameters
    ----------
    confusion : numpy.ndarray
        int64 (C, C) confusion matrix, rows target, columns prediction.
    class_names : sequence of str, optional
        One name per class; default ``"0"``, ``"1"``, ...

    Attributes
    ----------
    precision, recall, iou, dice : numpy.ndarray
        float64 (C,) per-class scores; NaN for classes absent from both
        target and prediction, 0 for a 0/0 score of a class present in only
        one of them (see :func:`recall_from_confusion`).
    mean_precision, mean_recall, mean_iou, mean_dice : float
        Macro averages over the present classes (NaN scores left out, 0 counted).
    pixel_accuracy : float
        The micro average: correct pixels / labelled pixels.

    Examples
    --------
    >>> scores = Scores(np.array([[3, 1, 0], [0, 4, 0], [0, 0, 0]]), class_names=["sky", "sea", "boat"])
    >>> round(scores.mean_iou, 4), scores.pixel_accuracy
    (0.775, 0.875)
    """

    def __init__(self, confusion: ArrayOrTensor, class_names: Iterable[object] | None = None) -> None:
        self.confusion = as_confusion_matrix(confusion).astype(np.int64)
        self.class_names = _class_names(class_names, len(self.confusion))
        self.precision = precision_from_confusion(self.confusion)
        self.recall = recall_from_confusion(self.confusion)
        self.iou = iou_from_confusion(self.confusion)
        self.dice = dice_from_confusion(self.confusion)
        self.pixel_accuracy = pixel_accuracy_from_confusion(self.confusion)

    @property
    def mean_precision(self) -> float:
        return macro_mean(self.precision)

    @property
    def mean_recall(self) -> float:
        return macro_mean(self.recall)

    @property
    def mean_iou(self) -> float:
        return macro_mean(self.iou)

    @property
    def mean_dice(self) -> float:
        return macro_mean(self.dice)

    def table(self) -> str:
        """The scores as a text table: one row per class, then the means and pixel accuracy."""
        width = max(len("mean (macro)"), *(len(n) for n in self.class_names))
        lines = [f"{'class':<{width}}  {'pixels':>9}" + "".join(f"  {c:>9}" for c in _COLUMNS)]
        for index, name in enumerate(self.class_names):
            row = f"{name:<{width}}  {self.confusion[index].sum():>9,}"
            if np.isnan(self.iou[index]):
                lines.append(row + "  absent: left out of the means")
            else:
                lines.append(row + "".join(f"  {getattr(self, c)[index]:>9.4f}" for c in _COLUMNS))
        means = "".join(f"  {getattr(self, 'mean_' + c):>9.4f}" for c in _COLUMNS)
        lines.append(f"{'mean (macro)':<{width}}  {self.confusion.sum():>9,}" + means)
        lines.append(f"pixel accuracy (micro): {self.pixel_accuracy:.4f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


def _class_names(class_names: Iterable[object] | None, num_classes: int) -> tuple[str, ...]:
    """One name per class, as strings; default ``"0"``, ``"1"``, ..."""
    names = [str(i) for i in range(num_classes)] if class_names is None else [str(n) for n in class_names]
    if len(names) != num_classes:
        raise ValueError(f"`class_names` must hold {num_classes} names, one per class, got {len(names)}")
    return tuple(names)


class ConfusionMatrix:
    """Accumulate one confusion matrix over many batches; score it with :meth:`compute`.

    Parameters
    ----------
    num_classes : int
        Number of classes, 2 to :data:`segtutor.metrics.MAX_CLASSES`; NumPy integers count.
    ignore_index : int, optional
        Target value of pixels that are not counted; not a class id (see :mod:`segtutor.metrics`).
    class_names : sequence of str, optional
        One name per class, for the table of :meth:`compute`'s :class:`Scores`.

    Attributes
    ----------
    num_classes, ignore_index : int
        As given.
    class_names : tuple of str
        As given, or ``"0"``, ``"1"``, ...
    matrix : numpy.ndarray
        A copy of the int64 (C, C) counts so far: rows target, columns prediction.

    Raises
    ------
    TypeError
        If `num_classes` or `ignore_index` is not an int.
    ValueError
        If `num_classes` is out of range, `ignore_index` is a class id, or
        `class_names` does not hold one name per class.

    Examples
    --------
    >>> metric = ConfusionMatrix(3)
    >>> metric.update(np.array([[0, 1, 1]]), np.array([[0, 0, 1]]))
    >>> metric.update(np.array([[2, 2]]), np.array([[2, 255]]))
    >>> metric.matrix
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    >>> round(metric.compute().mean_iou, 4)
    0.6667
    """

    def __init__(self, num_classes: int, *, ignore_index: int = 255, class_names: Iterable[object] | None = None) -> None:
        self.num_classes = check_num_classes(num_classes)
        self.ignore_index = check_ignore_index(ignore_index, num_classes=self.num_classes)
        self.class_names = _class_names(class_names, self.num_classes)
        self._matrix = np.zeros((self.num_classes, self.num_classes), np.int64)

    @property
    def matrix(self) -> np.ndarray:
        """A copy of the int64 (C, C) counts so far; changing it changes nothing here."""
        return self._matrix.copy()

    def update(self, pred: ArrayOrTensor, target: ArrayOrTensor) -> None:
        """Add the counts of one batch: integer class maps [H, W] or [N, H, W], NumPy or torch (CPU or GPU).

        Inputs and errors are those of :func:`segtutor.confusion_matrix`; a
        batch that raises adds nothing.
        """
        self._matrix += confusion_matrix(pred, target, num_classes=self.num_classes, ignore_index=self.ignore_index)

    def reset(self) -> None:
        """Set every count back to 0, e.g. before the next epoch's validation."""
        self._matrix[...] = 0

    def compute(self) -> Scores:
        """Per-class and mean scores of the counts so far, with :attr:`class_names` (all NaN before any update)."""
        return Scores(self._matrix, class_names=self.class_names)

    def merge(self, other: ConfusionMatrix) -> None:
        """Add the counts of another accumulator of the same `num_classes` and `ignore_index`.

        Raises
        ------
        TypeError
            If `other` is not a :class:`ConfusionMatrix`.
        ValueError
            If its `num_classes` or `ignore_index` differs.
        """
        if not isinstance(other, ConfusionMatrix):
            raise TypeError(f"`other` must be a ConfusionMatrix, got {type(other).__name__}")
        for name in ("num_classes", "ignore_index"):
            if getattr(other, name) != getattr(self, name):
                raise ValueError(f"`other` must have the same {name}, {getattr(self, name)}, got {getattr(other, name)}")
        self._matrix += other._matrix

    def sync(self) -> None:
        """Replace the counts by their sum over all processes when ``torch.distributed`` is initialised.

        One ``all_reduce`` (SUM) of the matrix, on the CPU (on the current
        GPU for the NCCL backend); every process must call it, once, after
        its last :meth:`update`: a second call would add the totals again.
        Without an initialised process group it does nothing.
        """
        if not distributed():
            return
        device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else "cpu"
        total = torch.from_numpy(self._matrix.copy()).to(device)
        dist.all_reduce(total, op=dist.ReduceOp.SUM)
        self._matrix[...] = total.cpu().numpy()

    def __repr__(self) -> str:
        return (f"ConfusionMatrix(num_classes={self.num_classes}, ignore_index={self.ignore_index}, "
                f"pixels={int(self._matrix.sum())})")
