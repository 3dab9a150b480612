"""Weights files: torchvision's cache, downloads that fail fast, and checkpoints read safely."""

from __future__ import annotations

import os
import pickle
import re
import socket
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import torch

from .registry import MODEL_NAMES, ModelTable, get_spec

__all__ = [
    "CheckpointError", "WeightsUnavailableError", "checkpoint_path", "download_weights", "load_state_dict",
    "offline", "read_checkpoint", "weights_status",
]

DOWNLOAD_TIMEOUT = 10.0
"""Seconds a socket may wait for the weights server before the download gives up."""


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights are neither in the cache nor downloadable."""


class CheckpointError(ValueError):
    """A checkpoint file is corrupt, unsafe to unpickle, or for another model."""


def offline() -> bool:
    """Whether the ``SEGTUTOR_OFFLINE`` environment variable forbids downloads.

    Set it to ``1`` in classrooms without internet: a missing checkpoint then
    fails at once instead of trying the network.
    """
    return os.environ.get("SEGTUTOR_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


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


def download_weights(name: str, *, progress: bool = True) -> Path:
    """Make sure a model's pretrained weights are in torchvision's cache.

    Downloads them if needed, with a progress bar, and checks the SHA-256
    prefix that torchvision publishes in the file name.

    Parameters
    ----------
    name : str
        One of :data:`segtutor.MODEL_NAMES`.
    progress : bool, optional
        Show a progress bar while downloading.

    Returns
    -------
    pathlib.Path
        The cached file.

    Raises
    ------
    WeightsUnavailableError
        If the file is not cached and the download fails (no network, a
        timeout, a wrong hash) or ``SEGTUTOR_OFFLINE`` is set.
    """
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


def weights_status() -> ModelTable:
    """Tabulate which pretrained weights are cached, with their sizes.

    Examples
    --------
    >>> [row["model"] for row in weights_status()][:2]
    ['deeplabv3_mobilenet_v3_large', 'deeplabv3_resnet101']
    """
    rows = []
    for name in MODEL_NAMES:
        path = checkpoint_path(name)
        cached = path.is_file()
        size = path.stat().st_size / 1e6 if cached else get_spec(name).weights.meta["_file_size"]
        rows.append({"model": name, "file": path.name, "status": "cached" if cached else "missing",
                     "size (MB)": f"{size:.1f}" if cached else f"{size:.1f} to download"})
    return ModelTable(rows)


def read_checkpoint(path) -> dict:
    """Read a state dict with ``torch.load(..., weights_only=True)``.

    Parameters
    ----------
    path : str or os.PathLike
        A file saved with ``torch.save(model.state_dict(), path)``.

    Returns
    -------
    dict
        Parameter name to tensor, on the CPU.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    CheckpointError
        If the file is corrupt or truncated (the message says to delete it and
        download it again), needs full unpickling (refused: that can run
        arbitrary code), or holds no state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        needs = re.search(r"Unsupported global: GLOBAL (\S+)", str(err))
        if needs:
            raise CheckpointError(
                f"checkpoint file '{path}' needs full unpickling (it holds a {needs.group(1)}), which can run "
                "arbitrary code, so it is refused. Save a plain state dict instead: torch.save(model.state_dict(), path)"
            ) from None
        raise _corrupt(path, err) from None
    except (RuntimeError, EOFError, ValueError, OSError) as err:
        raise _corrupt(path, err) from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"checkpoint file '{path}' holds a {type(state).__name__}, not a state dict of tensors")
    return state


def _corrupt(path: Path, err: Exception) -> CheckpointError:
    return CheckpointError(
        f"checkpoint file '{path}' is corrupt or truncated ({type(err).__name__}). "
        "Delete it and download it again (python -m segtutor weights download NAME)."
    )


def load_state_dict(model: torch.nn.Module, state: dict, *, source: str) -> None:
    """Load `state` into `model`, explaining any mismatch instead of failing obscurely.

    Raises
    ------
    CheckpointError
        If keys are missing or unexpected, or shapes differ (for example a
        checkpoint for another architecture or another number of classes).
    """
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    resized = [f"{k}: checkpoint {tuple(state[k].shape)} vs model {tuple(v.shape)}"
               for k, v in expected.items() if k in state and state[k].shape != v.shape]
    problems = [f"{len(items)} {what} (e.g. {', '.join(items[:3])})"
                for what, items in (("missing keys", missing), ("unexpected keys", unexpected),
                                    ("shape mismatches", resized)) if items]
    if problems:
        raise CheckpointError(
            f"{source} does not fit {type(model).__name__}: " + "; ".join(problems)
            + ". Is it for another architecture or another number of classes?"
        )
    model.load_state_dict(state)
