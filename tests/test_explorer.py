"""The explorers' computations (segtutor._explorer), without a widget, and what notebook 10 reads (segtutor.widgets._model_menu).

The widgets themselves are tested in tests/test_widgets.py.
"""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import segtutor
from segtutor.models import MODEL_NAMES, load_with_fallback
from segtutor import decode_segmap, load_model, segment
from segtutor.widgets import _cache as cache, _gallery as images, _model_menu as model_menu, _uploads as uploads, _views as views
from segtutor.data import make_scenes

CHEAP = "lraspp_mobilenet_v3_large"


@pytest.fixture(autouse=True)
def offline_cache(torch_home):
    """No pretrained weights anywhere, an empty segmentation cache, and no key left registered by a test."""
    cache.segment_cached.cache_clear()
    registered = dict(images._IMAGES)
    yield
    cache.segment_cached.cache_clear()
    images._IMAGES.clear()
    images._IMAGES.update(registered)


def _png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def _two_scenes():
    pictures, _ = make_scenes(2, size=96, seed=11)
    return Image.fromarray(pictures[0]), Image.fromarray(pictures[1])


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


def test_content_key_follows_the_pixels_not_the_object():
    a, b = _two_scenes()
    assert images.content_key(a) == images.content_key(a.copy()) != images.content_key(b)
    assert images.content_key(a.convert("L")) != images.content_key(a)
    assert images.register_image(a) == "upload-" + images.content_key(a)[:12]


def test_explorer_image_refuses_a_malformed_scene_key():
    with pytest.raises(ValueError, match=r"`key` must name a synthetic scene such as 'scene-0', got 'scene-x'"):
        images.explorer_image("scene-x")
    with pytest.raises(ValueError, match=r"`key` must name a synthetic scene such as 'scene-0', got 'chelsea'"):
        images.scene_labels("chelsea")


# --- uploads ---

def test_read_upload_checks_both_formats_and_the_caps():
    data = _png(np.random.default_rng(1).integers(0, 256, (10, 20, 3), dtype=np.uint8))
    assert uploads.read_upload(({"name": "a.png", "content": memoryview(data)},)).size == (20, 10)
    assert uploads.read_upload({"a.png": {"metadata": {}, "content": data}}).size == (20, 10)
    with pytest.raises(ValueError, match=r"the file has [\d,]+ bytes; the limit is 100"):
        uploads.read_upload(({"name": "a.png", "content": data},), max_bytes=100)
    with pytest.raises(ValueError, match=r"the image has 20x10 pixels; the limit is 199 pixels"):
        uploads.read_upload(({"name": "a.png", "content": data},), max_pixels=199)
    with pytest.raises(ValueError, match=r"no file was uploaded"):
        uploads.read_upload(())


def test_read_upload_refuses_a_thin_image_from_its_header(monkeypatch):
    buffer = io.BytesIO()
    Image.new("L", (200000, 32)).save(buffer, format="PNG")
    data = buffer.getvalue()
    assert len(data) < 20_000 and 200000 * 32 < uploads.MAX_UPLOAD_PIXELS  # under both caps

    def decode(*args, **kwargs):
        raise AssertionError("the refused upload was decoded")

    monkeypatch.setattr(uploads, "load_image", decode)
    with pytest.raises(ValueError, match=r"^the image is 200000x32 pixels, an aspect ratio of 6250:1; the limit is 10:1"):
        uploads.read_upload(({"name": "strip.png", "content": data},))


# --- the model menu and the comparison's fallback ---

def test_the_explorer_reads_each_models_spec():
    assert model_menu.EXPLORER_MODELS == ["tiny", *MODEL_NAMES]  # segtutor's own first: it works offline
    assert [model_menu.model_palette(name) for name in ("tiny", CHEAP)] == ["scenes", "voc"]
    assert model_menu.model_label("tiny") == "tiny (trained here on synthetic shapes)"
    assert model_menu.model_label(CHEAP) == f"{CHEAP} (random weights: pretrained not cached)"
    assert load_with_fallback("tiny")[1] == "pretrained" and load_with_fallback(CHEAP)[1] == "random"
    assert cache.segment_cached(CHEAP, "scene-0", "seed")[3] == "random"


def test_untrained_fallback_keeps_a_scene_and_replaces_a_photo_by_scene_0():
    for key, scene in (("scene-1", "scene-1"), ("chelsea", "scene-0")):
        panels, note = views.untrained_fallback(["fcn_resnet101", CHEAP, "fcn_resnet101"], key)
        assert np.array_equal(panels[1], decode_segmap(images.scene_labels(scene), "scenes"))
        tiny = cache.segment_cached("tiny", scene, "weights")[0]
        assert np.array_equal(panels[0], decode_segmap(tiny, "scenes"))
        assert note.startswith(f"⚠️ No pretrained weights here for fcn_resnet101 and {CHEAP} (offline")
        assert f" on {scene} | its ground truth: " in note


# --- what notebook 10 reads ---

def test_notebook_10s_names_stay_reachable():
    assert segtutor.widgets.EXPLORER_MODELS is model_menu.EXPLORER_MODELS
    assert segtutor.class_names("tiny") == list(segtutor.SCENE_CLASSES)
    assert segtutor.class_names(CHEAP)[:2] == ["__background__", "aeroplane"]
