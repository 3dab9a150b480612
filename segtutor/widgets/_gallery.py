"""The explorers' images: two synthetic scenes, the bundled samples and uploads, each under a key."""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from ..data import SAMPLES, load_image, make_scenes
from ..data._images import ImageSource

__all__ = ["SCENE_SEED", "content_key", "explorer_image", "explorer_images", "register_image", "scene_labels"]

SCENE_SEED = 2024
"""Seed of the synthetic scenes the explorers show (never used to train segtutor's own model)."""

SCENE_SIZE = 160
"""Side of the explorers' synthetic scenes, in pixels."""

_IMAGES: dict[str, Image.Image] = {}


def explorer_images() -> list[tuple[str, str]]:
    """The image dropdown's (label, key) options: two synthetic scenes, the samples, then uploads.

    Examples
    --------
    >>> explorer_images()[:3]
    [('scene 0 (synthetic shapes)', 'scene-0'), ('scene 1 (synthetic shapes)', 'scene-1'),
     ('astronaut: astronaut Eileen Collins (a person)', 'astronaut')]
    """
    scenes = [(f"scene {i} (synthetic shapes)", f"scene-{i}") for i in range(2)]
    samples = [(f"{name}: {sample.shows}", name) for name, sample in SAMPLES.items()]
    uploads = [(f"upload {key.removeprefix('upload-')}", key) for key in _IMAGES if key.startswith("upload-")]
    return scenes + samples + uploads


def _scene_index(key: object) -> int:
    index = key.removeprefix("scene-") if isinstance(key, str) else ""
    if not index.isdigit():
        raise ValueError(f"`key` must name a synthetic scene such as 'scene-0', got {key!r}")
    return int(index)


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
    index = _scene_index(key)
    return make_scenes(index + 1, size=SCENE_SIZE, seed=SCENE_SEED)[1][index]


def register_image(image: ImageSource, *, key: str | None = None) -> str:
    """Remember an image under a key (its sample name, or a hash of its pixels) and return the key.

    A key registered again now names the new image: results cached for the
    old one are not reused, as :mod:`.cache` keys them by content.
    """
    if key is None and isinstance(image, str) and image in SAMPLES:
        key = image
    image = load_image(image)
    key = key or "upload-" + content_key(image)[:12]
    _IMAGES[key] = image
    return key


def explorer_image(key: str) -> Image.Image:
    """The image registered under `key`; sample names and ``scene-<i>`` need no registration."""
    if key not in _IMAGES:
        if isinstance(key, str) and key.startswith("scene-"):
            index = _scene_index(key)
            _IMAGES[key] = Image.fromarray(make_scenes(index + 1, size=SCENE_SIZE, seed=SCENE_SEED)[0][index])
        else:
            _IMAGES[key] = load_image(key)
    return _IMAGES[key]


def content_key(image: Image.Image) -> str:
    """A digest of an image's mode, size and pixels: equal for equal images, whatever their key.

    Examples
    --------
    >>> a, b = Image.new("RGB", (2, 1)), Image.new("RGB", (1, 2))
    >>> content_key(a) == content_key(a.copy()), content_key(a) == content_key(b)
    (True, False)
    """
    digest = hashlib.blake2b(f"{image.mode} {image.size}".encode(), digest_size=20)
    digest.update(image.tobytes())
    return digest.hexdigest()
