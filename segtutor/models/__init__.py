"""Models: the registry of specs, weights and checkpoints, building, running, photo to class map.

A model name is turned into its :class:`ModelSpec` once, at the public boundary
(:func:`get_spec`); everything below takes the spec.
"""

from .._table import ModelTable
from ._architectures import FUSIONS, SkipNet, bilinear_kernel, bilinear_upsampler, receptive_field
from ._checkpoints import CheckpointError, load_state_dict, read_checkpoint
from ._inference import logits_to_labels, predict
from ._loading import clear_model_cache, default_device, load_lesson_model, load_model, load_with_fallback
from ._registry import LOADABLE_MODELS, MODEL_NAMES, class_names, get_spec, list_models
from ._segment import MIN_IMAGE_SIDE, crop_box, segment
from ._spec import ModelSpec, ShippedWeights, WeightsEntry
from ._timing import time_models
from ._tiny import TINY_CHECKPOINT, TinySegNet, load_tiny_model, save_tiny_model
from ._weights import WeightsUnavailableError, checkpoint_path, download_weights, offline, weights_status

__all__ = [
    "bilinear_kernel",
    "bilinear_upsampler",
    "checkpoint_path",
    "CheckpointError",
    "class_names",
    "clear_model_cache",
    "crop_box",
    "default_device",
    "download_weights",
    "FUSIONS",
    "get_spec",
    "list_models",
    "load_lesson_model",
    "load_model",
    "load_state_dict",
    "load_tiny_model",
    "load_with_fallback",
    "LOADABLE_MODELS",
    "logits_to_labels",
    "MIN_IMAGE_SIDE",
    "MODEL_NAMES",
    "ModelSpec",
    "ModelTable",
    "offline",
    "predict",
    "read_checkpoint",
    "receptive_field",
    "save_tiny_model",
    "ShippedWeights",
    "segment",
    "SkipNet",
    "time_models",
    "TINY_CHECKPOINT",
    "TinySegNet",
    "WeightsEntry",
    "weights_status",
    "WeightsUnavailableError",
]
