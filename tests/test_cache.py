"""The explorers' segmentation cache (segtutor.widgets._cache): keyed by content, read-only, capped in bytes."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from segtutor import load_model, segment
from segtutor.data import make_scenes
from segtutor.widgets import _cache as cache
from segtutor.widgets import _gallery as images

from ._explorer_helpers import two_scenes as _two_scenes

pytestmark = pytest.mark.usefixtures("offline_explorers")


# --- the cache is keyed by content (issue 12, item 4) ---

def test_a_key_registered_again_gives_the_new_images_result():
    a, b = _two_scenes()
    images.register_image(a, key="k")
    first = cache.segment_cached("tiny", "k", "weights")[0]
    images.register_image(b, key="k")
    second = cache.segment_cached("tiny", "k", "weights")[0]
    expected_a = segment(a, model=load_model("tiny"))
    expected_b = segment(b, model=load_model("tiny"))
    assert not np.array_equal(expected_a, expected_b)  # the two scenes differ: the check below means something
    assert np.array_equal(first, expected_a)
    assert np.array_equal(second, expected_b)


def test_the_same_pixels_under_two_keys_are_segmented_once():
    a, _ = _two_scenes()
    images.register_image(a, key="first")
    images.register_image(a.copy(), key="second")
    labels = cache.segment_cached("tiny", "first", "weights")[0]
    misses = cache.segment_cached.cache_info().misses
    assert cache.segment_cached("tiny", "second", "weights")[0] is labels
    assert cache.segment_cached.cache_info().misses == misses
    cache.segment_cached("tiny", "second", "seed")  # another preprocessing: another result
    assert cache.segment_cached.cache_info().misses == misses + 1


def test_cached_results_are_read_only():
    labels, probs, _, _ = cache.segment_cached("tiny", "scene-0", "weights")
    with pytest.raises(ValueError, match="read-only"):
        labels[0, 0] = 3
    with pytest.raises(ValueError, match="read-only"):
        probs[:, 0, 0] = 0.0
    again = cache.segment_cached("tiny", "scene-0", "weights")[0]
    assert again is labels and not again.flags.writeable


def test_read_only_results_feed_the_explorers_consumers_without_a_warning():
    """torch warns, once per process, when given a read-only array: a fresh process sees the first warning."""
    code = """
import warnings
import numpy as np
from segtutor.metrics import average_precision
from segtutor import class_names, pixel_accuracy
from segtutor.widgets._probe import probe_html
from segtutor.widgets._cache import segment_cached
from segtutor.widgets._gallery import scene_labels
from segtutor.widgets._views import legend_html
warnings.simplefilter("error")
labels, probs, _, _ = segment_cached("tiny", "scene-0", "weights")
truth = scene_labels("scene-0")
truth.setflags(write=False)
class_names("tiny", labels=labels, ignore_index=255)
pixel_accuracy(labels, truth, num_classes=5)
average_precision(probs[None], truth[None])
legend_html(labels, palette="scenes")
probe_html(labels, probs, 3, 4, names=class_names("tiny"), title="tiny")
print("quiet")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "quiet", done.stderr[-2000:]


def _result_bytes(model, key, preprocessing="weights"):
    """What one cached result weighs: its labels and probabilities, and the image its key holds."""
    labels, probs, _, _ = cache.segment_cached(model, key, preprocessing)
    image = images.explorer_image(key)
    return labels.nbytes + probs.nbytes + image.width * image.height * 3


def test_the_cache_evicts_the_least_recently_used_result_by_bytes(monkeypatch):
    size = _result_bytes("tiny", "scene-0")  # 160x160 scenes, 5 classes: all results weigh the same
    assert size == 160 * 160 * (8 + 5 * 4 + 3)
    cache.segment_cached.cache_clear()
    monkeypatch.setattr(cache, "CACHE_BYTES", 2 * size)
    a = cache.segment_cached("tiny", "scene-0", "weights")[0]
    cache.segment_cached("tiny", "scene-1", "weights")
    assert cache.segment_cached.cache_info() == cache.CacheInfo(0, 2, 2, 2 * size, 2 * size)
    assert cache.segment_cached("tiny", "scene-0", "weights")[0] is a  # a hit: scene-1 is now the oldest use
    cache.segment_cached("tiny", "scene-2", "weights")  # over the budget: scene-1 goes
    assert cache.segment_cached.cache_info() == cache.CacheInfo(1, 3, 2, 2 * size, 2 * size)
    assert cache.segment_cached("tiny", "scene-0", "weights")[0] is a
    cache.segment_cached("tiny", "scene-1", "weights")
    assert cache.segment_cached.cache_info().misses == 4  # scene-1 was computed again


def test_a_result_bigger_than_the_budget_is_returned_but_not_kept(monkeypatch):
    size = _result_bytes("tiny", "scene-0")
    monkeypatch.setattr(cache, "CACHE_BYTES", 2 * size)
    cache.segment_cached.cache_clear()
    kept = cache.segment_cached("tiny", "scene-0", "weights")[0]
    big = Image.fromarray(make_scenes(1, size=300, seed=4)[0][0])  # 300x300: more than twice a scene's bytes
    key = images.register_image(big)
    labels, probs, _, _ = cache.segment_cached("tiny", key, "weights")
    assert np.array_equal(labels, segment(big, model=load_model("tiny"))) and probs.shape == (5, 300, 300)
    assert not labels.flags.writeable and not probs.flags.writeable
    assert cache.segment_cached.cache_info() == cache.CacheInfo(0, 2, 1, size, 2 * size)  # scene-0 stays
    assert cache.segment_cached("tiny", "scene-0", "weights")[0] is kept
    cache.segment_cached("tiny", key, "weights")
    assert cache.segment_cached.cache_info().misses == 3
