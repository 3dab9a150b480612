"""Building models: pretrained, random or from a local checkpoint; a new model on every call.

What the process caches is checkpoints, read and verified (see :func:`load_model`), never a model:
every call builds its own model, so changing one changes no other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import torch

from .._checks import StrPath
from ._checkpoints import Checkpoint, CheckpointError, check_weights, file_signature
from ._registry import get_spec
from ._spec import ModelSpec
from ._weights import WeightsUnavailableError, cache_fix, checkpoint_path, download_weights

__all__ = ["clear_model_cache", "default_device", "load_lesson_model", "load_model", "load_with_fallback"]

_CHECKPOINTS: dict[tuple, tuple[tuple, Checkpoint]] = {}
"""(spec, file) -> (the file's signature, its checkpoint), kept once the checkpoint has loaded into the architecture."""


def default_device() -> torch.device:
    """CUDA when available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def clear_model_cache() -> None:
    """Forget every checkpoint :func:`load_model` has kept (it never keeps a model)."""
    _CHECKPOINTS.clear()


def load_model(name: str | ModelSpec, *, weights: Literal["pretrained", "random"] | StrPath = "pretrained",
               device: str | torch.device | None = None, half: bool = False, progress: bool = True,
               cache: bool = True) -> torch.nn.Module:
    """Build a new segmentation model in eval mode, as its :func:`segtutor.get_spec` entry describes it.

    Every call returns a new model of its own: train it, change it, move it,
    and no other model changes, including those :func:`segtutor.segment`, the
    explorers and the lessons load by name.

    Parameters
    ----------
    name : str or ModelSpec
        One of :data:`segtutor.models.LOADABLE_MODELS`: torchvision's models, e.g.
        ``"fcn_resnet101"``, and segtutor's own, whose checkpoint ships with
        the package (its ``"pretrained"`` weights need no download); or its spec.
    weights : {"pretrained", "random"} or path, optional
        ``"pretrained"`` loads the checkpoint of the spec's weights entry: for
        torchvision's models the default weights enum (e.g.
        ``FCN_ResNet101_Weights.DEFAULT``) through torchvision's cache,
        downloading them if needed; a cached file must match the SHA-256
        prefix in its name. ``"random"`` builds the same architecture,
        auxiliary head included, without any download; ``torch.manual_seed``
        decides its weights. A path loads a local checkpoint. Every file is
        read with ``torch.load(..., weights_only=True)``, by the spec's reader.
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
        Keep the checkpoint, once read and loaded, for the next call with the
        same file (until the file changes): then a call only builds the
        architecture and copies the weights in. Random weights are never kept.

    Returns
    -------
    torch.nn.Module
        A new model in eval mode; calling it returns an ``OrderedDict`` with
        ``'out'`` (and ``'aux'`` where the model has an auxiliary head). It
        carries its spec (``ModelSpec.of(model)``), so :func:`segtutor.segment`
        and :func:`segtutor.class_names` know its preprocessing and classes.

    Raises
    ------
    TypeError
        If `weights` is neither a string nor a path.
    ValueError
        If `name` or `weights` is not a valid choice, `device` is ``"meta"``,
        is CUDA where no CUDA device is available (or names one that does not
        exist), or `half` is asked for off CUDA.
    FileNotFoundError
        If a checkpoint file given as `weights` does not exist.
    WeightsUnavailableError
        If the pretrained weights are not cached and cannot be downloaded.
    CheckpointError
        If a checkpoint is corrupt, fails its hash check, holds code (never
        run: it is refused unread), or is for another model.

    Examples
    --------
    >>> model = load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu")
    >>> model.training, load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu") is model
    (False, False)
    """
    spec = get_spec(name)
    source = check_weights(weights)
    device = _check_device(device) if device is not None else default_device()
    if half and device.type != "cuda":
        raise ValueError(f"`half` precision needs a CUDA device, got device={str(device)!r}")
    model = spec.build() if source == "random" else _load(spec, source, progress=progress, cache=cache)
    # On the CPU, channels-last convolutions ran 1.1-1.8x faster in benchmarks/bench_models.py, with logits
    # equal up to float rounding (max abs diff <= 1e-4 on random weights) and no argmax change.
    model = model.to(device)
    if device.type == "cpu":
        model = model.to(memory_format=torch.channels_last)
    return (model.half() if half else model).eval()


def _check_device(device: str | torch.device) -> torch.device:
    """`device` as a torch.device a model can run on: refused up front if it is meta, or CUDA without one."""
    try:
        checked = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"`device` must be 'cpu', 'cuda' or 'cuda:N', got {device!r}") from None
    if checked.type == "meta":
        raise ValueError("`device` 'meta' holds no data, so a model there cannot run; use device='cpu' or 'cuda'")
    if checked.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"`device` {str(checked)!r} asks for CUDA, but no CUDA device is available; "
                         "use device='cpu'")
    if checked.type == "cuda" and checked.index is not None and checked.index >= torch.cuda.device_count():
        raise ValueError(f"`device` {str(checked)!r} names CUDA device {checked.index}, but only "
                         f"{torch.cuda.device_count()} is available (cuda:0 to cuda:{torch.cuda.device_count() - 1})")
    return checked


def _load(spec: ModelSpec, source: str | Path, *, progress: bool, cache: bool) -> torch.nn.Module:
    """A new model with the pretrained weights (``source="pretrained"``) or a checkpoint file's, read once per file."""
    if source == "pretrained":
        # Never spec.builder(weights=...): torchvision would unpickle the cached file fully (weights_only=False).
        path, fix = download_weights(spec, progress=progress), cache_fix(spec)  # checks a cached file's hash first
    else:
        path, fix = Path(source), None
    key, signature = (spec, str(path.resolve())), file_signature(path)
    kept = _CHECKPOINTS.get(key) if cache else None
    checkpoint = kept[1] if kept is not None and kept[0] == signature else spec.reader(path, fix=fix)
    try:
        model = spec.build(checkpoint)  # copies the checkpoint's tensors into the model's own
    except RuntimeError as err:  # whatever load_state_dict's checks did not foresee: still the file's fault
        raise CheckpointError(f"checkpoint file '{path}' cannot be loaded into {spec.name}: "
                              f"{' '.join(str(err).split())}" + (f" {checkpoint.fix}" if checkpoint.fix else "")) from err
    if cache:
        _CHECKPOINTS[key] = (signature, checkpoint)  # replaces the entry of an older version of the file
    return model


def load_with_fallback(name: str | ModelSpec) -> tuple[torch.nn.Module, str, str]:
    """Load a model with its pretrained weights if possible, else with random weights.

    Parameters
    ----------
    name : str or ModelSpec
        One of :data:`segtutor.models.LOADABLE_MODELS`, or its spec.

    Returns
    -------
    model : torch.nn.Module
        A new model in eval mode (see :func:`load_model`).
    weights : str
        ``"pretrained"``, or ``"random"`` after a fallback.
    note : str
        One line saying which weights the model got and, after a fallback, why.

    Raises
    ------
    CheckpointError
        If a checkpoint is there but bad: that is never hidden by a fallback.
    """
    spec = get_spec(name)
    try:
        model = load_model(spec, progress=False)
    except WeightsUnavailableError:
        path = checkpoint_path(spec)
        note = (f"Pretrained weights for {spec.name} are unavailable offline (no {path.name} in {path.parent}). "
                "FALLING BACK TO RANDOM WEIGHTS: shapes and steps are real, the predicted classes are noise.")
        return load_model(spec, weights="random"), "random", note
    return model, "pretrained", f"Loaded {spec.name} with pretrained weights {spec.pretrained}."


def load_lesson_model(name: str | ModelSpec) -> torch.nn.Module:
    """Load a model for a lesson with :func:`load_with_fallback`, print its one-line note, return the model.

    The line says which weights the lesson is using, and why, instead of
    showing a traceback when the weights are unavailable.
    """
    model, _, note = load_with_fallback(name)
    print(note)
    return model
