import pytest

import segtutor


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty, private torchvision cache, and no models cached in the process."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    segtutor.models.clear_model_cache()
    yield tmp_path
    segtutor.models.clear_model_cache()
