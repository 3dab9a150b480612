"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .evaluation import Scores, evaluate
from .images import SAMPLES, Sample, load_image, sample_names
from .inference import classes_present, logits_to_labels, predict
from .metric_plots import plot_class_scores, plot_confusion_matrix, plot_dice_against_iou, plot_pr_curves
from .metrics import (
    confusion_matrix,
    dice,
    dice_from_confusion,
    iou,
    iou_from_confusion,
    mean_iou,
    pixel_accuracy,
    pixel_accuracy_from_confusion,
    precision,
    precision_from_confusion,
    recall,
    recall_from_confusion,
)
from .models import (
    MODEL_NAMES,
    ModelSpec,
    WeightsUnavailableError,
    checkpoint_path,
    class_names,
    get_spec,
    load_lesson_model,
    load_model,
    offline,
)
from .palettes import PALETTES, Palette, get_palette, voc_colormap
from .precision_recall import average_precision, mean_average_precision, precision_recall_curve
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD, describe, preprocess, seed_transform, trace_transform
from .visualize import decode_segmap, show_images

__version__ = version("segtutor")

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MODEL_NAMES",
    "ModelSpec",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "Sample",
    "Scores",
    "WeightsUnavailableError",
    "average_precision",
    "checkpoint_path",
    "class_names",
    "classes_present",
    "confusion_matrix",
    "decode_segmap",
    "describe",
    "dice",
    "dice_from_confusion",
    "evaluate",
    "exercises",
    "get_palette",
    "get_spec",
    "iou",
    "iou_from_confusion",
    "load_image",
    "load_lesson_model",
    "load_model",
    "logits_to_labels",
    "mean_average_precision",
    "mean_iou",
    "offline",
    "pixel_accuracy",
    "pixel_accuracy_from_confusion",
    "plot_class_scores",
    "plot_confusion_matrix",
    "plot_dice_against_iou",
    "plot_pr_curves",
    "precision",
    "precision_from_confusion",
    "precision_recall_curve",
    "predict",
    "preprocess",
    "recall",
    "recall_from_confusion",
    "sample_names",
    "seed_transform",
    "show_images",
    "trace_transform",
    "voc_colormap",
]
