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

from .images import SAMPLES, check_image_size, load_image
from .metrics import pixel_accuracy
from .models import load_with_fallback
from .overlays import class_shares
from .preprocessing import channel_stats, describe, tensor_to_image, unnormalize
from .registry import LOADABLE_MODELS, MODEL_NAMES, get_spec
from .scenes import SCENE_CLASSES, make_scenes
from .segment import segment
from .visualize import decode_segmap
from .weights import checkpoint_path

__all__ = [
    "EXPLORER_MODELS", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_PIXELS", "explorer_image", "explorer_images",
    "explorer_model", "legend_html", "model_label", "model_palette", "playground_target", "read_upload",
    "register_image", "scene_labels", "segment_cached", "step_view", "to_jpeg", "to_png", "untrained_fallback",
]

MAX_UPLOAD_BYTES = 20_000_000
"""Largest upload the explorer accepts, in bytes."""
MAX_UPLOAD_PIXELS = 25_000_000
"""Largest upload the explorer accepts, in pixels (width x height)."""

EXPLORER_MODELS = sorted(LOADABLE_MODELS, key=lambda name: name in MODEL_NAMES)
"""Models the explorers offer: segtutor's own first (they work offline), then torchvision's."""

SCENE_SEED = 2024
"""Seed of the synthetic scenes the explorers show (never used to train segtutor's own model)."""

_IMAGES: dict[str, Image.Image] = {}


def explorer_images() -> list[tuple[str, str]]:
    """The image dropdown's (label, key) options: two synthetic scenes, the samples, then uploads.

    Examples
    --------
    >>> explorer_images()[:3]
    [('scene 0 (synthetic shapes)', 'scene-0'), ('scene 1 (synthetic shapes)', 'scene-1'), ('astronaut: astronaut Eileen Collins (a person)', 'astronaut')]
    """
    scenes = [(f"scene {i} (synthetic shapes)", f"scene-{i}") for i in range(2)]
    samples = [(f"{name}: {sample.shows}", name) for name, sample in SAMPLES.items()]
    uploads = [(f"upload {key.removeprefix('upload-')}", key) for key in _IMAGES if key.startswith("upload-")]
    return scenes + samples + uploads


def _scene(index: int) -> Image.Image:
    return Image.fromarray(make_scenes(index + 1, size=160, seed=SCENE_SEED)[0][index])


def scene_labels(key: str) -> np.ndarray:
    """The exact class map (the ground truth) of a synthetic scene of the explorers, such as ``"scene-0"``.

    Returns
    -------
    numpy.ndarray
        int64 (160, 160) ids of :data:`segtutor.SCENE_CLASSES`.

    Raises
    ------
    ValueError
        If `key` is not ``"scene-<i>"``.

    Examples
    --------
    >>> labels = scene_labels("scene-1")
    >>> labels.shape, labels.dtype, np.array_equal(np.unique(labels), np.unique(labels).clip(0, 4))
    ((160, 160), dtype('int64'), True)
    """
    index = key.removeprefix("scene-") if isinstance(key, str) else ""
    if not index.isdigit():
        raise ValueError(f"`key` must name a synthetic scene such as 'scene-0', got {key!r}")
    return make_scenes(int(index) + 1, size=160, seed=SCENE_SEED)[1][int(index)]


def model_palette(name: str) -> str:
    """The name of the palette of a model's classes, from its spec."""
    return get_spec(name).palette


def playground_target(*, seed: int = 0) -> np.ndarray:
    """A ground-truth class map for the metrics playground: one synthetic scene's labels."""
    return make_scenes(1, size=128, seed=seed)[1][0]


def model_label(name: str) -> str:
    """The model dropdown's label: the name, and a warning when pretrained weights are missing.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ, {"TORCH_HOME": empty}):
    ...     model_label("fcn_resnet101")  # nothing cached
    'fcn_resnet101 (random weights: pretrained not cached)'
    """
    if not checkpoint_path(name).is_file():
        return f"{name} (random weights: pretrained not cached)"
    note = get_spec(name).note
    return f"{name} ({note})" if note else name


def explorer_model(name: str) -> tuple[torch.nn.Module, str]:
    """Load a model for an explorer with :func:`segtutor.load_with_fallback`: pretrained when possible, else random weights.

    Returns
    -------
    (torch.nn.Module, str)
        The cached eval-mode model, and ``"pretrained"`` or ``"random"``.
    """
    model, weights, _ = load_with_fallback(name)
    return model, weights


def register_image(image, *, key: str | None = None) -> str:
    """Remember an image under a key (its sample name, or a hash of its pixels) and return the key."""
    if key is None and isinstance(image, str) and image in SAMPLES:
        key = image
    image = load_image(image)
    key = key or "upload-" + hashlib.sha1(image.tobytes()).hexdigest()[:12]
    _IMAGES[key] = image
    return key


def explorer_image(key: str) -> Image.Image:
    """The image registered under `key`; sample names and ``scene-<i>`` need no registration."""
    if key not in _IMAGES:
        _IMAGES[key] = _scene(int(key.removeprefix("scene-"))) if key.startswith("scene-") else load_image(key)
    return _IMAGES[key]


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


def untrained_fallback(untrained, key: str) -> tuple[list[np.ndarray], str]:
    """What the comparison explorer adds when models run with random weights: a trained model on a scene, and why.

    Parameters
    ----------
    untrained : iterable of str
        Names of the models without pretrained weights (at least one).
    key : str
        The image being compared: a synthetic scene is kept, any other image is replaced by ``"scene-0"``.

    Returns
    -------
    panels : list of numpy.ndarray
        Two uint8 (H, W, 3) pictures: the tiny model's class map (the weights' preprocessing:
        the whole scene), then the scene's ground truth.
    note : str
        HTML: which models lack weights, why their maps are noise, and the tiny model's pixel accuracy.
    """
    scene = key if key.startswith("scene-") else "scene-0"
    own = EXPLORER_MODELS[0]  # segtutor's own model: trained here, so it works offline
    predicted, truth = segment_cached(own, scene, "weights")[0], scene_labels(scene)
    right = pixel_accuracy(predicted, truth, num_classes=len(SCENE_CLASSES))
    note = (f"⚠️ No pretrained weights here for {' and '.join(sorted(set(untrained)))} (offline, nothing cached): "
            "random weights, so their maps and their agreement are noise. Below, segtutor's own model, "
            f"{model_label(own)}, on {scene} | its ground truth: <b>{100 * right:.1f}%</b> of the pixels right.")
    palette = model_palette(own)
    return [decode_segmap(predicted, palette), decode_segmap(truth, palette)], note


def step_view(name: str, result) -> tuple[np.ndarray, str]:
    """What the preprocessing stepper shows for one step: a picture and an HTML table of statistics.

    PIL steps are shown as they are, with statistics on the 0-255 scale;
    tensors are shown through :func:`segtutor.tensor_to_image` (after
    :func:`segtutor.unnormalize` for the ``Normalize`` step), with statistics
    of the tensor itself.

    Examples
    --------
    >>> picture, stats = step_view("ToTensor", torch.zeros(3, 2, 4))
    >>> picture.shape, stats.startswith("<b>ToTensor</b>: tensor of shape (3, 2, 4), dtype torch.float32")
    ((2, 4, 3), True)
    """
    if isinstance(result, Image.Image):
        picture = np.asarray(result.convert("RGB"))
        values = torch.from_numpy(picture.copy()).permute(2, 0, 1).float()
    else:
        picture = tensor_to_image(unnormalize(result) if name == "Normalize" else result)
        values = result
    return picture, f"<b>{html.escape(name)}</b>: {html.escape(describe(result))}{channel_stats(values)._repr_html_()}"


def to_jpeg(array: np.ndarray, *, quality: int = 90) -> bytes:
    """Encode a uint8 (H, W, 3) photo as JPEG: about 40 times faster to encode than PNG and
    20 times smaller, which keeps the explorer's redraws fast. Use :func:`to_png` for flat class maps."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(array)).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


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
        it is not a readable image, or it is thinner than 1 :
        :data:`segtutor.images.MAX_ASPECT_RATIO` (checked on the header, before decoding).
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
        name = files[0].get("name") or files[0].get("metadata", {}).get("name", "the file")
        raise ValueError(f"{name!r} is not an image PIL can read") from None
    if width * height > max_pixels:
        raise ValueError(f"the image has {width}x{height} pixels; the limit is {max_pixels:,} pixels")
    check_image_size((width, height), name="the image", max_pixels=max_pixels)
    return load_image(content)
