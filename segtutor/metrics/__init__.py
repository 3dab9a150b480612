"""Metrics: confusion matrices and every score read from them, evaluation (of a whole dataset, on one process or many), precision-recall, boundaries.

0/0 conventions: a class absent from both prediction and target has no score (NaN),
and the macro means (:func:`macro_mean`) skip it; a class present in only one of them
gets 0 for a 0/0 score (the recall of a class predicted but not in the target, the
precision of a class in the target but never predicted) and counts in the means.
torchvision's reference, MMSegmentation and torchmetrics differ: see :func:`macro_mean`.
"""

from .._checks import MAX_CLASSES
from ._accumulator import ConfusionMatrix, Scores
from ._boundaries import boundary_band, boundary_f1, boundary_miou, class_edges
from ._confusion import (
    confusion_matrix,
    dice,
    dice_from_confusion,
    iou,
    iou_from_confusion,
    macro_mean,
    mean_iou,
    pixel_accuracy,
    pixel_accuracy_from_confusion,
    precision,
    precision_from_confusion,
    recall,
    recall_from_confusion,
)
from ._dataset_evaluation import UnpaddedSampler, evaluate_dataset, scores_to_dict
from ._evaluation import evaluate
from ._precision_recall import average_precision, average_precision_from_curve, mean_average_precision, precision_recall_curve

__all__ = [
    "ConfusionMatrix",
    "UnpaddedSampler",
    "MAX_CLASSES",
    "average_precision",
    "average_precision_from_curve",
    "boundary_band",
    "boundary_f1",
    "boundary_miou",
    "class_edges",
    "confusion_matrix",
    "dice",
    "dice_from_confusion",
    "evaluate",
    "evaluate_dataset",
    "iou",
    "iou_from_confusion",
    "macro_mean",
    "mean_average_precision",
    "mean_iou",
    "pixel_accuracy",
    "pixel_accuracy_from_confusion",
    "precision",
    "precision_from_confusion",
    "precision_recall_curve",
    "recall",
    "recall_from_confusion",
    "Scores",
    "scores_to_dict",
]
