"""The model registry: one :class:`~segtutor.models.ModelSpec` per model segtutor can load.

torchvision's six segmentation models are read from torchvision itself: their
builders, and from their weights the class names, the evaluation transforms
and the checkpoint's URL. segtutor's own model comes from :mod:`segtutor.models._tiny`.
Everything that loads, runs or shows a model (:func:`segtutor.load_model`,
:func:`segtutor.segment`, the explorers, the command line, the lessons)
reads it from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torchvision

from .._checks import ArrayOrTensor, as_native, check_labels
from .._table import ModelTable
from ._spec import ModelSpec
from ._tiny import TINY_SPEC

__all__ = ["LOADABLE_MODELS", "MODEL_NAMES", "class_names", "get_spec", "list_models"]

MODEL_NAMES: list[str] = sorted(torchvision.models.list_models(module=torchvision.models.segmentation))
"""The segmentation models torchvision provides, read from torchvision itself."""


def _torchvision_spec(name: str) -> ModelSpec:
    weights = torchvision.models.get_model_weights(name).DEFAULT
    return ModelSpec(  # the weights entry gives the checkpoint's URL, the class names and the transforms
        name=name, builder=torchvision.models.get_model_builder(name), weights=weights,
        palette="voc",  # all six are trained on COCO with PASCAL VOC's 21 labels
    )


_SPECS: dict[str, ModelSpec] = {**{name: _torchvision_spec(name) for name in MODEL_NAMES}, TINY_SPEC.name: TINY_SPEC}

LOADABLE_MODELS: list[str] = list(_SPECS)
"""Names :func:`segtutor.load_model` accepts: torchvision's models, then segtutor's own."""


def get_spec(name: str | ModelSpec) -> ModelSpec:
    """Look up a model by name: the one place a model's name becomes its spec.

    Everything public that takes a model name (:func:`segtutor.load_model`,
    :func:`segtutor.models.checkpoint_path`, ...) also takes its spec, turns a name
    into the spec here, once, and passes the spec on.

    Parameters
    ----------
    name : str or ModelSpec
        One of :data:`LOADABLE_MODELS`, or a spec, returned as it is.

    Returns
    -------
    ModelSpec
        Its builder, class names, transforms, palette and checkpoint source.

    Raises
    ------
    ValueError
        If `name` is not a known model; the message lists the valid names.

    Examples
    --------
    >>> spec = get_spec("fcn_resnet101")
    >>> spec.weights.name, spec.has_aux, len(spec.categories), spec.metrics["miou"], spec.palette
    ('COCO_WITH_VOC_LABELS_V1', True, 21, 63.7, 'voc')
    """
    if isinstance(name, ModelSpec):
        return name
    if not isinstance(name, str) or name not in _SPECS:
        raise ValueError(f"`name` must be one of {', '.join(LOADABLE_MODELS)}, got {name!r}")
    return _SPECS[name]


def class_names(model: str | ModelSpec | torch.nn.Module | Sequence[str] = "fcn_resnet101", *, labels: ArrayOrTensor | None = None,
                ignore_index: int | None = None) -> list[str]:
    """Name a model's classes: all of them, or only those present in a class map.

    Parameters
    ----------
    model : str, ModelSpec, torch.nn.Module or sequence of str, optional
        A model name (one of :data:`LOADABLE_MODELS`) or its spec, a model that carries
        its spec (from :func:`segtutor.load_model` or
        :func:`segtutor.load_tiny_model`), or the class names themselves,
        indexed by class id (e.g. a palette's ``names``).
    labels : numpy.ndarray or torch.Tensor, optional
        Integer ``[H, W]`` or ``[N, H, W]`` class map: name only the ids it holds.
    ignore_index : int, optional
        A label to leave out, e.g. 255 for the pixels :func:`segtutor.segment` did not see.

    Returns
    -------
    list of str
        The names, in class-id order; an id in `labels` without a name appears as ``"<id>"``.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `model` is an unknown name or a model without a spec, or `labels`
        is not of rank 2 or 3.

    Examples
    --------
    >>> class_names()[:4]
    ['__background__', 'aeroplane', 'bicycle', 'bird']
    >>> import numpy as np
    >>> class_names("fcn_resnet101", labels=np.array([[0, 8], [8, 255]]))
    ['__background__', 'cat', '<255>']
    >>> class_names(["sky", "sea"], labels=np.array([[1, 255]]), ignore_index=255)
    ['sea']
    """
    names = _names(model)
    if labels is None:
        return names
    check_labels(labels)
    ids = torch.as_tensor(as_native(labels)).unique().tolist()
    return [names[i] if 0 <= i < len(names) else f"<{i}>" for i in ids if i != ignore_index]


def _names(model: str | ModelSpec | torch.nn.Module | Sequence[str]) -> list[str]:
    if isinstance(model, torch.nn.Module):
        spec = ModelSpec.of(model)
        if spec is None:
            raise ValueError(f"`model` must be a model name, a model from segtutor.load_model or a list of class names; "
                             f"a {type(model).__name__} carries no spec, so pass its class names")
        return list(spec.categories)
    if isinstance(model, (str, ModelSpec)):
        return list(get_spec(model).categories)
    return list(model)


def list_models() -> ModelTable:
    """Tabulate torchvision's models with their published figures, as their weights report them.

    Returns
    -------
    ModelTable
        One row per model: weights, mIoU and pixel accuracy (COCO val2017,
        VOC labels), parameters, GFLOPS and download size.

    Examples
    --------
    >>> print(str(list_models()).splitlines()[-1])
    lraspp_mobilenet_v3_large     COCO_WITH_VOC_LABELS_V1  57.9  91.2       3.2         2.086    12.49
    """
    return ModelTable(get_spec(name).row() for name in MODEL_NAMES)
