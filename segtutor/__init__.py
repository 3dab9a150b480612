"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .contours import class_contours, show_contours
from .evaluation import evaluate, Scores
from .explorer import (
    explorer_image,
    explorer_model,
    legend_html,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_PIXELS,
    model_label,
    read_upload,
    register_image,
    segment_cached,
    to_png,
)
from .images import load_image, Sample, sample_names, SAMPLES
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
from .models import clear_model_cache, default_device, load_lesson_model, load_model
from .overlays import add_legend, class_shares, ClassShare, overlay, show_overlay
from .palettes import get_palette, Palette, PALETTES, to_train_ids, voc_colormap
from .playground import agreement_map, displayable, perturb_labels, tensor_statistics
from .precision_recall import average_precision, mean_average_precision, precision_recall_curve
from .preprocessing import describe, IMAGENET_MEAN, IMAGENET_STD, preprocess, seed_transform, trace_transform
from .registry import class_names, get_spec, list_models, MODEL_NAMES, ModelSpec, ModelTable
from .segment import crop_box, MIN_IMAGE_SIDE, segment
from .superpixels import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries
from .visualize import decode_segmap, encode_segmap, grayscale_mask, show_images, show_palette
from .weights import (
    checkpoint_path,
    CheckpointError,
    download_weights,
    load_state_dict,
    offline,
    read_checkpoint,
    weights_status,
    WeightsUnavailableError,
)

__version__ = version("segtutor")

__all__ = [
    "CheckpointError",
    "ClassShare",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_PIXELS",
    "MIN_IMAGE_SIDE",
    "MODEL_NAMES",
    "ModelSpec",
    "ModelTable",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "Sample",
    "Scores",
    "WeightsUnavailableError",
    "add_legend",
    "agreement_map",
    "average_precision",
    "checkpoint_path",
    "class_contours",
    "class_names",
    "class_shares",
    "classes_present",
    "clear_model_cache",
    "confusion_matrix",
    "crop_box",
    "decode_segmap",
    "default_device",
    "describe",
    "dice",
    "dice_from_confusion",
    "displayable",
    "download_weights",
    "encode_segmap",
    "evaluate",
    "exercises",
    "explorer_image",
    "explorer_model",
    "get_palette",
    "get_spec",
    "grayscale_mask",
    "iou",
    "iou_from_confusion",
    "legend_html",
    "list_models",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_state_dict",
    "logits_to_labels",
    "mean_average_precision",
    "mean_color_image",
    "mean_iou",
    "model_label",
    "offline",
    "overlay",
    "perturb_labels",
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
    "read_checkpoint",
    "read_upload",
    "recall",
    "recall_from_confusion",
    "register_image",
    "sample_names",
    "seed_transform",
    "segment",
    "segment_cached",
    "show_contours",
    "show_images",
    "show_overlay",
    "show_palette",
    "slic_superpixels",
    "smooth_labels",
    "superpixel_boundaries",
    "tensor_statistics",
    "to_png",
    "to_train_ids",
    "trace_transform",
    "voc_colormap",
    "weights_status",
]
