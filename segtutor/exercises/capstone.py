"""Exercise checker for notebook 14 · the capstone: segment, evaluate and report on a held-out set."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..data import make_scenes
from ..display import decode_segmap
from ..metrics import ConfusionMatrix, Scores
from ..models import LOADABLE_MODELS, class_names
from ._common import _checked, _describe, _is_int, _is_number, _Stop

__all__ = ["CAPSTONE_MIOU", "CAPSTONE_SEED", "capstone_set", "check_capstone"]

CAPSTONE_SEED = 1414
"""Seed of the capstone's held-out scenes: no lesson, test or training run draws scenes with it."""

CAPSTONE_SCENES, CAPSTONE_SIZE = 16, 128
"""How many held-out scenes, and their side in pixels."""

CAPSTONE_MIOU = 0.8
"""The mIoU a report must reach on the held-out set."""

_KEYS = ("model", "predictions", "miou", "per_class_iou", "failure", "figure")


def capstone_set() -> tuple[np.ndarray, np.ndarray]:
    """The capstone's held-out scenes and their exact class maps.

    Returns
    -------
    images : numpy.ndarray
        uint8 (16, 128, 128, 3) RGB scenes.
    labels : numpy.ndarray
        int64 (16, 128, 128) class maps, ids of ``segtutor.class_names("tiny")``.

    Examples
    --------
    >>> images, labels = capstone_set()
    >>> images.shape, labels.dtype
    ((16, 128, 128, 3), dtype('int64'))
    """
    return make_scenes(CAPSTONE_SCENES, size=CAPSTONE_SIZE, seed=CAPSTONE_SEED)


def _report(report: object) -> tuple[np.ndarray, float, dict[str, float], int]:
    """The report's entries, each checked for its type; anything missing stops with the criterion it misses."""
    if not isinstance(report, dict) or any(key not in report for key in _KEYS):
        missing = [k for k in _KEYS if not isinstance(report, dict) or k not in report]
        raise _Stop(f"The report is a dict with the keys {', '.join(_KEYS)}; missing: {', '.join(missing)}.")
    if not isinstance(report["model"], str) or not report["model"]:
        raise _Stop("report['model'] names the model you used, as a string.")
    if report["model"] not in LOADABLE_MODELS:
        raise _Stop(f"report['model'] must name a model segtutor knows ({', '.join(LOADABLE_MODELS)}), got "
                    f"{report['model']!r}.")
    predictions = report["predictions"]
    predictions = predictions.detach().cpu().numpy() if hasattr(predictions, "detach") else predictions
    if not isinstance(predictions, np.ndarray) or predictions.dtype == bool or not np.issubdtype(predictions.dtype, np.integer):
        raise _Stop(f"report['predictions'] holds integer class maps, got {_describe(report['predictions'])}.")
    if not _is_number(report["miou"]):
        raise _Stop(f"report['miou'] is your mean IoU as a number, got {type(report['miou']).__name__}.")
    table = report["per_class_iou"]
    if not isinstance(table, dict) or not all(isinstance(v, numbers.Real) for v in table.values()):
        raise _Stop("report['per_class_iou'] is a dict from class name to IoU, one entry per class.")
    if not _is_int(report["failure"]):
        raise _Stop(f"report['failure'] is the index (an int) of the scene you show as a failure case, "
                    f"got {type(report['failure']).__name__}.")
    return predictions, float(report["miou"]), table, int(report["failure"])


def _shown(figure: Figure) -> list[np.ndarray]:
    """Every image drawn on the figure's axes, as an array."""
    return [np.asarray(image.get_array()) for ax in figure.axes for image in ax.images]


def _figure_problem(figure: Any, image: np.ndarray, truth: np.ndarray, prediction: np.ndarray, failure: int) -> str | None:
    """What the failure figure misses: the scene, its truth, the prediction (as ids or scenes colours), a legend."""
    if not isinstance(figure, Figure):
        return (f"report['figure'] is the matplotlib figure that shows your failure case, such as show_images "
                f"returns; got {_describe(figure)}.")
    shown = _shown(figure)

    def drawn(ids_or_rgb: np.ndarray, *, class_map: bool) -> bool:
        forms = [ids_or_rgb, decode_segmap(ids_or_rgb, "scenes")] if class_map else [ids_or_rgb]
        return any(a.shape == f.shape and np.array_equal(a, f) for a in shown for f in forms)
    if not drawn(image, class_map=False):
        return f"Your figure does not show scene {failure}, the one report['failure'] names."
    if not drawn(truth, class_map=True):
        return f"Your figure shows scene {failure} but not its true class map."
    if not drawn(prediction, class_map=True):
        return f"Your figure shows scene {failure} and its truth, but not your prediction of it."
    if not figure.legends and not any(ax.get_legend() for ax in figure.axes):
        return "Your figure has no legend: without one, nobody can tell which colour is which class."
    return None


def _scores(predictions: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> Scores:
    """The scores of class maps against the held-out labels, one scene at a time as an evaluator streams them."""
    metric = ConfusionMatrix(len(names), class_names=names)
    for pred, target in zip(predictions.reshape(-1, *labels.shape[-2:]), labels.reshape(-1, *labels.shape[-2:])):
        metric.update(pred, target)
    return metric.compute()


def check_capstone(report: Any) -> bool:
    """Check a capstone report against the stated criteria.

    The report is a dict:

    - ``"model"``: the model's name;
    - ``"predictions"``: your integer class maps of the held-out scenes,
      shape (16, 128, 128), ids of ``segtutor.class_names("tiny")``;
    - ``"per_class_iou"``: {class name: IoU} for every class, as your
      predictions give it (NaN for a class absent from both);
    - ``"miou"``: the mean of those IoUs, at least :data:`CAPSTONE_MIOU`;
    - ``"failure"``: the index of a scene you show as a failure case, one whose
      own mIoU is below the set's;
    - ``"figure"``: the matplotlib figure that shows that scene, its true
      class map and your prediction (as ids, or coloured with the
      ``"scenes"`` palette), with a legend.

    ``"model"`` must be a name of :data:`segtutor.models.LOADABLE_MODELS`.

    Numbers must agree with what the predictions give within 0.005.

    Examples
    --------
    >>> check_capstone({"model": "tiny"})
    Not yet. The report is a dict with the keys model, predictions, miou, per_class_iou, failure, figure; missing: predictions, miou, per_class_iou, failure, figure.
    False
    """  # noqa: E501 - the feedback is one printed line
    def check():
        predictions, miou, table, failure = _report(report)
        _, labels = capstone_set()
        if predictions.shape != labels.shape:
            raise _Stop(f"report['predictions'] must hold one class map per held-out scene, shape {labels.shape}, "
                        f"got {predictions.shape}.")
        names = class_names("tiny")
        if sorted(table) != sorted(names):
            raise _Stop(f"report['per_class_iou'] needs one entry per class: {', '.join(names)}.")
        scores = _scores(predictions, labels, names)
        for name, score in zip(names, scores.iou):
            if not (np.isnan(score) and np.isnan(table[name]) or abs(table[name] - score) <= 0.005):
                raise _Stop(f"The IoU you report for {name!r} is not what your predictions give: compute it from "
                            "report['predictions'] and the held-out labels.")
        expected = scores.mean_iou
        if not abs(miou - expected) <= 0.005:
            raise _Stop("Your mIoU is not the mean of your per-class IoUs (absent classes left out).")
        if expected < CAPSTONE_MIOU:
            raise _Stop(f"The predictions reach an mIoU under {CAPSTONE_MIOU}: try another model or check the "
                        "preprocessing your model expects.")
        if not 0 <= failure < len(labels):
            raise _Stop(f"report['failure'] must index a held-out scene, 0 to {len(labels) - 1}.")
        own = _scores(predictions[failure], labels[failure], names).mean_iou
        if not own < expected:
            raise _Stop("The scene you show as a failure scores at least the set's mIoU: pick one the model gets "
                        "worse than average, e.g. the lowest per-scene mIoU.")
        problem = _figure_problem(report["figure"], capstone_set()[0][failure], labels[failure], predictions[failure],
                                  failure)
        if problem:
            raise _Stop(problem)
        return (f"{report['model']} reaches mIoU {expected:.3f} on the held-out set; your table, your mean and your "
                f"failure case (scene {failure}, mIoU {own:.3f}) all check out.")
    return _checked(check)
