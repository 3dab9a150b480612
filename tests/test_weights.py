import socket
import time
import urllib.error

import pytest
import torch

from segtutor import (
    CheckpointError, WeightsUnavailableError, checkpoint_path, download_weights, load_state_dict, read_checkpoint,
    weights_status,
)
from segtutor import weights as weights_module

LRASPP_URL = "https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth"


def test_checkpoint_path_is_torchvisions_cache(torch_home):
    assert checkpoint_path("fcn_resnet101") == torch_home / "hub" / "checkpoints" / "fcn_resnet101_coco-7ecb50ca.pth"


def test_offline_switch_fails_fast_with_the_fixes(torch_home):
    start = time.perf_counter()
    with pytest.raises(WeightsUnavailableError) as info:
        download_weights("fcn_resnet101")
    assert time.perf_counter() - start < 1
    message = str(info.value)
    assert "SEGTUTOR_OFFLINE is set" in message
    assert "Wanted file: fcn_resnet101_coco-7ecb50ca.pth" in message
    assert f"Cache folder: {torch_home / 'hub' / 'checkpoints'}" in message
    assert "run once with internet access" in message and "copy the file into the cache folder" in message
    assert "load_model('fcn_resnet101', weights='random')" in message


def test_a_failed_download_becomes_a_typed_error_with_a_socket_timeout(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    calls = []

    def offline_download(url, dst, hash_prefix, progress):
        calls.append((url, hash_prefix, socket.getdefaulttimeout()))
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline_download)
    with pytest.raises(WeightsUnavailableError, match=rf"downloading {LRASPP_URL} failed: URLError"):
        download_weights("lraspp_mobilenet_v3_large")
    assert calls == [(LRASPP_URL, "d234d4ea", weights_module.DOWNLOAD_TIMEOUT)]
    assert socket.getdefaulttimeout() is None


def test_a_wrong_hash_becomes_a_typed_error(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")

    def bad_hash(url, dst, hash_prefix, progress):
        raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "00000000")')

    monkeypatch.setattr(torch.hub, "download_url_to_file", bad_hash)
    with pytest.raises(WeightsUnavailableError, match=r"failed: RuntimeError: invalid hash value"):
        download_weights("lraspp_mobilenet_v3_large")


def test_weights_status_reports_cached_and_missing(torch_home):
    path = checkpoint_path("fcn_resnet50")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * 2_000_000)
    rows = {row["model"]: row for row in weights_status()}
    assert rows["fcn_resnet50"] == {"model": "fcn_resnet50", "file": path.name, "status": "cached", "size (MB)": "2.0"}
    assert rows["fcn_resnet101"]["status"] == "missing"
    assert rows["fcn_resnet101"]["size (MB)"] == "207.7 to download"


def test_read_checkpoint_round_trip(tmp_path):
    state = {"w": torch.arange(3.0)}
    torch.save(state, tmp_path / "ok.pth")
    assert torch.equal(read_checkpoint(tmp_path / "ok.pth")["w"], state["w"])


def test_truncated_checkpoint_says_delete_and_download_again(tmp_path):
    path = tmp_path / "cut.pth"
    torch.save({"w": torch.zeros(1000)}, path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CheckpointError, match=r"checkpoint file '.*cut\.pth' is corrupt or truncated .* Delete it and download it again"):
        read_checkpoint(path)


def test_garbage_checkpoint_is_corrupt(tmp_path):
    path = tmp_path / "junk.pth"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match=r"'.*junk\.pth' is corrupt or truncated"):
        read_checkpoint(path)


class Custom:
    pass


def test_checkpoint_needing_full_unpickling_is_refused(tmp_path):
    path = tmp_path / "pickled.pth"
    torch.save({"w": torch.zeros(1), "extra": Custom()}, path)
    with pytest.raises(CheckpointError, match=r"needs full unpickling \(it holds a .*Custom\), which can run arbitrary code, so it is refused"):
        read_checkpoint(path)


def test_checkpoint_that_is_not_a_state_dict(tmp_path):
    torch.save([torch.zeros(1)], tmp_path / "list.pth")
    with pytest.raises(CheckpointError, match=r"holds a list, not a state dict of tensors"):
        read_checkpoint(tmp_path / "list.pth")


def test_missing_checkpoint_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"checkpoint file '.*none\.pth' does not exist"):
        read_checkpoint(tmp_path / "none.pth")


def test_load_state_dict_explains_mismatches():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.Conv2d(4, 21, 1))
    state = model.state_dict()
    state["1.weight"] = torch.zeros(10, 4, 1, 1)
    state.pop("0.bias")
    state["head.weight"] = torch.zeros(1)
    with pytest.raises(CheckpointError) as info:
        load_state_dict(model, state, source="checkpoint file 'x.pth'")
    message = str(info.value)
    assert message.startswith("checkpoint file 'x.pth' does not fit Sequential: 1 missing keys (e.g. 0.bias)")
    assert "1 unexpected keys (e.g. head.weight)" in message
    assert "1 shape mismatches (e.g. 1.weight: checkpoint (10, 4, 1, 1) vs model (21, 4, 1, 1))" in message
    assert "another number of classes" in message
