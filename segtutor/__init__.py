"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision."""

from importlib.metadata import version

from . import exercises
from .contours import class_contours, show_contours
from .images import load_image, Sample, sample_names, SAMPLES
from .inference import classes_present, logits_to_labels, predict
from .metrics import confusion_matrix, iou, iou_from_confusion, mean_iou
from .models import clear_model_cache, default_device, load_lesson_model, load_model
from .overlays import add_legend, class_shares, ClassShare, overlay, show_overlay
from .palettes import get_palette, Palette, PALETTES, to_train_ids, voc_colormap
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
    "MIN_IMAGE_SIDE",
    "MODEL_NAMES",
    "ModelSpec",
    "ModelTable",
    "PALETTES",
    "Palette",
    "SAMPLES",
    "Sample",
    "WeightsUnavailableError",
    "add_legend",
    "channel_stats",
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
    "download_weights",
    "encode_segmap",
    "exercises",
    "get_palette",
    "get_spec",
    "grayscale_mask",
    "iou",
    "iou_from_confusion",
    "list_models",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_state_dict",
    "logits_to_labels",
    "mean_color_image",
    "mean_iou",
    "offline",
    "overlay",
    "predict",
    "preprocess",
    "read_checkpoint",
    "sample_names",
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
    "unnormalize",
    "voc_colormap",
    "weights_status",
]
