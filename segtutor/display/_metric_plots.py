"""Pictures of scores: a labelled confusion-matrix heatmap, per-class bars, precision–recall curves.

Every function returns a matplotlib ``Figure`` (not pyplot), which Jupyter
shows when it is a cell's last value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

from .._checks import ArrayOrTensor, describe_array
from ..metrics import average_precision_from_curve
from ..metrics._labels import as_confusion_matrix

__all__ = ["plot_class_scores", "plot_confusion_matrix", "plot_dice_against_iou", "plot_history", "plot_pr_curves"]


def _names(class_names: Iterable[object] | None, num_classes: int) -> list[str]:
    names = [str(i) for i in range(num_classes)] if class_names is None else [str(n) for n in class_names]
    if len(names) != num_classes:
        raise ValueError(f"`class_names` must hold {num_classes} names, one per class, got {len(names)}")
    return names


def plot_confusion_matrix(matrix: ArrayOrTensor, *, class_names: Sequence[str] | None = None, normalize: bool = False) -> Figure:
    """Draw a confusion matrix as a heatmap with a count in every cell.

    Parameters
    ----------
    matrix : numpy.ndarray or torch.Tensor
        (C, C) counts, rows target, columns prediction (see :func:`segtutor.confusion_matrix`).
    class_names : sequence of str, optional
        Tick labels; default the class ids.
    normalize : bool, optional
        Divide each row by its sum, so that row ``t`` shows where the pixels
        of true class ``t`` went and the diagonal shows the recall.

    Returns
    -------
    matplotlib.figure.Figure
        One heatmap axes (true class down, predicted class across) and a colour bar.

    Raises
    ------
    TypeError, ValueError
        If `matrix` is not a square array of counts, or `class_names` has the wrong length.

    Examples
    --------
    >>> fig = plot_confusion_matrix(np.array([[5, 1], [0, 3]]), class_names=["sky", "sea"])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['5', '1', '0', '3']
    """
    counts = as_confusion_matrix(matrix)
    names = _names(class_names, len(counts))
    with np.errstate(invalid="ignore", divide="ignore"):
        values = counts / counts.sum(axis=1, keepdims=True) if normalize else counts
    size = 1.5 + 0.45 * len(names)
    fig = Figure(figsize=(size + 1, size), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(values, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, label="fraction of the true class" if normalize else "pixels")
    ax.set(xticks=range(len(names)), yticks=range(len(names)), xlabel="predicted class", ylabel="true class",
           title="confusion matrix" + (" (rows sum to 1)" if normalize else ""))
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_yticklabels(names)
    high = np.nanmax(values) if np.isfinite(values).any() else 0
    for (row, col), value in np.ndenumerate(values):
        text = "" if np.isnan(value) else f"{value:.2f}" if normalize else f"{int(value)}"
        ax.text(col, row, text, ha="center", va="center", color="white" if value > high / 2 else "black")
    return fig


def plot_class_scores(scores: dict[str, npt.ArrayLike], *, class_names: Sequence[str] | None = None) -> Figure:
    """Draw per-class scores as grouped bars, one group per class.

    Parameters
    ----------
    scores : dict of str to array
        Score name to a per-class float array of shape (C,), e.g.
        ``{"IoU": scores.iou, "Dice": scores.dice}``. NaN (absent class)
        draws no bar, and the class's tick label says "(absent)".
    class_names : sequence of str, optional
        Tick labels; default the class ids.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with y from 0 to 1 and a legend naming the scores.

    Raises
    ------
    ValueError
        If `scores` is empty, its arrays differ in length, or `class_names` has the wrong length.

    Examples
    --------
    >>> fig = plot_class_scores({"IoU": np.array([0.5, np.nan]), "Dice": np.array([2 / 3, np.nan])})
    >>> [round(float(bar.get_height()), 3) for bar in fig.axes[0].patches]
    [0.5, 0.0, 0.667, 0.0]
    """
    if not scores:
        raise ValueError("`scores` must hold at least one score, got an empty dict")
    arrays = {name: np.asarray(values, dtype=np.float64) for name, values in scores.items()}
    lengths = {name: values.shape for name, values in arrays.items()}
    if len(set(lengths.values())) != 1 or len(next(iter(lengths.values()))) != 1:
        raise ValueError(f"`scores` must map names to per-class arrays of one shape (C,), got shapes {lengths}")
    num_classes = len(next(iter(arrays.values())))
    absent = np.all([np.isnan(v) for v in arrays.values()], axis=0)
    names = [n + " (absent)" if a else n for n, a in zip(_names(class_names, num_classes), absent)]
    fig = Figure(figsize=(2 + 0.6 * num_classes * len(arrays) ** 0.5, 3.5), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / len(arrays)
    for offset, (label, values) in enumerate(arrays.items()):
        ax.bar(np.arange(num_classes) + (offset - (len(arrays) - 1) / 2) * width, np.nan_to_num(values), width, label=label)
    ax.set(ylim=(0, 1.05), ylabel="score", xticks=range(num_classes), title="scores per class")
    ax.set_xticklabels(names, rotation=45 if num_classes > 4 else 0, ha="right" if num_classes > 4 else "center")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
    return fig


def plot_pr_curves(curves: dict) -> Figure:
    """Draw precision–recall curves as steps, one panel each, shading the area under each (its AP).

    The areas of several classes overlap, so each class gets its own panel,
    colour and hatching, with its AP written in the area and in the legend.

    Parameters
    ----------
    curves : dict of str to tuple
        Curve name to ``(precision, recall)`` or ``(precision, recall,
        thresholds)`` as returned by :func:`segtutor.metrics.precision_recall_curve`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per curve, in order, sharing the precision axis: recall
        across and precision up, titled by the curve's name; each legend
        gives the AP.

    Raises
    ------
    ValueError
        If `curves` is empty or a curve's precision and recall differ in length.

    Examples
    --------
    >>> fig = plot_pr_curves({"cat": (np.array([1.0, 1.0, 0.5]), np.array([0.0, 0.5, 1.0]))})
    >>> fig.axes[0].get_title(), fig.axes[0].get_legend().get_texts()[0].get_text()
    ('cat', 'cat (AP 0.750)')
    """
    if not curves:
        raise ValueError("`curves` must hold at least one curve, got an empty dict")
    fig = Figure(figsize=(3.2 * len(curves) + 0.4, 3.4), layout="constrained")
    axes = fig.subplots(1, len(curves), squeeze=False, sharey=True)[0]
    for index, (ax, (name, (precision, recall, *_))) in enumerate(zip(axes, curves.items())):
        precision, recall = np.asarray(precision, dtype=np.float64), np.asarray(recall, dtype=np.float64)
        if precision.shape != recall.shape or precision.ndim != 1:
            raise ValueError(f"curve {name!r} must have precision and recall of one shape (K,), "
                             f"got {describe_array(precision)} and {describe_array(recall)}")
        area, color, hatch = average_precision_from_curve(precision, recall), f"C{index % 10}", _HATCHES[index % len(_HATCHES)]
        ax.step(recall, precision, where="pre", color=color, label=f"{name} (AP {area:.3f})")
        ax.fill_between(recall, precision, step="pre", facecolor=color, edgecolor=color, alpha=0.3, hatch=hatch, linewidth=0)
        ax.text(0.5, 0.35, f"AP {area:.3f}", ha="center", fontsize=11, bbox={"facecolor": "white", "alpha": 0.8, "linewidth": 0})
        ax.set(xlim=(0, 1), ylim=(0, 1.05), xlabel="recall", title=name)
        ax.legend(loc="lower left")
    axes[0].set_ylabel("precision")
    return fig


_HATCHES = ("//", "\\\\", "xx", "..", "++", "--")
"""One hatching per panel of :func:`plot_pr_curves`, so that areas differ in more than colour."""


def plot_dice_against_iou(iou: npt.ArrayLike, dice: npt.ArrayLike, *, class_names: Sequence[str] | None = None) -> Figure:
    """Draw the curve Dice = 2·IoU / (1 + IoU) above the diagonal, with one point per class.

    Parameters
    ----------
    iou, dice : array
        Per-class float scores of shape (C,); classes with NaN are not drawn.
    class_names : sequence of str, optional
        Labels written next to the points; default the class ids.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: IoU across, Dice up; the curve, the line Dice = IoU, the classes.

    Raises
    ------
    ValueError
        If `iou` and `dice` differ in shape, or `class_names` has the wrong length.

    Examples
    --------
    >>> fig = plot_dice_against_iou(np.array([0.5, np.nan]), np.array([2 / 3, np.nan]), class_names=["disc", "star"])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['disc']
    """
    iou, dice = np.asarray(iou, dtype=np.float64), np.asarray(dice, dtype=np.float64)
    if iou.shape != dice.shape or iou.ndim != 1:
        raise ValueError(f"`iou` and `dice` must be per-class arrays of one shape (C,), got {iou.shape} and {dice.shape}")
    names = _names(class_names, len(iou))
    grid = np.linspace(0, 1, 101)
    fig = Figure(figsize=(4.5, 4.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(grid, 2 * grid / (1 + grid), label="Dice = 2·IoU / (1 + IoU)")
    ax.plot(grid, grid, "--", color="grey", label="Dice = IoU")
    shown = ~np.isnan(iou) & ~np.isnan(dice)
    ax.scatter(iou[shown], dice[shown], color="tab:red", zorder=3, label="classes")
    for name, x, y in zip(np.array(names)[shown], iou[shown], dice[shown]):
        ax.annotate(name, (x, y), xytext=(4, -10), textcoords="offset points")
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="IoU", ylabel="Dice", title="Dice ≥ IoU, equal only at 0 and 1")
    ax.legend(loc="lower right")
    return fig


class TrainingHistory(Protocol):
    """What :func:`plot_history` reads: a training run's loss and validation mIoU, one entry per epoch."""

    loss: list[float]
    miou: list[float]


def plot_history(history: TrainingHistory) -> Figure:
    """Plot training loss and validation mIoU per epoch, side by side.

    Parameters
    ----------
    history : segtutor.training.History
        What :func:`segtutor.train` returned (anything with per-epoch ``loss`` and ``miou`` lists).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: loss per epoch, and mIoU per epoch (y from 0 to 1).

    Raises
    ------
    TypeError
        If `history` has no per-epoch ``loss`` and ``miou`` lists.
    ValueError
        If it holds no epoch.

    Examples
    --------
    >>> from segtutor.training import History
    >>> fig = plot_history(History(loss=[1.0, 0.5], miou=[0.4, 0.7]))
    >>> [ax.get_title() for ax in fig.axes]
    ['training loss', 'validation mIoU']
    """
    if not all(isinstance(getattr(history, name, None), list) for name in ("loss", "miou")):
        raise TypeError(f"`history` must be a History (per-epoch loss and miou lists), got {type(history).__name__}")
    if not history.loss:
        raise ValueError("`history` must hold at least one epoch, got none")
    fig = Figure(figsize=(9, 3.5), layout="constrained")
    loss_ax, miou_ax = fig.subplots(1, 2)
    epochs = np.arange(1, len(history.loss) + 1)
    for ax, values, title in ((loss_ax, history.loss, "training loss"), (miou_ax, history.miou, "validation mIoU")):
        ax.plot(epochs, values, marker="o")
        ax.set(title=title, xlabel="epoch")
        ax.grid(alpha=0.3)
    miou_ax.set_ylim(0, 1)
    return fig
