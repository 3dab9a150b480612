"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision.

The top level holds what the lessons and a user call. Everything else stays in
its module: ``segtutor.metrics.iou_from_confusion``, ``segtutor.weights.offline``,
``segtutor.probe``, ``segtutor.cli``, ``segtutor.exercises``; the later lessons'
tools live in ``segtutor.augmentation``, ``segtutor.losses``, ``segtutor.transfer``,
``segtutor.architectures`` and ``segtutor.boundaries``; the explorers are
built by :mod:`segtutor.widgets` (``from segtutor import widgets``).
"""

from importlib.metadata import version

# Lessons 11-13 reach these by their module: segtutor.augmentation, .losses, .transfer, .architectures, .boundaries.
from . import architectures, augmentation, boundaries, exercises, explorer, losses, metrics, transfer  # noqa: F401
from .accumulator import ConfusionMatrix
from .checkpoints import CheckpointError
from .contours import class_contours, show_contours
from .evaluation import evaluate, Scores
from .images import load_image, sample_names
from .inference import logits_to_labels, predict
from .metric_plots import plot_class_scores, plot_confusion_matrix, plot_dice_against_iou, plot_pr_curves
from .metrics import confusion_matrix, dice, iou, macro_mean, mean_iou, pixel_accuracy, precision, recall
from .models import load_lesson_model, load_model, load_with_fallback
from .overlays import add_legend, class_shares, overlay, show_overlay
from .palettes import get_palette, PALETTES, to_train_ids
from .playground import agreement_map, perturb_labels
from .precision_recall import average_precision, mean_average_precision, precision_recall_curve
from .preprocessing import (
    channel_stats,
    describe,
    IMAGENET_MEAN,
    IMAGENET_STD,
    preprocess,
    seed_transform,
    tensor_to_image,
    trace_transform,
    unnormalize,
)
from .registry import class_names, get_spec, list_models, LOADABLE_MODELS, MODEL_NAMES
from .scenes import images_to_batch, make_scenes, SCENE_CLASSES, SceneDataset
from .segment import crop_box, segment
from .specs import ModelTable
from .superpixels import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries
from .tiny import load_tiny_model, save_tiny_model, TinySegNet
from .training import plot_history, train, training_step
from .visualize import decode_segmap, encode_segmap, grayscale_mask, show_images, show_palette
from .voc import add_void_border, read_voc, write_voc
from .weights import checkpoint_path, download_weights, weights_status, WeightsUnavailableError

metrics.ConfusionMatrix = ConfusionMatrix  # segtutor.metrics.ConfusionMatrix until metrics/ is a subpackage (issue 19)

__version__ = version("segtutor")

__all__ = [
    "CheckpointError",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "LOADABLE_MODELS",
    "MODEL_NAMES",
    "ModelTable",
    "PALETTES",
    "SCENE_CLASSES",
    "SceneDataset",
    "Scores",
    "TinySegNet",
    "WeightsUnavailableError",
    "add_legend",
    "add_void_border",
    "agreement_map",
    "average_precision",
    "channel_stats",
    "checkpoint_path",
    "class_contours",
    "class_names",
    "class_shares",
    "confusion_matrix",
    "crop_box",
    "decode_segmap",
    "describe",
    "dice",
    "download_weights",
    "encode_segmap",
    "evaluate",
    "exercises",
    "get_palette",
    "get_spec",
    "grayscale_mask",
    "images_to_batch",
    "iou",
    "list_models",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_tiny_model",
    "load_with_fallback",
    "logits_to_labels",
    "macro_mean",
    "make_scenes",
    "mean_average_precision",
    "mean_color_image",
    "mean_iou",
    "overlay",
    "perturb_labels",
    "pixel_accuracy",
    "plot_class_scores",
    "plot_confusion_matrix",
    "plot_dice_against_iou",
    "plot_history",
    "plot_pr_curves",
    "precision",
    "precision_recall_curve",
    "predict",
    "preprocess",
    "read_voc",
    "recall",
    "sample_names",
    "save_tiny_model",
    "seed_transform",
    "segment",
    "show_contours",
    "show_images",
    "show_overlay",
    "show_palette",
    "slic_superpixels",
    "smooth_labels",
    "superpixel_boundaries",
    "tensor_to_image",
    "to_train_ids",
    "trace_transform",
    "train",
    "training_step",
    "unnormalize",
    "weights_status",
    "write_voc",
]
