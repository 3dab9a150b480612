import copy
from dataclasses import replace

import pytest
import torch

import segtutor
from segtutor import CheckpointError, WeightsUnavailableError, get_spec, load_lesson_model, load_model
from segtutor.models import ModelSpec, checkpoint_path
from segtutor.models import _loading as models_module
from segtutor.models import _registry as registry_module

from ._checkpoint_files import cache_random_state, match_hash_prefix, same_state, save_random_state
from .test_registry import TORCHVISION_SEGMENTATION_MODELS


@pytest.mark.parametrize("name", TORCHVISION_SEGMENTATION_MODELS)
def test_random_weights_build_the_published_architecture(name):
    torch.manual_seed(0)
    model = load_model(name, weights="random", cache=False)
    assert not model.training
    assert sum(p.numel() for p in model.parameters()) == get_spec(name).weights.meta["num_params"]
    output = segtutor.predict(model, torch.zeros(1, 3, 32, 48), return_dict=True)
    assert list(output) == (["out", "aux"] if get_spec(name).has_aux else ["out"])
    for value in output.values():
        assert value.shape == (1, 21, 32, 48)


def test_pretrained_path_loads_a_cached_checkpoint(torch_home, monkeypatch):
    written = cache_random_state("fcn_resnet101", monkeypatch, marker=0.125)
    assert checkpoint_path("fcn_resnet101").parent == torch_home / "hub" / "checkpoints"
    model = load_model("fcn_resnet101")
    assert same_state(model, written) and not model.training
    assert list(segtutor.predict(model, torch.zeros(1, 3, 32, 32), return_dict=True)) == ["out", "aux"]


def test_pretrained_weights_never_reach_torchvisions_full_unpickling(torch_home, monkeypatch):
    """torchvision's builder with weights= unpickles the cached file with weights_only=False: never call it so."""
    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    loads, real_load = [], torch.load

    def recording_load(*args, **kwargs):
        loads.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", recording_load)
    load_model("lraspp_mobilenet_v3_large")
    load_model("tiny", cache=False)
    assert loads == [True, True]


def test_missing_pretrained_weights_fail_without_trying_a_download(torch_home, monkeypatch):
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *args, **kwargs: pytest.fail("tried a download"))
    with pytest.raises(WeightsUnavailableError, match=r"Wanted file: fcn_resnet101_coco-7ecb50ca\.pth"):
        load_model("fcn_resnet101")


def test_a_successful_download_is_then_loaded(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    state = load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu", cache=False).state_dict()
    # torch.hub checks the hash prefix while downloading; the fake download stands for one that passed
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda url, dst, hash_prefix, progress: torch.save(state, dst))
    assert same_state(load_model("lraspp_mobilenet_v3_large"), state)


def test_a_corrupt_cached_file_fails_its_hash_check_and_says_delete_and_download_again(torch_home):
    path = checkpoint_path("lraspp_mobilenet_v3_large")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match=r"cached checkpoint file '.*lraspp_mobilenet_v3_large-d234d4ea\.pth' fails its hash check \(its SHA-256 begins cd00e292, but its name says d234d4ea\): it is corrupt, truncated or not the official file\. Delete it and download it again \(python -m segtutor weights download lraspp_mobilenet_v3_large\)\."):
        load_model("lraspp_mobilenet_v3_large")


def test_a_truncated_cached_file_whose_hash_matches_is_still_caught_by_the_reader(torch_home, monkeypatch):
    path = checkpoint_path("lraspp_mobilenet_v3_large")
    save_random_state("lraspp_mobilenet_v3_large", path, marker=0.0)
    path.write_bytes(path.read_bytes()[:5000])
    match_hash_prefix(path, monkeypatch)
    with pytest.raises(CheckpointError, match=r"checkpoint file '.*lraspp_mobilenet_v3_large-d234d4ea\.pth' is corrupt, truncated or not a PyTorch checkpoint \(\w+Error\)\. Delete it and download it again \(python -m segtutor weights download lraspp_mobilenet_v3_large\)\."):
        load_model("lraspp_mobilenet_v3_large")


def test_the_cached_file_is_hashed_once_per_process_and_again_when_it_changes(torch_home, monkeypatch):
    import hashlib

    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    hashed, real_sha256 = [], hashlib.sha256
    monkeypatch.setattr(hashlib, "sha256", lambda *args: hashed.append(1) or real_sha256(*args))
    for _ in range(3):
        load_model("lraspp_mobilenet_v3_large", cache=False)
    assert len(hashed) == 1
    path = checkpoint_path("lraspp_mobilenet_v3_large")
    path.write_bytes(path.read_bytes()[:-1])  # changed after its check: checked again, and now it fails
    with pytest.raises(CheckpointError, match=r"fails its hash check"):
        load_model("lraspp_mobilenet_v3_large", cache=False)
    assert len(hashed) == 2


def test_local_checkpoint_path(tmp_path):
    written = save_random_state("lraspp_mobilenet_v3_large", tmp_path / "mine.pth", marker=0.25)
    assert same_state(load_model("lraspp_mobilenet_v3_large", weights=tmp_path / "mine.pth"), written)
    assert same_state(load_model("lraspp_mobilenet_v3_large", weights=str(tmp_path / "mine.pth")), written)


def test_checkpoint_for_another_number_of_classes_is_refused(tmp_path):
    from torchvision.models.segmentation import lraspp_mobilenet_v3_large

    state = lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=5).state_dict()
    torch.save(state, tmp_path / "five.pth")
    with pytest.raises(CheckpointError, match=r"checkpoint file '.*five\.pth' does not fit LRASPP: 4 shape mismatches \(e\.g\. classifier\.low_classifier\.weight: checkpoint \(5, 40, 1, 1\) vs model \(21, 40, 1, 1\)"):
        load_model("lraspp_mobilenet_v3_large", weights=tmp_path / "five.pth")


def test_checkpoint_for_another_architecture_is_refused(tmp_path):
    save_random_state("lraspp_mobilenet_v3_large", tmp_path / "lraspp.pth", marker=0.0)
    with pytest.raises(CheckpointError, match=r"does not fit FCN: \d+ missing keys .* unexpected keys .*another architecture"):
        load_model("fcn_resnet50", weights=tmp_path / "lraspp.pth")


def test_a_checkpoint_is_read_once_per_file_and_again_when_it_changes(torch_home, monkeypatch):
    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    spec = get_spec("lraspp_mobilenet_v3_large")
    reads = []
    monkeypatch.setitem(registry_module._SPECS, spec.name, replace(spec, reader=lambda *a, **k: reads.append(1) or spec.reader(*a, **k)))
    first, again = load_model(spec.name, device="cpu"), load_model(spec.name, device="cpu")
    assert first is not again and same_state(first, again.state_dict()) and len(reads) == 1  # read once, built twice
    load_model(spec.name, device="cpu", cache=False)
    assert len(reads) == 2  # cache=False reads the file again
    written = save_random_state(spec.name, checkpoint_path(spec.name), marker=0.75)  # the file changes
    match_hash_prefix(checkpoint_path(spec.name), monkeypatch)
    assert same_state(load_model(spec.name, device="cpu"), written) and len(reads) == 3
    segtutor.models.clear_model_cache()
    load_model(spec.name, device="cpu")
    assert len(reads) == 4
    assert len(models_module._CHECKPOINTS) == 1  # one entry per file, not one per version of it


def test_default_device_is_cpu_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert segtutor.models.default_device() == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert segtutor.models.default_device() == torch.device("cuda")


def test_bad_weights_device_and_half():
    with pytest.raises(ValueError, match=r"`weights` must be 'pretrained', 'random' or a path, got 'imagenet'"):
        load_model("fcn_resnet50", weights="imagenet")
    with pytest.raises(TypeError, match=r"`weights` must be 'pretrained', 'random' or a path, got int"):
        load_model("fcn_resnet50", weights=3)
    with pytest.raises(ValueError, match=r"`half` precision needs a CUDA device, got device='cpu'"):
        load_model("fcn_resnet50", weights="random", device="cpu", half=True)
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*got 'fcn'"):
        load_model("fcn")


@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda")])
def test_cuda_without_a_cuda_device_says_so_and_suggests_the_cpu(monkeypatch, device):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"^`device` 'cuda(:0)?' asks for CUDA, but no CUDA device is available; "
                                         r"use device='cpu'$"):
        load_model("tiny", device=device)


def test_a_cuda_index_past_the_last_device_is_refused(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    with pytest.raises(ValueError, match=r"^`device` 'cuda:2' names CUDA device 2, but only 2 is available "
                                         r"\(cuda:0 to cuda:1\)$"):
        load_model("tiny", device="cuda:2")
    assert models_module._check_device("cuda:1") == torch.device("cuda", 1)
    assert models_module._check_device(torch.device("cuda")) == torch.device("cuda")


def test_meta_and_unknown_devices_are_refused_up_front():
    with pytest.raises(ValueError, match=r"^`device` 'meta' holds no data, so a model there cannot run; "
                                         r"use device='cpu' or 'cuda'$"):
        load_model("tiny", device="meta")
    with pytest.raises(ValueError, match=r"^`device` 'meta' holds"):
        load_model("tiny", device=torch.device("meta"))
    with pytest.raises(ValueError, match=r"^`device` must be 'cpu', 'cuda' or 'cuda:N', got 'gpu'$"):
        load_model("tiny", device="gpu")


def test_cpu_devices_still_load():
    for device in ("cpu", torch.device("cpu")):
        assert next(load_model("tiny", device=device).parameters()).device == torch.device("cpu")


def test_lesson_model_falls_back_to_random_weights_with_one_line(torch_home, capsys):
    model = load_lesson_model("lraspp_mobilenet_v3_large")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Pretrained weights for lraspp_mobilenet_v3_large are unavailable offline (no lraspp_mobilenet_v3_large-d234d4ea.pth in")
    assert "FALLING BACK TO RANDOM WEIGHTS" in lines[0]
    assert not model.training


def test_one_pretrained_else_random_path_says_what_it_fell_back_to(torch_home):
    model, weights, note = segtutor.models.load_with_fallback("lraspp_mobilenet_v3_large")
    assert weights == "random" and not model.training
    assert note.startswith("Pretrained weights for lraspp_mobilenet_v3_large are unavailable offline (no lraspp_mobilenet_v3_large-d234d4ea.pth in ")
    assert note.endswith("FALLING BACK TO RANDOM WEIGHTS: shapes and steps are real, the predicted classes are noise.")
    assert model is not segtutor.models.load_with_fallback("lraspp_mobilenet_v3_large")[0]  # a new model every call
    model, weights, note = segtutor.models.load_with_fallback("tiny")
    assert (weights, note) == ("pretrained", "Loaded tiny with pretrained weights tiny.pt, shipped with segtutor.")
    assert model is not segtutor.models.load_with_fallback("tiny")[0] and same_state(model, load_model("tiny").state_dict())


def test_lesson_model_uses_pretrained_weights_when_cached(torch_home, capsys, monkeypatch):
    written = cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    capsys.readouterr()
    model = load_lesson_model("lraspp_mobilenet_v3_large")
    assert capsys.readouterr().out == "Loaded lraspp_mobilenet_v3_large with pretrained weights LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1.\n"
    assert same_state(model, written)


@pytest.mark.parametrize(("value", "expected"), [("", False), ("0", False), ("no", False), ("1", True), ("yes", True)])
def test_offline_switch(monkeypatch, value, expected):
    monkeypatch.setenv("SEGTUTOR_OFFLINE", value)
    assert segtutor.models.offline() is expected


def test_tiny_model_loads_through_load_model():
    model = load_model("tiny", device="cpu")
    assert model.classes == ("background", "disc", "square", "triangle", "ring") and not model.training
    assert same_state(model, segtutor.load_tiny_model().state_dict())


def test_tiny_model_segments_a_held_out_scene():
    images, labels = segtutor.make_scenes(1, size=160, seed=2024)
    pred = segtutor.segment(images[0], model=load_model("tiny"), preprocessing="weights")
    assert (pred == labels[0]).mean() > 0.95


def test_unknown_name_lists_tiny_too():
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*, lraspp_mobilenet_v3_large, tiny, got 'tiny2'"):
        load_model("tiny2")


@pytest.mark.parametrize("name", ["lraspp_mobilenet_v3_large", "fcn_resnet50", "tiny"])
def test_channels_last_on_the_cpu_keeps_the_logits_and_the_argmax(name):
    torch.manual_seed(0)
    model = load_model(name, weights="random", device="cpu", cache=False)
    weight = next(p for p in model.parameters() if p.dim() == 4)
    assert weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
    reference = copy.deepcopy(model).to(memory_format=torch.contiguous_format)
    batch = torch.randn(2, 3, 64, 80, generator=torch.Generator().manual_seed(1))
    fast, plain = segtutor.predict(model, batch), segtutor.predict(reference, batch)
    assert fast.is_contiguous(memory_format=torch.channels_last) and plain.is_contiguous()
    assert (fast - plain).abs().max() <= 1e-3 * plain.abs().max()
    assert (fast.argmax(1) != plain.argmax(1)).float().mean() <= 1e-4


# --- issue 19: a new model on every call; what is cached is checkpoints, never models ---

def test_two_loads_are_two_models_with_equal_weights():
    first, second = load_model("tiny", device="cpu"), load_model("tiny", device="cpu")
    assert first is not second
    assert same_state(first, second.state_dict())
    pointers = {t.untyped_storage().data_ptr() for t in first.state_dict().values()}
    assert not pointers & {t.untyped_storage().data_ptr() for t in second.state_dict().values()}


def test_changing_one_loaded_model_changes_no_other(torch_home):
    import numpy as np
    from torch import nn

    image = segtutor.make_scenes(1, size=96, seed=5)[0][0]
    before = segtutor.segment(image, model="tiny")
    reference = {k: v.clone() for k, v in load_model("tiny", device="cpu").state_dict().items()}
    mine, other = load_model("tiny", device="cpu"), load_model("tiny", device="cpu")
    with torch.no_grad():
        for parameter in mine.parameters():  # weights
            parameter.mul_(-1)
        for layer in mine.modules():  # buffers
            if isinstance(layer, nn.BatchNorm2d):
                layer.running_mean.add_(5)
    mine.train()  # mode
    mine.to(torch.float64)  # and dtype
    for model in (other, load_model("tiny", device="cpu"), segtutor.models.load_with_fallback("tiny")[0],
                  segtutor.load_tiny_model()):
        assert same_state(model, reference) and not model.training
    assert np.array_equal(segtutor.segment(image, model="tiny"), before)
    assert np.array_equal(segtutor.segment(image, model=load_lesson_model("tiny")), before)


@pytest.mark.parametrize("name", ["tiny", "lraspp_mobilenet_v3_large"])
def test_the_torch_seed_decides_random_weights(name):
    kept = list(models_module._CHECKPOINTS)
    torch.manual_seed(1)
    first = load_model(name, weights="random", device="cpu")
    torch.manual_seed(1)
    same_seed = load_model(name, weights="random", device="cpu")
    torch.manual_seed(2)
    other_seed = load_model(name, weights="random", device="cpu")
    assert first is not same_seed and same_state(first, same_seed.state_dict())
    key = next(k for k, v in first.state_dict().items() if v.is_floating_point() and v.dim() == 4)
    assert not torch.equal(first.state_dict()[key], other_seed.state_dict()[key])
    assert list(models_module._CHECKPOINTS) == kept  # random weights are never kept


@pytest.mark.parametrize("name", ["tiny", "fcn_resnet50"])
def test_a_misspelt_weights_choice_is_the_same_value_error_for_every_model(name):
    with pytest.raises(ValueError, match=r"^`weights` must be 'pretrained', 'random' or a path, got 'pretraind'$"):
        load_model(name, weights="pretraind")


@pytest.mark.parametrize("name", ["tiny", "fcn_resnet50"])
def test_a_missing_checkpoint_file_is_the_same_error_for_every_model(name, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^`weights` checkpoint not found: .*missing\.pth$"):
        load_model(name, weights=tmp_path / "missing.pth")


def test_the_kept_checkpoint_is_never_shared_with_a_model(torch_home, monkeypatch):
    written = cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    model = load_model("lraspp_mobilenet_v3_large", device="cpu")
    [(_, kept)] = models_module._CHECKPOINTS.values()
    pointers = {t.untyped_storage().data_ptr() for t in kept.state.values()}
    assert not pointers & {t.untyped_storage().data_ptr() for t in model.state_dict().values()}
    with torch.no_grad():
        for tensor in model.state_dict().values():
            tensor.zero_()
    assert all(torch.equal(kept.state[k], written[k]) for k in written)
    assert same_state(load_model("lraspp_mobilenet_v3_large", device="cpu"), written)


@pytest.fixture
def looked_up(monkeypatch):
    """The model names `get_spec` is asked for (a spec passed through is not a lookup), wherever it is called from."""
    import sys

    names, real = [], registry_module.get_spec

    def counting(name):
        names.append(name) if isinstance(name, str) else None
        return real(name)

    for module in [m for n, m in sys.modules.items() if n.startswith("segtutor") and getattr(m, "get_spec", None) is real]:
        monkeypatch.setattr(module, "get_spec", counting)
    return names


def test_the_name_becomes_a_spec_once_per_load(torch_home, monkeypatch, looked_up):
    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.5)
    looked_up.clear()
    load_model("lraspp_mobilenet_v3_large")
    segtutor.models.load_with_fallback("fcn_resnet50")  # falls back to random weights
    segtutor.models.load_with_fallback("tiny")
    assert looked_up == ["lraspp_mobilenet_v3_large", "fcn_resnet50", "tiny"]


def test_load_model_takes_a_spec():
    spec = get_spec("tiny")
    assert get_spec(spec) is spec
    model = load_model(spec, device="cpu")
    assert ModelSpec.of(model) is spec and same_state(model, load_model("tiny").state_dict())
    assert checkpoint_path(spec) == checkpoint_path("tiny") == spec.checkpoint


def test_a_tiny_checkpoint_with_its_own_classes_loads_with_them(tmp_path):
    path = segtutor.models.save_tiny_model(segtutor.TinySegNet(num_classes=3, widths=(4, 4, 8, 8)), tmp_path / "three.pt",
                                    classes=["sky", "sea", "boat"])
    model = load_model("tiny", weights=path, device="cpu")
    assert model.classes == ("sky", "sea", "boat") and segtutor.class_names(model) == ["sky", "sea", "boat"]
    assert model.widths == (4, 4, 8, 8) and model.classifier.out_channels == 3


def test_the_explorers_turn_a_chosen_model_name_into_a_spec_once(looked_up):
    """From the menu's value in widgets.explore_segmentation / explore_comparison down to the build: one lookup."""
    from segtutor import widgets

    explorer = widgets.explore_segmentation(model="tiny", image="scene-1")
    looked_up.clear()
    explorer.controls["model"].value = "lraspp_mobilenet_v3_large"  # random weights offline: a new result
    explorer.controls["alpha"].value = 0.3  # a redraw looks nothing up
    assert looked_up == ["lraspp_mobilenet_v3_large"]
    comparison = widgets.explore_comparison(model_a="tiny", model_b="lraspp_mobilenet_v3_large", image="scene-1")
    looked_up.clear()
    comparison.controls["model_a"].value = "fcn_resnet50"  # random weights offline: the fallback shows tiny
    assert sorted(looked_up) == ["fcn_resnet50", "lraspp_mobilenet_v3_large", "tiny"]  # each model, once
