"""Weights files: torchvision's cache, downloads that fail fast, and checkpoints read safely.

Every checkpoint segtutor reads, downloaded, cached, copied by hand or given
as a path (the tiny model's included), goes through one reader,
:func:`read_plain` (under :func:`read_checkpoint`), which calls
``torch.load(..., weights_only=True)``: a file can hold tensors and plain
data, never code. A file in torchvision's
cache is also checked, once per process, against the SHA-256 prefix in its
name (torchvision's ``<name>-<hash prefix>.pth`` convention).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import socket
import warnings
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
    CheckpointError
        If a cached file fails its hash check (see :func:`verify_cached`).
    """
    path = checkpoint_path(name)
    if path.is_file():
        return verify_cached(name)
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
    _VERIFIED[str(path.resolve())] = _signature(path)  # torch.hub checked the hash prefix while downloading
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


_VERIFIED: dict[str, tuple] = {}  # files whose hash matched in this process: path -> (size, mtime_ns, inode)


def _signature(path: Path) -> tuple:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def _expected_prefix(path: Path) -> str:
    """The SHA-256 prefix in a cached file's name: torchvision's ``<name>-<hash prefix>.pth`` convention."""
    found = torch.hub.HASH_REGEX.search(path.name)
    return found.group(1) if found else ""


def _hash_problem(path: Path) -> str | None:
    """Why `path` fails the check of the SHA-256 prefix in its name, or None when it passes (once per process)."""
    key, signature = str(path.resolve()), _signature(path)
    if _VERIFIED.get(key) == signature:
        return None
    expected = _expected_prefix(path)
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    actual = digest.hexdigest()
    if not actual.startswith(expected):
        return f"its SHA-256 begins {actual[:len(expected)]}, but its name says {expected}"
    _VERIFIED[key] = signature
    return None


def verify_cached(name: str) -> Path:
    """Check a model's cached file against the SHA-256 prefix in its name; hash it once per process.

    Returns the cached file. Raises FileNotFoundError if it is not cached, and
    CheckpointError if its hash does not match (corrupt, truncated or not the
    official file); the message names the file and the fix.
    """
    path = checkpoint_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"no cached checkpoint file '{path}'")
    problem = _hash_problem(path)
    if problem:
        raise CheckpointError(f"cached checkpoint file '{path}' fails its hash check ({problem}): it is corrupt, "
                              f"truncated or not the official file. {cache_fix(name)}")
    return path


def cache_fix(name: str) -> str:
    """The fix for a bad file in the cache."""
    return f"Delete it and download it again (python -m segtutor weights download {name})."


def weights_status() -> ModelTable:
    """Tabulate which pretrained weights are cached, with their sizes.

    A cached file is ``"cached"`` when it passes the check of the SHA-256
    prefix in its name, else ``"failing"``: delete it and download it again.

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
        status = ("failing" if _hash_problem(path) else "cached") if cached else "missing"
        rows.append({"model": name, "file": path.name, "status": status,
                     "size (MB)": f"{size:.1f}" if cached else f"{size:.1f} to download"})
    return ModelTable(rows)


_PATH_FIX = "Save it again as a plain state dict: torch.save(model.state_dict(), path)."


def read_checkpoint(path, *, fix: str = _PATH_FIX) -> dict:
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


def read_plain(path, *, fix: str) -> object:
    """The one place segtutor unpickles a file: ``torch.load(..., weights_only=True)``, errors as CheckpointError."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4": the file is refused or read anyway
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001  (a damaged file can fail in any way: EOFError, RuntimeError, ...)
        needs = re.search(r"Unsupported global: GLOBAL (\S+)", str(err)) if isinstance(err, pickle.UnpicklingError) else None
        if needs:
            raise CheckpointError(
                f"checkpoint file '{path}' is refused: unpickling it fully could run arbitrary code (it holds a "
                f"{needs.group(1)}). A checkpoint must hold only tensors and plain data. {fix}"
            ) from None
        raise CheckpointError(f"checkpoint file '{path}' is corrupt, truncated or not a PyTorch checkpoint "
                              f"({type(err).__name__}). {fix}") from None


def load_state_dict(model: torch.nn.Module, state: dict, *, source: str) -> None:
    """Load `state` into `model`, explaining any mismatch instead of failing obscurely.

    Nothing is loaded unless every key and shape fits. BatchNorm's
    ``num_batches_tracked``, absent from old checkpoints, keeps the model's
    value, as ``torch.nn.Module.load_state_dict`` does.

    Raises
    ------
    CheckpointError
        If keys are missing or unexpected, or shapes differ (for example a
        checkpoint for another architecture or another number of classes).
    """
    expected = model.state_dict()
    state = {**{k: v for k, v in expected.items() if k.endswith("num_batches_tracked")}, **state}
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
    try:
        model.load_state_dict(state)
    except RuntimeError as err:  # e.g. a sparse tensor where the model has a dense one
        raise CheckpointError(f"{source} does not fit {type(model).__name__}: {err}") from None
