"""The computations behind the interactive explorers.

:mod:`segtutor.widgets` only wires controls to these functions; everything
here is plain Python, testable without a browser or a kernel.
"""

from __future__ import annotations

import hashlib
import html
import io
import time
from functools import lru_cache

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from .images import SAMPLES, load_image
from .models import load_model
from .overlays import class_shares, overlay
from .registry import MODEL_NAMES
from .segment import segment
from .weights import WeightsUnavailableError, checkpoint_path

__all__ = [
    "MAX_UPLOAD_BYTES", "MAX_UPLOAD_PIXELS", "explorer_image", "explorer_model", "legend_html", "model_label",
    "read_upload", "register_image", "segment_cached", "to_png",
]

MAX_UPLOAD_BYTES = 20_000_000
"""Largest upload the explorer accepts, in bytes."""
MAX_UPLOAD_PIXELS = 25_000_000
"""Largest upload the explorer accepts, in pixels (width x height)."""

_IMAGES: dict[str, Image.Image] = {}


def model_label(name: str) -> str:
    """The model dropdown's label: the name, and a warning when pretrained weights are missing.

    Examples
    --------
    >>> model_label("fcn_resnet101")  # offline, nothing cached
    'fcn_resnet101 (random weights: pretrained not cached)'
    """
    if name in MODEL_NAMES and not checkpoint_path(name).is_file():
        return f"{name} (random weights: pretrained not cached)"
    return name


def explorer_model(name: str) -> tuple[torch.nn.Module, str]:
    """Load a model for an explorer: pretrained when possible, else random weights.

    Returns
    -------
    (torch.nn.Module, str)
        The cached eval-mode model, and ``"pretrained"`` or ``"random"``.
    """
    try:
        return load_model(name, progress=False), "pretrained"
    except WeightsUnavailableError:
        return load_model(name, weights="random"), "random"


def register_image(image, *, key: str | None = None) -> str:
    """Remember an image under a key (its sample name, or a hash of its pixels) and return the key."""
    if key is None and isinstance(image, str) and image in SAMPLES:
        key = image
    image = load_image(image)
    key = key or "upload-" + hashlib.sha1(image.tobytes()).hexdigest()[:12]
    _IMAGES[key] = image
    return key


def explorer_image(key: str) -> Image.Image:
    """The image registered under `key`; sample names need no registration."""
    return _IMAGES[key] if key in _IMAGES else _IMAGES.setdefault(key, load_image(key))


@lru_cache(maxsize=64)
def segment_cached(model_name: str, image_key: str, preprocessing: str) -> tuple[np.ndarray, np.ndarray, float, str]:
    """Segment a registered image once per (model, image, preprocessing).

    Returns
    -------
    labels : numpy.ndarray
        int64 (H, W) class map at the image's size (255 where not seen).
    probs : numpy.ndarray
        float32 (C, H, W) probabilities.
    seconds : float
        Time the first computation took (loading the model included).
    weights : str
        ``"pretrained"`` or ``"random"``.
    """
    start = time.perf_counter()
    model, weights = explorer_model(model_name)
    labels, probs = segment(explorer_image(image_key), model=model, preprocessing=preprocessing, return_probs=True)
    return labels, probs, time.perf_counter() - start, weights


def to_png(array: np.ndarray) -> bytes:
    """Encode a uint8 (H, W) or (H, W, 3) array as PNG, favouring speed over size."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def legend_html(labels, *, classes=None, palette="voc") -> str:
    """An HTML legend: a colour swatch, the class name and its share of the pixels, largest first.

    Examples
    --------
    >>> print(legend_html(np.array([[0, 8, 8, 8]]))[:60])
    <div style="font-family: sans-serif; font-size: 12px"><span
    """
    rows = [
        f'<span style="display:inline-block;width:12px;height:12px;background:rgb{entry.color};'
        f'border:1px solid #888;margin-right:4px"></span>{html.escape(entry.name)} {100 * entry.share:.1f}%'
        for entry in class_shares(labels, classes=classes, palette=palette)
    ]
    return '<div style="font-family: sans-serif; font-size: 12px">' + "<br>".join(rows) + "</div>"


def read_upload(value, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_UPLOAD_PIXELS) -> Image.Image:
    """Read the first file of a ``FileUpload`` value (ipywidgets 7 dict or 8 tuple) as an RGB image.

    Raises
    ------
    ValueError
        If nothing was uploaded, the file exceeds `max_bytes` or `max_pixels`,
        or it is not a readable image.
    """
    files = list(value.values()) if isinstance(value, dict) else list(value)
    if not files:
        raise ValueError("no file was uploaded")
    content = bytes(files[0]["content"])
    if len(content) > max_bytes:
        raise ValueError(f"the file has {len(content):,} bytes; the limit is {max_bytes:,}")
    try:
        with Image.open(io.BytesIO(content)) as probe:  # reads the header only
            width, height = probe.size
    except Image.DecompressionBombError:
        raise ValueError(f"the image has far more than {max_pixels:,} pixels") from None
    except (UnidentifiedImageError, OSError):
        raise ValueError(f"{files[0].get('name', 'the file')!r} is not an image PIL can read") from None
    if width * height > max_pixels:
        raise ValueError(f"the image has {width}x{height} pixels; the limit is {max_pixels:,} pixels")
    return load_image(content)
