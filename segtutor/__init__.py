"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .checkpoints import CheckpointError, load_state_dict, read_checkpoint
from .contours import class_contours, show_contours
from .evaluation import evaluate, Scores
from .explorer import (
    explorer_image,
    explorer_images,
    explorer_model,
    EXPLORER_MODELS,
    legend_html,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_PIXELS,
    model_label,
    model_palette,
    playground_target,
    read_upload,
    register_image,
    segment_cached,
    step_view,
    to_jpeg,
    to_png,
)
from .images import load_image, Sample, sample_names, SAMPLES
from .inference import logits_to_labels, predict
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
from .models import clear_model_cache, default_device, load_lesson_model, load_model, load_with_fallback
from .overlays import add_legend, class_shares, ClassShare, overlay, show_overlay
from .palettes import get_palette, Palette, PALETTES, to_train_ids, voc_colormap
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
from .scenes import images_to_batch, make_scenes, MIN_SCENE_SIZE, SCENE_CLASSES, SceneDataset
from .segment import crop_box, MIN_IMAGE_SIDE, segment
from .specs import ModelSpec, ModelTable
from .superpixels import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries
from .tiny import load_tiny_model, save_tiny_model, TINY_CHECKPOINT, TinySegNet
from .training import History, plot_history, train
from .visualize import decode_segmap, encode_segmap, grayscale_mask, show_images, show_palette
from .voc import add_void_border, read_voc, save_label_png, write_voc
from .weights import checkpoint_path, download_weights, offline, weights_status, WeightsUnavailableError

__version__ = version("segtutor")

__all__ = [
    "CheckpointError",
    "ClassShare",
    "EXPLORER_MODELS",
    "History",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "LOADABLE_MODELS",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_PIXELS",
    "MIN_IMAGE_SIDE",
    "MIN_SCENE_SIZE",
    "MODEL_NAMES",
    "ModelSpec",
    "ModelTable",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "SCENE_CLASSES",
    "Sample",
    "SceneDataset",
    "Scores",
    "TINY_CHECKPOINT",
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
    "clear_model_cache",
    "confusion_matrix",
    "crop_box",
    "decode_segmap",
    "default_device",
    "describe",
    "dice",
    "dice_from_confusion",
    "download_weights",
    "encode_segmap",
    "evaluate",
    "exercises",
    "explorer_image",
    "explorer_images",
    "explorer_model",
    "get_palette",
    "get_spec",
    "grayscale_mask",
    "images_to_batch",
    "iou",
    "iou_from_confusion",
    "legend_html",
    "list_models",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_state_dict",
    "load_tiny_model",
    "load_with_fallback",
    "logits_to_labels",
    "make_scenes",
    "mean_average_precision",
    "mean_color_image",
    "mean_iou",
    "model_label",
    "model_palette",
    "offline",
    "overlay",
    "perturb_labels",
    "pixel_accuracy",
    "pixel_accuracy_from_confusion",
    "playground_target",
    "plot_class_scores",
    "plot_confusion_matrix",
    "plot_dice_against_iou",
    "plot_history",
    "plot_pr_curves",
    "precision",
    "precision_from_confusion",
    "precision_recall_curve",
    "predict",
    "preprocess",
    "read_checkpoint",
    "read_upload",
    "read_voc",
    "recall",
    "recall_from_confusion",
    "register_image",
    "sample_names",
    "save_label_png",
    "save_tiny_model",
    "seed_transform",
    "segment",
    "segment_cached",
    "show_contours",
    "show_images",
    "show_overlay",
    "show_palette",
    "slic_superpixels",
    "smooth_labels",
    "step_view",
    "superpixel_boundaries",
    "tensor_to_image",
    "to_jpeg",
    "to_png",
    "to_train_ids",
    "trace_transform",
    "train",
    "unnormalize",
    "voc_colormap",
    "weights_status",
    "write_voc",
]
