"""The explorers' segmentations, computed once per (model, image content, preprocessing).

The cache is keyed by the image's pixels (:func:`.images.content_key`), not
by the key it is registered under: registering another image under a key
never returns the old image's result. The arrays it returns are shared by
every caller, so they are read-only: writing to them raises ``ValueError``.
It holds at most :data:`CACHE_BYTES` (labels, probabilities and images),
evicting the least recently used result first: a 25-MP upload's
probabilities alone are about 2 GB with a 21-class model, so a count of
entries bounds nothing.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, namedtuple
from typing import Literal

import numpy as np
from PIL import Image

from ..models import ModelSpec, get_spec, load_with_fallback, segment
from ._gallery import content_key, explorer_image

__all__ = ["CACHE_BYTES", "CacheInfo", "segment_cached"]

CACHE_BYTES = 512 * 2**20
"""Most bytes the explorers' cache keeps: each result's labels and probabilities, and the image its key
holds. A result bigger than this on its own is returned but not kept."""

CacheInfo = namedtuple("CacheInfo", "hits misses currsize nbytes max_bytes")
"""What :meth:`segment_cached.cache_info` reports: ``currsize`` results holding ``nbytes`` bytes."""


class _Content:
    """An image that equals any image with the same mode, size and pixels: what the cache is keyed by."""

    __slots__ = ("image", "key")

    def __init__(self, image: Image.Image) -> None:
        self.image, self.key = image, content_key(image)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Content) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


_RESULTS: OrderedDict = OrderedDict()  # (spec, content, preprocessing) -> (result, bytes), oldest use first
_COUNTS = {"hits": 0, "misses": 0, "nbytes": 0}
_LOCK = threading.Lock()


def _segment(spec: ModelSpec, content: _Content, preprocessing: Literal["weights", "seed"]) -> tuple[np.ndarray, np.ndarray, float, str]:
    key = (spec, content, preprocessing)
    with _LOCK:
        if key in _RESULTS:
            _COUNTS["hits"] += 1
            _RESULTS.move_to_end(key)
            return _RESULTS[key][0]
        _COUNTS["misses"] += 1
    result = _compute(spec, content.image, preprocessing)
    size = result[0].nbytes + result[1].nbytes + _image_bytes(content.image)
    with _LOCK:
        if size <= CACHE_BYTES and key not in _RESULTS:  # a result too big on its own is returned, not kept
            _RESULTS[key] = (result, size)
            _COUNTS["nbytes"] += size
            while _COUNTS["nbytes"] > CACHE_BYTES:
                _COUNTS["nbytes"] -= _RESULTS.popitem(last=False)[1][1]  # the least recently used first
    return result


def _compute(spec: ModelSpec, image: Image.Image, preprocessing: Literal["weights", "seed"]) -> tuple[np.ndarray, np.ndarray, float, str]:
    start = time.perf_counter()
    model, weights, _ = load_with_fallback(spec)
    labels, probs = segment(image, model=model, preprocessing=preprocessing, return_probs=True)
    labels.setflags(write=False)
    probs.setflags(write=False)
    return labels, probs, time.perf_counter() - start, weights


def _image_bytes(image: Image.Image) -> int:
    """What the image the key holds on to weighs (the key keeps it alive)."""
    return image.width * image.height * len(image.getbands())


class _SegmentCached:
    """:data:`segment_cached`: a function with ``cache_info()`` and ``cache_clear()``, as ``functools.lru_cache`` gives."""

    def __call__(self, model: str | ModelSpec, image_key: str,
                 preprocessing: Literal["weights", "seed"]) -> tuple[np.ndarray, np.ndarray, float, str]:
        """Segment the image registered under `image_key`, once per (model, image content, preprocessing).

        Parameters
        ----------
        model : str or ModelSpec
            One of :data:`segtutor.widgets.EXPLORER_MODELS`, or its spec (the explorers pass
            the spec, so that a name is looked up once); loaded pretrained when
            possible, else with random weights (:func:`segtutor.models.load_with_fallback`).
        image_key : str
            A key of :func:`.images.explorer_image`.
        preprocessing : {"weights", "seed"}
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
        return _segment(get_spec(model), _Content(explorer_image(image_key)), preprocessing)

    def cache_info(self) -> CacheInfo:
        """How many calls found their result kept (hits) or computed it (misses); the results kept and their bytes."""
        with _LOCK:
            return CacheInfo(_COUNTS["hits"], _COUNTS["misses"], len(_RESULTS), _COUNTS["nbytes"], CACHE_BYTES)

    def cache_clear(self) -> None:
        """Forget every result, and the counts."""
        with _LOCK:
            _RESULTS.clear()
            _COUNTS.update(hits=0, misses=0, nbytes=0)


segment_cached = _SegmentCached()
