"""Reading checkpoint files safely: the one place segtutor unpickles a file.

Every checkpoint segtutor reads, downloaded, cached, copied by hand or given
as a path (the shipped ones included), goes through :func:`read_plain`
(under :func:`read_checkpoint`), which calls
``torch.load(..., weights_only=True)``: a file can hold tensors and plain
data, never code. A bad file raises :class:`CheckpointError` naming the file
and the fix.
"""

from __future__ import annotations

import os
import pickle
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .._checks import StrPath
from ..data._images import file_kind

__all__ = ["Checkpoint", "CheckpointError", "check_weights", "load_state_dict", "read_checkpoint", "read_state_dict"]


class CheckpointError(ValueError):
    """A checkpoint file is corrupt, unsafe to unpickle, or for another model."""


_PATH_FIX = "Save it again as a plain state dict: torch.save(model.state_dict(), path)."
SHIPPED_FIX = "Reinstall segtutor to restore it."
"""The fix for a damaged checkpoint shipped inside the package."""


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint file, read by the safe reader and checked: what a spec's one build path loads.

    Parameters
    ----------
    path : pathlib.Path
        The file it was read from.
    state : dict
        Parameter name to tensor, on the CPU. Loading copies it into a model's
        own parameters, so models never share it.
    arguments : dict, optional
        Architecture arguments the file fixes (e.g. the tiny model's ``widths``
        and ``num_classes``), passed to the spec's builder.
    categories : tuple of str, optional
        Class names the file carries; None: the spec's.
    fix : str, optional
        How to replace the file, added to the error when its tensors do not fit the architecture.
    """

    path: Path
    state: dict = field(repr=False)
    arguments: dict = field(default_factory=dict)
    categories: tuple[str, ...] | None = None
    fix: str = ""


def check_weights(weights: object) -> str | Path:
    """Check a `weights` argument: ``"pretrained"``, ``"random"``, or the path of an existing checkpoint file.

    Returns
    -------
    str or pathlib.Path
        ``"pretrained"``, ``"random"``, or the checkpoint's path.

    Raises
    ------
    TypeError
        If `weights` is neither a string nor a path.
    ValueError
        If `weights` is a string that is neither choice nor a file, and has no file suffix (a misspelt choice),
        is empty, or names a folder, a device, a FIFO or a socket rather than a file.
    FileNotFoundError
        If the checkpoint file does not exist.

    Examples
    --------
    >>> check_weights("random")
    'random'
    >>> check_weights("pretraind")
    Traceback (most recent call last):
    ...
    ValueError: `weights` must be 'pretrained', 'random' or a path, got 'pretraind'
    """
    if not isinstance(weights, (str, os.PathLike)):
        raise TypeError(f"`weights` must be 'pretrained', 'random' or a path, got {type(weights).__name__}")
    if isinstance(weights, str) and weights in ("pretrained", "random"):
        return weights
    if not os.fspath(weights):
        raise ValueError("`weights` is an empty string; pass 'pretrained', 'random' or the path of a checkpoint file")
    path = Path(weights)
    if isinstance(weights, str) and not path.suffix and not path.exists():
        raise ValueError(f"`weights` must be 'pretrained', 'random' or a path, got {weights!r}")
    if path.exists() and not path.is_file():
        raise ValueError(f"`weights` '{path}' is {file_kind(path)}, not a checkpoint file")
    if not path.is_file():
        raise FileNotFoundError(f"`weights` checkpoint not found: {path}")
    return path


def file_signature(path: StrPath) -> tuple[int, int, int]:
    """``(size, mtime_ns, inode)`` of a file: it changes when the file is written or replaced."""
    stat = Path(path).stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def read_state_dict(path: StrPath, *, fix: str | None = None) -> Checkpoint:
    """Read a plain state dict (see :func:`read_checkpoint`) as a :class:`Checkpoint`: the default reader of a spec."""
    return Checkpoint(Path(path), read_checkpoint(path, fix=_PATH_FIX if fix is None else fix))


def read_checkpoint(path: StrPath, *, fix: str = _PATH_FIX) -> dict[str, torch.Tensor]:
    """Read a state dict with ``torch.load(..., weights_only=True)``.

    Parameters
    ----------
    path : str or os.PathLike
        A file saved with ``torch.save(model.state_dict(), path)``.
    fix : str, optional
        How to replace a bad file; the error message ends with it.

    Returns
    -------
    dict
        Parameter name to tensor, on the CPU.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    CheckpointError
        If the file is corrupt, truncated or not a checkpoint, holds code or objects (refused
        unread: unpickling them could run arbitrary code), or holds no state
        dict. The message names the file and ends with `fix`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     torch.save({"w": torch.ones(2)}, f"{folder}/w.pth")
    ...     read_checkpoint(f"{folder}/w.pth")
    {'w': tensor([1., 1.])}
    """
    state = read_plain(path, fix=fix)
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise CheckpointError(f"checkpoint file '{path}' holds a {type(state).__name__}, not a state dict of tensors. {fix}")
    return state


def read_plain(path: StrPath, *, fix: str) -> object:
    """The one place segtutor unpickles a file: ``torch.load(..., weights_only=True)``, errors as CheckpointError."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4": the file is refused or read anyway
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # a damaged file can fail in any way: EOFError, RuntimeError, ...
        needs = re.search(r"(?:Unsupported global: GLOBAL|unsupported GLOBAL) (\S+)", str(err)) \
            if isinstance(err, pickle.UnpicklingError) else None
        if needs:
            raise CheckpointError(
                f"checkpoint file '{path}' is refused: unpickling it fully could run arbitrary code (it holds a "
                f"{needs.group(1)}). A checkpoint must hold only tensors and plain data. {fix}"
            ) from None
        raise CheckpointError(f"checkpoint file '{path}' is corrupt, truncated or not a PyTorch checkpoint "
                              f"({type(err).__name__}). {fix}") from None


def load_state_dict(model: torch.nn.Module, state: dict[str, Any], *, source: str, fix: str = "") -> None:
    """Load `state` into `model`, explaining any mismatch instead of failing obscurely.

    Nothing is loaded unless every key, shape and kind of tensor fits: a dense
    floating tensor for a floating one (float16, 32 or 64 all fit), a dense
    integer one for an integer one; an int8, bool, complex or sparse tensor
    where the model holds floats is refused, so a bad file never leaves the
    model half loaded. BatchNorm's
    ``num_batches_tracked``, absent from old checkpoints, keeps the model's
    value, as ``torch.nn.Module.load_state_dict`` does. The values are
    copied into the model's own tensors: `state` is never aliased.

    Values are checked too: a floating tensor holding inf or NaN, or a
    BatchNorm ``running_var`` below 0 (whose square root is NaN), is refused,
    since the model could only answer NaN.

    Raises
    ------
    CheckpointError
        If keys are missing or unexpected, shapes or kinds of tensor differ
        (for example a checkpoint for another architecture or another number
        of classes), a tensor is nested, or values are not finite or a
        variance is negative.
    """
    nested = [k for k, v in state.items() if isinstance(v, torch.Tensor) and v.is_nested]
    if nested:
        raise CheckpointError(f"{source} holds {len(nested)} nested tensors (e.g. {', '.join(nested[:3])}); a state "
                              "dict holds plain tensors: save model.state_dict() again." + (f" {fix}" if fix else ""))
    expected = model.state_dict()
    state = {**{k: v for k, v in expected.items() if k.endswith("num_batches_tracked")}, **state}
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shared = [(k, state[k], v) for k, v in expected.items() if k in state]
    resized = [f"{k}: checkpoint {tuple(s.shape)} vs model {tuple(v.shape)}" for k, s, v in shared if s.shape != v.shape]
    retyped = [f"{k}: checkpoint {_kind(s)} vs model {_kind(v)}" for k, s, v in shared if _kind(s) != _kind(v)]
    problems = [f"{len(items)} {what} (e.g. {', '.join(items[:3])})"
                for what, items in (("missing keys", missing), ("unexpected keys", unexpected),
                                    ("shape mismatches", resized), ("type mismatches", retyped)) if items]
    if problems:
        raise CheckpointError(
            f"{source} does not fit {type(model).__name__}: " + "; ".join(problems)
            + ". Is it for another architecture or another number of classes?" + (f" {fix}" if fix else "")
        )
    _check_values(state, source=source, fix=fix)
    try:
        model.load_state_dict(state)  # copies (never assign=True): the caller's `state` stays unshared
    except RuntimeError as err:  # e.g. a sparse tensor where the model has a dense one
        raise CheckpointError(f"{source} does not fit {type(model).__name__}: {err}" + (f" {fix}" if fix else "")) from None


def _check_values(state: dict[str, torch.Tensor], *, source: str, fix: str) -> None:
    """Refuse inf or NaN in a floating tensor, and a negative BatchNorm variance (one reduction per tensor)."""
    for key, tensor in state.items():
        if tensor.is_floating_point() and tensor.layout == torch.strided and tensor.numel() \
                and not torch.isfinite(tensor.sum(dtype=torch.float64)):
            bad = int((~torch.isfinite(tensor)).sum())
            if bad:
                raise CheckpointError(f"{source} holds {bad} non-finite values (inf or NaN) in '{key}': a model with "
                                      "them answers NaN; was it saved after training diverged? Use one saved before." + (f" {fix}" if fix else ""))
        if key.endswith("running_var") and tensor.is_floating_point() and tensor.numel() and bool((tensor < 0).any()):
            raise CheckpointError(f"{source} holds negative BatchNorm variances in '{key}' (min {float(tensor.min()):g}): "
                                  "a variance is never below 0, so the file is damaged; use another copy." + (f" {fix}" if fix else ""))


def _kind(tensor: torch.Tensor) -> str:
    """What must match between a checkpoint's tensor and the model's: its layout and its kind of number."""
    kind = ("complex" if tensor.is_complex() else "bool" if tensor.dtype == torch.bool
            else "floating" if tensor.is_floating_point() else "integer")
    return kind if tensor.layout == torch.strided else f"{kind} ({str(tensor.layout).removeprefix('torch.')})"
