"""torchvision's segmentation models: a registry, pretrained weights, and offline fallbacks."""

from __future__ import annotations

import inspect
import os
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import torch
import torchvision
from torchvision.models import WeightsEnum

__all__ = [
    "MODEL_NAMES", "ModelSpec", "WeightsUnavailableError", "checkpoint_path", "class_names",
    "get_spec", "load_lesson_model", "load_model", "offline",
]

DOWNLOAD_TIMEOUT = 10.0
"""Seconds a socket may wait for the weights server before the download gives up."""

MODEL_NAMES: list[str] = sorted(torchvision.models.list_models(module=torchvision.models.segmentation))
"""The segmentation models torchvision provides, read from torchvision itself."""


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights are neither in the cache nor downloadable."""


@dataclass(frozen=True)
class ModelSpec:
    """What segtutor knows about one model; every field comes from torchvision."""

    name: str
    builder: Callable[..., torch.nn.Module]
    weights: WeightsEnum

    @property
    def categories(self) -> list[str]:
        """Class names, from ``weights.meta["categories"]``."""
        return list(self.weights.meta["categories"])

    @property
    def has_aux(self) -> bool:
        """Whether the architecture has an auxiliary head (then its output has ``'aux'``)."""
        return "aux_loss" in inspect.signature(self.builder).parameters


def get_spec(name: str) -> ModelSpec:
    """Look up a model by name.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`.

    Returns
    -------
    ModelSpec
        The builder and default weights of that model.

    Raises
    ------
    ValueError
        If `name` is not a known model; the message lists the valid names.

    Examples
    --------
    >>> spec = get_spec("fcn_resnet101")
    >>> spec.weights.name, spec.has_aux, len(spec.categories)
    ('COCO_WITH_VOC_LABELS_V1', True, 21)
    """
    if name not in MODEL_NAMES:
        raise ValueError(f"`name` must be one of {', '.join(MODEL_NAMES)}, got {name!r}")
    return ModelSpec(
        name=name,
        builder=torchvision.models.get_model_builder(name),
        weights=torchvision.models.get_model_weights(name).DEFAULT,
    )


def class_names(name: str = "fcn_resnet101") -> list[str]:
    """Return the class names of a model's pretrained weights.

    Examples
    --------
    >>> class_names()[:4]
    ['__background__', 'aeroplane', 'bicycle', 'bird']
    """
    return get_spec(name).categories


def checkpoint_path(name: str) -> Path:
    """Return where torchvision caches a model's pretrained weights.

    That is ``$TORCH_HOME/hub/checkpoints/<file name from the weights URL>``.

    Examples
    --------
    >>> checkpoint_path("fcn_resnet101").name
    'fcn_resnet101_coco-7ecb50ca.pth'
    """
    url = get_spec(name).weights.url
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(url).path)


def offline() -> bool:
    """Whether the ``SEGTUTOR_OFFLINE`` environment variable forbids downloads.

    Set it to ``1`` in classrooms without internet: a missing checkpoint then
    fails at once instead of trying the network.
    """
    return os.environ.get("SEGTUTOR_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def load_model(name: str, *, weights: str = "pretrained", progress: bool = True) -> torch.nn.Module:
    """Build a torchvision segmentation model in eval mode.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`, e.g. ``"fcn_resnet101"``.
    weights : {"pretrained", "random"}, optional
        ``"pretrained"`` loads the default weights enum (e.g.
        ``FCN_ResNet101_Weights.DEFAULT``) through torchvision's cache,
        downloading them if needed. ``"random"`` builds the same
        architecture, auxiliary head included, without any download.
    progress : bool, optional
        Show a progress bar while downloading.

    Returns
    -------
    torch.nn.Module
        The model in eval mode; calling it returns an ``OrderedDict`` with
        ``'out'`` (and ``'aux'`` where the model has an auxiliary head).

    Raises
    ------
    ValueError
        If `name` or `weights` is not a valid choice.
    WeightsUnavailableError
        If the pretrained weights are not cached and cannot be downloaded.

    Examples
    --------
    >>> model = load_model("lraspp_mobilenet_v3_large", weights="random")
    >>> model.training
    False
    """
    spec = get_spec(name)
    if weights not in ("pretrained", "random"):
        raise ValueError(f"`weights` must be 'pretrained' or 'random', got {weights!r}")
    if weights == "random":
        extra = {"aux_loss": True} if spec.has_aux else {}
        model = spec.builder(weights=None, weights_backbone=None, num_classes=len(spec.categories), **extra)
    else:
        _fetch_checkpoint(name, progress=progress)
        model = spec.builder(weights=spec.weights, progress=progress)
    return model.eval()


def _fetch_checkpoint(name: str, *, progress: bool) -> Path:
    path = checkpoint_path(name)
    if path.is_file():
        return path
    url = get_spec(name).weights.url
    if offline():
        _raise_unavailable(name, path, "SEGTUTOR_OFFLINE is set, so no download was tried")
    path.parent.mkdir(parents=True, exist_ok=True)
    hash_prefix = path.stem.rsplit("-", 1)[-1]
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT):
            torch.hub.download_url_to_file(url, str(path), hash_prefix, progress=progress)
    except (OSError, RuntimeError) as err:  # URLError, timeouts, a bad hash
        _raise_unavailable(name, path, f"downloading {url} failed: {type(err).__name__}: {err}")
    return path


def _raise_unavailable(name: str, path: Path, reason: str):
    raise WeightsUnavailableError(
        f"Pretrained weights for {name!r} are unavailable: {reason}.\n"
        f"Wanted file: {path.name}\n"
        f"Cache folder: {path.parent}  ($TORCH_HOME/hub/checkpoints)\n"
        "Fixes: run once with internet access so torchvision downloads it; "
        "or copy the file into the cache folder; "
        f"or call load_model({name!r}, weights='random')."
    ) from None


@contextmanager
def _socket_timeout(seconds: float):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def load_lesson_model(name: str) -> torch.nn.Module:
    """Load a model for a lesson: pretrained if possible, else random weights.

    Prints one line that says which weights the lesson is using, and why,
    instead of showing a traceback when the weights are unavailable.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`.

    Returns
    -------
    torch.nn.Module
        The model in eval mode.
    """
    try:
        model = load_model(name, progress=False)
    except WeightsUnavailableError:
        print(
            f"Pretrained weights for {name} are unavailable offline (no {checkpoint_path(name).name} in "
            f"{checkpoint_path(name).parent}). FALLING BACK TO RANDOM WEIGHTS: shapes and steps are real, "
            "the predicted classes are noise."
        )
        return load_model(name, weights="random")
    print(f"Loaded {name} with pretrained weights {get_spec(name).weights}.")
    return model
