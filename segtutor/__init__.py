"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .images import SAMPLES, Sample, load_image, sample_names
from .inference import classes_present, logits_to_labels, predict
from .metrics import confusion_matrix, iou, iou_from_confusion, mean_iou
from .models import clear_model_cache, default_device, load_lesson_model, load_model
from .registry import MODEL_NAMES, ModelSpec, ModelTable, class_names, get_spec, list_models
from .weights import (
    CheckpointError,
    WeightsUnavailableError,
    checkpoint_path,
    download_weights,
    load_state_dict,
    offline,
    read_checkpoint,
    weights_status,
)
from .palettes import PALETTES, Palette, get_palette, voc_colormap
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD, describe, preprocess, seed_transform, trace_transform
from .segment import MIN_IMAGE_SIDE, crop_box, segment
from .visualize import decode_segmap, show_images

__version__ = version("segtutor")

__all__ = [
    "CheckpointError",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MIN_IMAGE_SIDE",
    "MODEL_NAMES",
    "ModelSpec",
    "ModelTable",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "Sample",
    "WeightsUnavailableError",
    "checkpoint_path",
    "class_names",
    "classes_present",
    "clear_model_cache",
    "confusion_matrix",
    "crop_box",
    "decode_segmap",
    "default_device",
    "describe",
    "download_weights",
    "exercises",
    "get_palette",
    "get_spec",
    "iou",
    "iou_from_confusion",
    "list_models",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_state_dict",
    "logits_to_labels",
    "mean_iou",
    "offline",
    "predict",
    "preprocess",
    "read_checkpoint",
    "sample_names",
    "seed_transform",
    "segment",
    "show_images",
    "trace_transform",
    "voc_colormap",
    "weights_status",
]
