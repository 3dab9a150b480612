"""The models the explorers offer, their menu labels and their palettes, read from each model's spec."""

from __future__ import annotations

import re

from ..models import LOADABLE_MODELS, MODEL_NAMES, ModelSpec, checkpoint_path, class_names, get_spec

__all__ = ["EXPLORER_MODELS", "display_name", "display_names", "model_label", "model_palette", "weights_html"]

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
    """The model dropdown's short label: the name, and ``(random)`` when its pretrained weights are missing.

    :func:`weights_html`, shown beside the menu, says the rest.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ, {"TORCH_HOME": empty}):
    ...     model_label("fcn_resnet101")  # nothing cached
    'fcn_resnet101 (random)'
    """
    spec = get_spec(name)
    return spec.name if checkpoint_path(spec).is_file() else f"{spec.name} (random)"


def weights_html(name: str | ModelSpec, weights: str) -> str:
    """What the label beside the model menu says of the weights a model ran with: ``"pretrained"`` or ``"random"``.

    Examples
    --------
    >>> weights_html("tiny", "pretrained")
    '✅ tiny: trained here on synthetic shapes'
    >>> weights_html("fcn_resnet50", "random")
    '⚠️ fcn_resnet50: <b>random weights</b> (pretrained ones not cached): its output is noise, not a prediction'
    """
    spec = get_spec(name)
    if weights == "random":
        return f"⚠️ {spec.name}: <b>random weights</b> (pretrained ones not cached): its output is noise, not a prediction"
    return f"✅ {spec.name}: {spec.note or 'pretrained weights'}"


def display_name(name: str) -> str:
    """A class name as the explorers show it: torchvision's ``__background__`` becomes ``background``.

    Examples
    --------
    >>> display_name("__background__"), display_name("cat")
    ('background', 'cat')
    """
    match = re.fullmatch(r"__(.+)__", name)
    return match.group(1) if match else name


def display_names(model: str | ModelSpec) -> list[str]:
    """A model's class names (from its spec), indexed by class id, as :func:`display_name` writes them.

    Examples
    --------
    >>> display_names("fcn_resnet50")[:2]
    ['background', 'aeroplane']
    """
    return [display_name(name) for name in class_names(get_spec(model))]
