"""The explorers' segmentations, computed once per (model, image content, preprocessing).

The cache is keyed by the image's pixels (:func:`.images.content_key`), not
by the key it is registered under: registering another image under a key
never returns the old image's result. The arrays it returns are shared by
every caller, so they are read-only: writing to them raises ``ValueError``.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
from PIL import Image

from ..models import load_with_fallback
from ..models import segment
from ._gallery import content_key, explorer_image

__all__ = ["segment_cached"]


class _Content:
    """An image that equals any image with the same mode, size and pixels: what the cache is keyed by."""

    __slots__ = ("image", "key")

    def __init__(self, image: Image.Image):
        self.image, self.key = image, content_key(image)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Content) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


@lru_cache(maxsize=64)
def _segment(model_name: str, content: _Content, preprocessing: str) -> tuple[np.ndarray, np.ndarray, float, str]:
    start = time.perf_counter()
    model, weights, _ = load_with_fallback(model_name)
    labels, probs = segment(content.image, model=model, preprocessing=preprocessing, return_probs=True)
    labels.setflags(write=False)
    probs.setflags(write=False)
    return labels, probs, time.perf_counter() - start, weights


def segment_cached(model_name: str, image_key: str, preprocessing: str) -> tuple[np.ndarray, np.ndarray, float, str]:
    """Segment the image registered under `image_key`, once per (model, image content, preprocessing).

    Parameters
    ----------
    model_name : str
        One of :data:`.model_menu.EXPLORER_MODELS`; loaded pretrained when
        possible, else with random weights (:func:`segtutor.models.load_with_fallback`).
    image_key : str
        A key of :func:`.images.explorer_image`.
    preprocessing : str
        As :func:`segtutor.segment`'s `preprocessing`.

    Returns
    -------
    labels : numpy.ndarray
        Read-only int64 (H, W) class map at the image's size (255 where not seen).
    probs : numpy.ndarray
        Read-only float32 (C, H, W) probabilities.
    seconds : float
        Time the first computation took (loading the model included).
    weights : str
        ``"pretrained"`` or ``"random"``.

    Examples
    --------
    >>> labels, probs, seconds, weights = segment_cached("tiny", "scene-0", "weights")
    >>> labels.shape, labels.dtype, probs.shape, weights, labels.flags.writeable
    ((160, 160), dtype('int64'), (5, 160, 160), 'pretrained', False)
    """
    return _segment(model_name, _Content(explorer_image(image_key)), preprocessing)


segment_cached.cache_info = _segment.cache_info
segment_cached.cache_clear = _segment.cache_clear
