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
from .scenes import MIN_SCENE_SIZE, SCENE_CLASSES, SceneDataset, images_to_batch, make_scenes
from .tiny import TINY_CHECKPOINT, TinySegNet, load_tiny_model, save_tiny_model
from .training import History, evaluate, plot_history, train
from .visualize import decode_segmap, show_images
from .voc import add_void_border, read_voc, write_voc

__version__ = version("segtutor")

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MIN_SCENE_SIZE",
    "MODEL_NAMES",
    "PALETTES",
    "SAMPLES",
    "SCENE_CLASSES",
    "TINY_CHECKPOINT",
    "History",
    "ModelSpec",
    "Palette",
    "Sample",
    "SceneDataset",
    "TinySegNet",
    "WeightsUnavailableError",
    "add_void_border",
    "checkpoint_path",
    "class_names",
    "classes_present",
    "confusion_matrix",
    "decode_segmap",
    "describe",
    "evaluate",
    "exercises",
    "get_palette",
    "get_spec",
    "images_to_batch",
    "iou",
    "iou_from_confusion",
    "load_image",
    "load_lesson_model",
    "load_model",
    "load_tiny_model",
    "logits_to_labels",
    "make_scenes",
    "mean_iou",
    "offline",
    "plot_history",
    "predict",
    "preprocess",
    "read_voc",
    "sample_names",
    "save_tiny_model",
    "seed_transform",
    "show_images",
    "trace_transform",
    "train",
    "voc_colormap",
    "write_voc",
]
