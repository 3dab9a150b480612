"""Building models: pretrained, random or from a local checkpoint, cached in the process."""

from __future__ import annotations

from pathlib import Path

import torch

from ._checkpoints import load_state_dict, read_checkpoint
from ._registry import get_spec
from ._spec import ModelSpec
from ._weights import WeightsUnavailableError, cache_fix, checkpoint_path, download_weights

__all__ = ["clear_model_cache", "default_device", "load_lesson_model", "load_model", "load_with_fallback"]

_CACHE: dict[tuple, torch.nn.Module] = {}


def default_device() -> torch.device:
    """CUDA when available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def clear_model_cache() -> None:
    """Forget every model :func:`load_model` has cached."""
    _CACHE.clear()


def load_model(name: str, *, weights="pretrained", device=None, half: bool = False,
               progress: bool = True, cache: bool = True) -> torch.nn.Module:
    """Build a segmentation model in eval mode, as its :func:`segtutor.get_spec` entry describes it.

    Parameters
    ----------
    name : str
        One of :data:`segtutor.models.LOADABLE_MODELS`: torchvision's models, e.g.
        ``"fcn_resnet101"``, and segtutor's own, whose checkpoint ships with
        the package (its ``"pretrained"`` weights need no download).
    weights : {"pretrained", "random"} or path, optional
        ``"pretrained"`` loads the spec's checkpoint: for torchvision's models
        the default weights enum (e.g. ``FCN_ResNet101_Weights.DEFAULT``)
        through torchvision's cache, downloading them if needed; a cached
        file must match the SHA-256 prefix in its name. ``"random"`` builds
        the same architecture, auxiliary head included, without any
        download. A path loads a local checkpoint. Every file is read with
        ``torch.load(..., weights_only=True)``.
    device : str or torch.device, optional
        Where to put the model; default CUDA when available, else the CPU.
    half : bool, optional
        Convert the model to float16 (CUDA only). float16 can overflow (with
        random weights, fcn_resnet101's logits do): :func:`segtutor.predict`
        then raises ``FloatingPointError``, and float32 is the fix. On the CPU
        the model is stored channels-last, which :func:`segtutor.predict` matches.
    progress : bool, optional
        Show a progress bar while downloading.
    cache : bool, optional
        Reuse the model built by an earlier call with the same arguments (the
        same object is returned, so switching back and forth costs nothing).

    Returns
    -------
    torch.nn.Module
        The model in eval mode; calling it returns an ``OrderedDict`` with
        ``'out'`` (and ``'aux'`` where the model has an auxiliary head). It
        carries its spec (``ModelSpec.of(model)``), so :func:`segtutor.segment`
        and :func:`segtutor.class_names` know its preprocessing and classes.

    Raises
    ------
    ValueError
        If `name` or `weights` is not a valid choice, or `half` is asked for
        off CUDA.
    WeightsUnavailableError
        If the pretrained weights are not cached and cannot be downloaded.
    CheckpointError
        If a checkpoint is corrupt, fails its hash check, holds code (never
        run: it is refused unread), or is for another model.

    Examples
    --------
    >>> model = load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu")
    >>> model.training, load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu") is model
    (False, True)
    """
    spec = get_spec(name)
    device = torch.device(device) if device is not None else default_device()
    if half and device.type != "cuda":
        raise ValueError(f"`half` precision needs a CUDA device, got device={str(device)!r}")
    key = (name, _weights_key(weights), str(device), half)
    if cache and key in _CACHE:
        return _CACHE[key]
    if spec.loader is not None:  # a checkpoint in the model's own format
        model = spec.loader(weights=weights if isinstance(weights, str) else str(weights))
    else:
        model = _build(spec, weights, progress=progress)
    # On the CPU, channels-last convolutions ran 1.1-1.8x faster in benchmarks/bench_models.py, with logits
    # equal up to float rounding (max abs diff <= 1e-4 on random weights) and no argmax change.
    memory_format = torch.channels_last if device.type == "cpu" else torch.preserve_format
    model = model.to(device, memory_format=memory_format)
    model = (model.half() if half else model).eval()
    if ModelSpec.of(model) is None:  # a loader may attach a spec of its own, e.g. with the checkpoint's class names
        spec.attach(model)
    if cache:
        _CACHE[key] = model
    return model


def _weights_key(weights):
    if weights in ("pretrained", "random"):
        return weights
    if isinstance(weights, (str, Path)):
        path = Path(weights).resolve()
        return (str(path), path.stat().st_mtime_ns if path.exists() else None)
    raise TypeError(f"`weights` must be 'pretrained', 'random' or a path, got {type(weights).__name__}")


def _random(spec: ModelSpec) -> torch.nn.Module:
    """The architecture of the pretrained weights (auxiliary head included), randomly initialised, no download."""
    extra = {"aux_loss": True} if spec.has_aux else {}
    return spec.builder(weights=None, weights_backbone=None, num_classes=len(spec.categories), **extra)


def _build(spec: ModelSpec, weights, *, progress: bool) -> torch.nn.Module:
    if weights == "random":
        return _random(spec)
    if weights == "pretrained":
        # Never spec.builder(weights=...): torchvision would unpickle the cached file fully (weights_only=False).
        path = download_weights(spec.name, progress=progress)  # checks a cached file's hash prefix first
        state = read_checkpoint(path, fix=cache_fix(spec.name))
        source = f"cached checkpoint file '{path}'"
    elif isinstance(weights, str) and not Path(weights).suffix and not Path(weights).exists():
        raise ValueError(f"`weights` must be 'pretrained', 'random' or a path, got {weights!r}")
    else:
        state, source = read_checkpoint(weights), f"checkpoint file '{weights}'"
    model = _random(spec)
    load_state_dict(model, state, source=source)
    return model


def load_with_fallback(name: str) -> tuple[torch.nn.Module, str, str]:
    """Load a model with its pretrained weights if possible, else with random weights.

    Parameters
    ----------
    name : str
        One of :data:`segtutor.models.LOADABLE_MODELS`.

    Returns
    -------
    model : torch.nn.Module
        The cached model in eval mode.
    weights : str
        ``"pretrained"``, or ``"random"`` after a fallback.
    note : str
        One line saying which weights the model got and, after a fallback, why.

    Raises
    ------
    CheckpointError
        If a checkpoint is there but bad: that is never hidden by a fallback.
    """
    try:
        model = load_model(name, progress=False)
    except WeightsUnavailableError:
        path = checkpoint_path(name)
        note = (f"Pretrained weights for {name} are unavailable offline (no {path.name} in {path.parent}). "
                "FALLING BACK TO RANDOM WEIGHTS: shapes and steps are real, the predicted classes are noise.")
        return load_model(name, weights="random"), "random", note
    return model, "pretrained", f"Loaded {name} with pretrained weights {get_spec(name).pretrained}."


def load_lesson_model(name: str) -> torch.nn.Module:
    """Load a model for a lesson with :func:`load_with_fallback`, print its one-line note, return the model.

    The line says which weights the lesson is using, and why, instead of
    showing a traceback when the weights are unavailable.
    """
    model, _, note = load_with_fallback(name)
    print(note)
    return model
