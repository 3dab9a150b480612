"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .images import SAMPLES, Sample, load_image, sample_names
from .inference import classes_present, logits_to_labels, predict
from .metrics import confusion_matrix, iou, iou_from_confusion, mean_iou
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
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD, describe, preprocess, seed_transform, trace_transform
from .visualize import decode_segmap, show_images

__version__ = version("segtutor")

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MODEL_NAMES",
    "PALETTES",
    "SAMPLES",
    "ModelSpec",
    "Palette",
    "Sample",
    "WeightsUnavailableError",
    "checkpoint_path",
    "class_names",
    "classes_present",
    "confusion_matrix",
    "decode_segmap",
    "describe",
    "exercises",
    "get_palette",
    "get_spec",
    "iou",
    "iou_from_confusion",
    "load_image",
    "load_lesson_model",
    "load_model",
    "logits_to_labels",
    "mean_iou",
    "offline",
    "predict",
    "preprocess",
    "sample_names",
    "seed_transform",
    "show_images",
    "trace_transform",
    "voc_colormap",
]
