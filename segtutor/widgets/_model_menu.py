"""The models the explorers offer, their menu labels and their palettes, read from each model's spec."""

from __future__ import annotations

from ..models import LOADABLE_MODELS, MODEL_NAMES, ModelSpec, checkpoint_path, get_spec

__all__ = ["EXPLORER_MODELS", "model_label", "model_palette"]

EXPLORER_MODELS = sorted(LOADABLE_MODELS, key=lambda name: name in MODEL_NAMES)
"""Models the explorers offer: segtutor's own first (they work offline), then torchvision's."""


def model_palette(name: str | ModelSpec) -> str:
    """The name of the palette of a model's classes, from its spec (a name, or the spec itself).

    Examples
    --------
    >>> model_palette("tiny"), model_palette("fcn_resnet50")
    ('scenes', 'voc')
    """
    return get_spec(name).palette


def model_label(name: str | ModelSpec) -> str:
    """The model dropdown's label: the name, and a warning when pretrained weights are missing.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ, {"TORCH_HOME": empty}):
    ...     model_label("fcn_resnet101")  # nothing cached
    'fcn_resnet101 (random weights: pretrained not cached)'
    """
    spec = get_spec(name)
    if not checkpoint_path(spec).is_file():
        return f"{spec.name} (random weights: pretrained not cached)"
    return f"{spec.name} ({spec.note})" if spec.note else spec.name
