"""Pretrained weights: torchvision's cache, downloads that fail fast, and hash checks.

A file in torchvision's cache is checked, once per process, against the
SHA-256 prefix in its name (torchvision's ``<name>-<hash prefix>.pth``
convention), then read by :mod:`segtutor.models._checkpoints`' safe reader
(``torch.load(..., weights_only=True)``), as every checkpoint is.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlparse

import torch

from .._table import ModelTable
from ._checkpoints import SHIPPED_FIX, CheckpointError, file_signature
from ._registry import MODEL_NAMES, get_spec
from ._spec import ModelSpec

__all__ = ["WeightsUnavailableError", "checkpoint_path", "download_weights", "offline", "weights_status"]

DOWNLOAD_TIMEOUT = 10.0
"""Seconds a socket may wait for the weights server before the download gives up."""


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights are neither in the cache nor downloadable."""


def offline() -> bool:
    """Whether the ``SEGTUTOR_OFFLINE`` environment variable forbids downloads.

    Set it to ``1`` in classrooms without internet: a missing checkpoint then
    fails at once instead of trying the network.
    """
    return os.environ.get("SEGTUTOR_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def checkpoint_path(name: str | ModelSpec) -> Path:
    """Return where a model's pretrained weights are, or will be once downloaded.

    For torchvision's models that is torchvision's cache,
    ``$TORCH_HOME/hub/checkpoints/<file name from the weights URL>``; for a
    model whose checkpoint ships with segtutor, the shipped file.

    Parameters
    ----------
    name : str or ModelSpec
        One of :data:`segtutor.LOADABLE_MODELS`, or its spec.

    Examples
    --------
    >>> checkpoint_path("fcn_resnet101").name
    'fcn_resnet101_coco-7ecb50ca.pth'
    """
    source = get_spec(name).checkpoint
    if isinstance(source, Path):
        return source
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(urlparse(source).path)


def download_weights(name: str | ModelSpec, *, progress: bool = True) -> Path:
    """Make sure a model's pretrained weights are in torchvision's cache.

    Downloads them if needed, with a progress bar, and checks the SHA-256
    prefix that torchvision publishes in the file name. For a model whose
    weights ship with segtutor, returns the shipped file.

    Parameters
    ----------
    name : str or ModelSpec
        One of :data:`segtutor.models.LOADABLE_MODELS`, or its spec.
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
    FileNotFoundError
        If a file that ships with segtutor is missing.
    """
    spec = get_spec(name)
    path = checkpoint_path(spec)
    if path.is_file():
        return verify_cached(spec)
    url = spec.checkpoint
    if isinstance(url, Path):
        raise FileNotFoundError(f"checkpoint file '{path}', shipped with segtutor, is missing. {SHIPPED_FIX}")
    if offline():
        _raise_unavailable(spec.name, path, "SEGTUTOR_OFFLINE is set, so no download was tried")
    path.parent.mkdir(parents=True, exist_ok=True)
    hash_prefix = path.stem.rsplit("-", 1)[-1]
    try:
        with _socket_timeout(DOWNLOAD_TIMEOUT):
            torch.hub.download_url_to_file(url, str(path), hash_prefix, progress=progress)
    except (OSError, RuntimeError) as err:  # URLError, timeouts, a bad hash
        _raise_unavailable(spec.name, path, f"downloading {url} failed: {type(err).__name__}: {err}")
    _VERIFIED[str(path.resolve())] = file_signature(path)  # torch.hub checked the hash prefix while downloading
    return path


def _raise_unavailable(name: str, path: Path, reason: str) -> NoReturn:
    raise WeightsUnavailableError(
        f"Pretrained weights for {name!r} are unavailable: {reason}.\n"
        f"Wanted file: {path.name}\n"
        f"Cache folder: {path.parent}  ($TORCH_HOME/hub/checkpoints)\n"
        "Fixes: run once with internet access so torchvision downloads it; "
        "or copy the file into the cache folder; "
        f"or call load_model({name!r}, weights='random')."
    ) from None


@contextmanager
def _socket_timeout(seconds: float) -> Iterator[None]:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


_VERIFIED: dict[str, tuple] = {}  # files whose hash matched in this process: path -> (size, mtime_ns, inode)


def _expected_prefix(path: Path) -> str:
    """The SHA-256 prefix in a cached file's name: torchvision's ``<name>-<hash prefix>.pth`` convention."""
    found = torch.hub.HASH_REGEX.search(path.name)
    return found.group(1) if found else ""


def _hash_problem(path: Path) -> str | None:
    """Why `path` fails the check of the SHA-256 prefix in its name, or None when it passes (once per process)."""
    key, signature = str(path.resolve()), file_signature(path)
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


def verify_cached(name: str | ModelSpec) -> Path:
    """Check a model's cached file against the SHA-256 prefix in its name; hash it once per process.

    Returns the cached file. Raises FileNotFoundError if it is not cached, and
    CheckpointError if its hash does not match (corrupt, truncated or not the
    official file); the message names the file and the fix.
    """
    spec = get_spec(name)
    path = checkpoint_path(spec)
    if not path.is_file():
        raise FileNotFoundError(f"no cached checkpoint file '{path}'")
    problem = _hash_problem(path)
    if problem:
        raise CheckpointError(f"cached checkpoint file '{path}' fails its hash check ({problem}): it is corrupt, "
                              f"truncated or not the official file. {cache_fix(spec)}")
    return path


def cache_fix(name: str | ModelSpec) -> str:
    """The fix for a bad pretrained checkpoint: download it again, or reinstall segtutor for a shipped one.

    Examples
    --------
    >>> cache_fix("fcn_resnet50")
    'Delete it and download it again (python -m segtutor weights download fcn_resnet50).'
    """
    spec = get_spec(name)
    if isinstance(spec.checkpoint, Path):
        return SHIPPED_FIX
    return f"Delete it and download it again (python -m segtutor weights download {spec.name})."


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
        spec = get_spec(name)
        path = checkpoint_path(spec)
        cached = path.is_file()
        size = path.stat().st_size / 1e6 if cached else spec.weights.meta["_file_size"]
        status = ("failing" if _hash_problem(path) else "cached") if cached else "missing"
        rows.append({"model": name, "file": path.name, "status": status,
                     "size (MB)": f"{size:.1f}" if cached else f"{size:.1f} to download"})
    return ModelTable(rows)
