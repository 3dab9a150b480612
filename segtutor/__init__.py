"""segtutor: a Jupyter-first course on semantic segmentation with PyTorch and torchvision.

The top level holds what the lessons and a user call most. Everything else is
reached through its package, one package per job:

- :mod:`segtutor.data`: photos, preprocessing, synthetic scenes, palettes, VOC files, augmentation;
- :mod:`segtutor.models`: the model registry, weights, checkpoints, building and running models;
- :mod:`segtutor.metrics`: confusion matrices, scores, evaluation, precision-recall, boundaries;
- :mod:`segtutor.display`: colours, overlays, legends, contours, superpixels, metric plots;
- :mod:`segtutor.training`: the training loop, losses, transfer learning;
- :mod:`segtutor.widgets`: the interactive explorers;
- :mod:`segtutor.exercises`: the lessons' exercise checkers.
"""

from importlib.metadata import version

from . import data, display, exercises, metrics, models, training, widgets
from .data import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    SCENE_CLASSES,
    SceneDataset,
    describe,
    get_palette,
    images_to_batch,
    load_image,
    make_scenes,
    preprocess,
    read_voc,
    sample_names,
    seed_transform,
    tensor_to_image,
    trace_transform,
    unnormalize,
    write_voc,
)
from .display import (
    add_legend,
    decode_segmap,
    overlay,
    plot_class_scores,
    plot_confusion_matrix,
    show_images,
    show_overlay,
)
from .metrics import (
    ConfusionMatrix,
    Scores,
    confusion_matrix,
    dice,
    evaluate,
    evaluate_dataset,
    iou,
    macro_mean,
    mean_iou,
    pixel_accuracy,
    precision,
    recall,
)
from .models import (
    CheckpointError,
    TinySegNet,
    WeightsUnavailableError,
    class_names,
    get_spec,
    list_models,
    load_lesson_model,
    load_model,
    load_tiny_model,
    logits_to_labels,
    predict,
    segment,
)
from .training import train, training_step
from .widgets import agreement_map, perturb_labels

__version__ = version("segtutor")

__all__ = [
    "CheckpointError", "ConfusionMatrix", "IMAGENET_MEAN", "IMAGENET_STD", "SCENE_CLASSES", "SceneDataset", "Scores",
    "TinySegNet", "WeightsUnavailableError", "add_legend", "agreement_map", "class_names", "confusion_matrix", "data",
    "decode_segmap", "describe", "dice", "display", "evaluate", "evaluate_dataset", "exercises", "get_palette", "get_spec",
    "images_to_batch", "iou", "list_models", "load_image", "load_lesson_model", "load_model", "load_tiny_model",
    "logits_to_labels", "macro_mean", "make_scenes", "mean_iou", "metrics", "models", "overlay", "perturb_labels",
    "pixel_accuracy", "plot_class_scores", "plot_confusion_matrix", "precision", "predict", "preprocess", "read_voc",
    "recall", "sample_names", "seed_transform", "segment", "show_images", "show_overlay", "tensor_to_image",
    "trace_transform", "train", "training", "training_step", "unnormalize", "widgets", "write_voc",
]
