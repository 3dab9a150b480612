"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .contours import class_contours, show_contours
from .images import SAMPLES, Sample, load_image, sample_names
from .inference import classes_present, logits_to_labels, predict
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
from .overlays import ClassShare, add_legend, class_shares, overlay, show_overlay
from .palettes import PALETTES, Palette, get_palette, to_train_ids, voc_colormap
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD, describe, preprocess, seed_transform, trace_transform
from .superpixels import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries
from .visualize import decode_segmap, encode_segmap, grayscale_mask, show_images, show_palette

__version__ = version("segtutor")

__all__ = [
    "ClassShare",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MODEL_NAMES",
    "ModelSpec",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "Sample",
    "WeightsUnavailableError",
    "add_legend",
    "checkpoint_path",
    "class_contours",
    "class_names",
    "class_shares",
    "classes_present",
    "decode_segmap",
    "describe",
    "encode_segmap",
    "exercises",
    "get_palette",
    "get_spec",
    "grayscale_mask",
    "load_image",
    "load_lesson_model",
    "load_model",
    "logits_to_labels",
    "mean_color_image",
    "offline",
    "overlay",
    "predict",
    "preprocess",
    "sample_names",
    "seed_transform",
    "show_contours",
    "show_images",
    "show_overlay",
    "show_palette",
    "slic_superpixels",
    "smooth_labels",
    "superpixel_boundaries",
    "to_train_ids",
    "trace_transform",
    "voc_colormap",
]
