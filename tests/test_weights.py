import socket
import urllib.error

import pytest
import torch

from segtutor import CheckpointError, WeightsUnavailableError
from segtutor.models import _weights as weights_module
from segtutor.models import checkpoint_path, download_weights, weights_status

from ._checkpoint_files import cache_random_state

LRASPP_URL = "https://download.pytorch.org/models/lraspp_mobilenet_v3_large-d234d4ea.pth"


def test_checkpoint_path_is_torchvisions_cache(torch_home):
    assert checkpoint_path("fcn_resnet101") == torch_home / "hub" / "checkpoints" / "fcn_resnet101_coco-7ecb50ca.pth"


def test_offline_switch_fails_without_trying_a_download_and_gives_the_fixes(torch_home, monkeypatch):
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *args, **kwargs: pytest.fail("tried a download"))
    with pytest.raises(WeightsUnavailableError) as info:
        download_weights("fcn_resnet101")
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


def test_weights_status_reports_cached_failing_and_missing(torch_home, monkeypatch):
    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.0)
    good = checkpoint_path("lraspp_mobilenet_v3_large")
    bad = checkpoint_path("fcn_resnet50")
    bad.write_bytes(b"x" * 2_000_000)  # a copy that is not the official file
    rows = {row["model"]: row for row in weights_status()}
    assert rows["lraspp_mobilenet_v3_large"] == {"model": "lraspp_mobilenet_v3_large", "file": good.name, "status": "cached",
                                                 "size (MB)": f"{good.stat().st_size / 1e6:.1f}"}
    assert rows["fcn_resnet50"] == {"model": "fcn_resnet50", "file": bad.name, "status": "failing", "size (MB)": "2.0"}
    assert rows["fcn_resnet101"]["status"] == "missing"
    assert rows["fcn_resnet101"]["size (MB)"] == "207.7 to download"


def test_download_weights_refuses_a_cached_file_that_fails_its_hash_check(torch_home, monkeypatch):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    monkeypatch.setattr(torch.hub, "download_url_to_file", lambda *args, **kwargs: pytest.fail("tried a download"))
    path = checkpoint_path("lraspp_mobilenet_v3_large")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"cached checkpoint file '.*lraspp_mobilenet_v3_large-d234d4ea\.pth' fails its hash check \(its SHA-256 begins e3b0c442, but its name says d234d4ea\).* Delete it and download it again"):
        download_weights("lraspp_mobilenet_v3_large")
    assert path.read_bytes() == b""  # reported, not deleted behind the user's back


def test_a_file_whose_hash_matches_the_prefix_in_its_name_passes(torch_home):
    path = checkpoint_path("lraspp_mobilenet_v3_large")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")  # SHA-256 e3b0c442...
    renamed = path.with_name("lraspp_mobilenet_v3_large-e3b0c442.pth")
    path.rename(renamed)
    assert weights_module._hash_problem(renamed) is None
    assert weights_module._hash_problem(renamed.rename(path)) == "its SHA-256 begins e3b0c442, but its name says d234d4ea"
