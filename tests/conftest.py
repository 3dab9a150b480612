import pytest

import segtutor


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty, private torchvision cache, and no models cached in the process."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    segtutor.models.clear_model_cache()
    yield tmp_path
    segtutor.models.clear_model_cache()


@pytest.fixture
def offline_explorers(torch_home):
    """No pretrained weights anywhere (torchvision models fall back to random weights), an empty
    segmentation cache, and no image key left registered by a test."""
    from segtutor.widgets import _cache, _gallery

    _cache.segment_cached.cache_clear()
    registered = dict(_gallery._IMAGES)
    yield
    _cache.segment_cached.cache_clear()
    _gallery._IMAGES.clear()
    _gallery._IMAGES.update(registered)
