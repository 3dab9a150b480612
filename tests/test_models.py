import socket
import time
import urllib.error

import pytest
import torch

import segtutor
from segtutor import MODEL_NAMES, WeightsUnavailableError, checkpoint_path, class_names, get_spec, load_lesson_model, load_model
from segtutor import models as models_module

TORCHVISION_SEGMENTATION_MODELS = [
    "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50",
    "fcn_resnet101", "fcn_resnet50", "lraspp_mobilenet_v3_large",
]


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    """An empty, private torchvision cache."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    return tmp_path


def _write_checkpoint(name: str, marker: float) -> dict:
    """Save a random model of the right architecture under the official file name."""
    state = load_model(name, weights="random").state_dict()
    first_weight = next(k for k in state if k.endswith("weight"))
    state[first_weight].fill_(marker)
    path = checkpoint_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return state


def test_registry_lists_torchvisions_six_models():
    assert MODEL_NAMES == TORCHVISION_SEGMENTATION_MODELS


def test_unknown_model_name_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*, lraspp_mobilenet_v3_large, got 'fcn_resnet999'"):
        load_model("fcn_resnet999")


def test_unknown_weights_choice():
    with pytest.raises(ValueError, match=r"`weights` must be 'pretrained' or 'random', got 'imagenet'"):
        load_model("fcn_resnet50", weights="imagenet")


def test_class_names_come_from_the_weights_meta():
    names = class_names("fcn_resnet101")
    assert len(names) == 21
    assert names[0] == "__background__" and names[8] == "cat" and names[15] == "person"


@pytest.mark.parametrize("name", TORCHVISION_SEGMENTATION_MODELS)
def test_random_weights_build_the_published_architecture(name):
    torch.manual_seed(0)
    model = load_model(name, weights="random")
    assert not model.training
    assert sum(p.numel() for p in model.parameters()) == get_spec(name).weights.meta["num_params"]
    output = segtutor.predict(model, torch.zeros(1, 3, 32, 48), return_dict=True)
    expected_keys = ["out", "aux"] if not name.startswith("lraspp") else ["out"]
    assert list(output) == expected_keys
    for value in output.values():
        assert value.shape == (1, 21, 32, 48)


def test_pretrained_path_loads_a_cached_checkpoint_through_torchvision(torch_home):
    assert checkpoint_path("fcn_resnet101") == torch_home / "hub" / "checkpoints" / "fcn_resnet101_coco-7ecb50ca.pth"
    written = _write_checkpoint("fcn_resnet101", marker=0.125)
    loaded = load_model("fcn_resnet101").state_dict()
    assert loaded.keys() == written.keys()
    assert all(torch.equal(loaded[k], written[k]) for k in written)


def test_missing_weights_fail_fast_with_the_fixes(torch_home):
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError) as info:
        load_model("fcn_resnet101")
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert "Wanted file: fcn_resnet101_coco-7ecb50ca.pth" in message
    assert f"Cache folder: {torch_home / 'hub' / 'checkpoints'}" in message
    assert "run once with internet access" in message
    assert "copy the file into the cache folder" in message
    assert "weights='random'" in message


def test_a_failed_download_becomes_a_typed_error(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    calls = []

    def offline_download(url, dst, hash_prefix, progress):
        calls.append((url, hash_prefix, socket.getdefaulttimeout()))
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline_download)
    with pytest.raises(WeightsUnavailableError, match=r"downloading https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth failed: URLError"):
        load_model("lraspp_mobilenet_v3_large")
    assert calls == [("https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth", "d234d4ea", models_module.DOWNLOAD_TIMEOUT)]
    assert socket.getdefaulttimeout() is None


def test_a_successful_download_is_then_loaded(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    state = load_model("lraspp_mobilenet_v3_large", weights="random").state_dict()

    def fake_download(url, dst, hash_prefix, progress):
        torch.save(state, dst)

    monkeypatch.setattr(torch.hub, "download_url_to_file", fake_download)
    loaded = load_model("lraspp_mobilenet_v3_large").state_dict()
    assert all(torch.equal(loaded[k], state[k]) for k in state)


def test_lesson_model_falls_back_to_random_weights_with_one_line(torch_home, capsys):
    model = load_lesson_model("lraspp_mobilenet_v3_large")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Pretrained weights for lraspp_mobilenet_v3_large are unavailable offline (no lraspp_mobilenet_v3_large-d234d4ea.pth in")
    assert "FALLING BACK TO RANDOM WEIGHTS" in lines[0]
    assert not model.training


def test_lesson_model_uses_pretrained_weights_when_cached(torch_home, capsys):
    written = _write_checkpoint("lraspp_mobilenet_v3_large", marker=0.5)
    capsys.readouterr()
    model = load_lesson_model("lraspp_mobilenet_v3_large")
    assert capsys.readouterr().out == "Loaded lraspp_mobilenet_v3_large with pretrained weights LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1.\n"
    assert all(torch.equal(model.state_dict()[k], written[k]) for k in written)


@pytest.mark.parametrize(("value", "expected"), [("", False), ("0", False), ("no", False), ("1", True), ("yes", True)])
def test_offline_switch(monkeypatch, value, expected):
    monkeypatch.setenv("SEGTUTOR_OFFLINE", value)
    assert segtutor.offline() is expected
