"""A corpus of hostile and broken checkpoints: no code ever runs, every file is refused with a CheckpointError.

The hostile files run code when unpickled fully (``torch.load(..., weights_only=False)``, which
torchvision's builders do): they leave a marker file and append to a global.
:func:`test_the_payloads_run_code_when_unpickled_fully` proves that they are armed.
They come as torch's zip format, its legacy format and raw pickles, in torchvision's cache
under the official file name and by path, for a torchvision model and for the tiny model.
"""

import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

import segtutor
from segtutor import CheckpointError, TinySegNet, load_lesson_model, load_model, segment
from segtutor.cli import main
from segtutor.models import _registry as registry_module
from segtutor.models import _tiny as tiny_module
from segtutor.models import checkpoint_path, load_state_dict, load_with_fallback, save_tiny_model
from segtutor.widgets._cache import segment_cached

from ._checkpoint_files import match_hash_prefix

NAME = "lraspp_mobilenet_v3_large"
RAN: list[str] = []  # the payloads append here when they run


def plant(marker: str, result=None):
    """What a hostile checkpoint runs: leaves a marker file, sets a global, returns `result` (a valid checkpoint)."""
    Path(marker).write_text("code ran")
    RAN.append(marker)
    return result


class RunsCode:
    def __init__(self, marker, result=None):
        self.marker, self.result = str(marker), result

    def __reduce__(self):
        return plant, (self.marker, self.result)


class RunsExec:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('code ran')",)


def write_hostile(folder: Path, marker: Path, valid) -> dict[str, Path]:
    """Hostile files whose full unpickling runs code; the 'state' ones then return `valid`, a valid checkpoint."""
    folder.mkdir(parents=True, exist_ok=True)
    payloads = {"code": RunsCode(marker), "state": RunsCode(marker, valid), "exec": {"w": torch.zeros(2), "x": RunsExec(marker)}}
    files = {}
    for kind, payload in payloads.items():
        for style, zipped in (("zip", True), ("legacy", False)):
            files[f"{kind}-{style}"] = folder / f"{kind}-{style}.pth"
            torch.save(payload, files[f"{kind}-{style}"], _use_new_zipfile_serialization=zipped)
    for protocol in (2, 4):
        files[f"pickle{protocol}"] = folder / f"pickle{protocol}.pth"
        files[f"pickle{protocol}"].write_bytes(pickle.dumps(RunsCode(marker), protocol=protocol))
    return files


KINDS = ["code-zip", "code-legacy", "state-zip", "state-legacy", "exec-zip", "exec-legacy", "pickle2", "pickle4"]


def _valid_state() -> dict:
    return load_model(NAME, weights="random", device="cpu", cache=False).state_dict()


def _valid_tiny(folder: Path) -> dict:
    return torch.load(save_tiny_model(TinySegNet(widths=(4, 4, 8, 8)), folder / "valid-tiny.pt"), weights_only=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """{"lraspp" | "tiny": {kind: path}}, and the marker any payload would create."""
    folder = tmp_path_factory.mktemp("corpus")
    marker = folder / "MARKER"
    files = {"lraspp": write_hostile(folder / "lraspp", marker, _valid_state()),
             "tiny": write_hostile(folder / "tiny", marker, _valid_tiny(folder))}
    yield files, marker
    assert not marker.exists() and not RAN


def _refused(call, path: Path, match: str = r"is refused: unpickling it fully could run arbitrary code|is corrupt, truncated or not a PyTorch checkpoint"):
    """`call` raises a CheckpointError that names `path` and never suggests a way around the safe reader."""
    with pytest.raises(CheckpointError, match=match) as info:
        call()
    message = str(info.value)
    assert str(path) in message
    assert "weights_only" not in message and "safe_globals" not in message
    return message


def _no_code_ran(marker: Path):
    assert not marker.exists() and RAN == []


def test_the_payloads_run_code_when_unpickled_fully(tmp_path):
    marker = tmp_path / "MARKER"
    state = _valid_state()
    files = write_hostile(tmp_path / "armed", marker, state)
    try:
        for kind, path in files.items():
            marker.unlink(missing_ok=True)
            try:
                result = torch.load(path, weights_only=False)
            except Exception:
                result = None
            assert marker.exists(), kind
            if kind.startswith("state"):  # the variant that also returns a valid state dict would load silently
                model = load_model(NAME, weights="random", device="cpu", cache=False)
                load_state_dict(model, result, source=kind)
    finally:
        RAN.clear()


def _put_in_cache(path: Path) -> Path:
    cached = checkpoint_path(NAME)
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, cached)
    return cached


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_cached_file_fails_its_hash_check_before_anything_reads_it(torch_home, corpus, monkeypatch, kind):
    files, marker = corpus
    cached = _put_in_cache(files["lraspp"][kind])
    monkeypatch.setattr(torch, "load", lambda *args, **kwargs: pytest.fail("the file was read before its hash check"))
    _refused(lambda: load_model(NAME), cached, r"fails its hash check .* Delete it and download it again")
    _no_code_ran(marker)


CACHED_ENTRY_POINTS = {
    "load_model": lambda out: load_model(NAME),
    "segment": lambda out: segment(np.zeros((40, 40, 3), np.uint8), model=NAME),
    "load_lesson_model": lambda out: load_lesson_model(NAME),
    "load_with_fallback": lambda out: load_with_fallback(NAME),
    "explorer": lambda out: segment_cached.cache_clear() or segment_cached(NAME, "scene-0", "seed"),
}


@pytest.mark.parametrize("entry", [*CACHED_ENTRY_POINTS, "cli"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_cached_file_whose_hash_matches_is_refused_unread(torch_home, corpus, monkeypatch, capsys, kind, entry):
    """A forged file can match 8 hex digits of SHA-256: the safe reader still refuses it."""
    files, marker = corpus
    cached = _put_in_cache(files["lraspp"][kind])
    match_hash_prefix(cached, monkeypatch)
    out = torch_home / "mask.png"
    if entry == "cli":
        assert main(["segment", "chelsea", "--model", NAME, "--out", str(out)]) == 2
        error = capsys.readouterr().err
        assert error.startswith(f"segtutor: error: checkpoint file '{cached}' ") and "Traceback" not in error
        assert "Delete it and download it again" in error and not out.exists()
    else:
        message = _refused(lambda: CACHED_ENTRY_POINTS[entry](out), cached)
        assert message.endswith(f"Delete it and download it again (python -m segtutor weights download {NAME}).")
    _no_code_ran(marker)


@pytest.mark.parametrize("entry", ["load_model", "cli"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_file_given_by_path_is_refused_unread(torch_home, corpus, capsys, kind, entry):
    files, marker = corpus
    path = files["lraspp"][kind]
    if entry == "cli":
        out = torch_home / "mask.png"
        assert main(["segment", "chelsea", "--model", NAME, "--weights", str(path), "--out", str(out)]) == 2
        assert capsys.readouterr().err.startswith(f"segtutor: error: checkpoint file '{path}' ") and not out.exists()
    else:
        message = _refused(lambda: load_model(NAME, weights=path), path)
        assert message.endswith("Save it again as a plain state dict: torch.save(model.state_dict(), path).")
    _no_code_ran(marker)


TINY_ENTRY_POINTS = {
    "load_tiny_model": lambda path: segtutor.load_tiny_model(weights=path),
    "load_model": lambda path: load_model("tiny", weights=path),
    "segment": lambda path: segment(np.zeros((40, 40, 3), np.uint8), model=load_model("tiny", weights=path)),
}


@pytest.mark.parametrize("entry", [*TINY_ENTRY_POINTS, "shipped", "cli"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_tiny_checkpoint_is_refused_unread(torch_home, corpus, monkeypatch, capsys, kind, entry):
    files, marker = corpus
    path = files["tiny"][kind]
    if entry == "cli":
        assert main(["segment", "chelsea", "--model", "tiny", "--weights", str(path), "--out", str(torch_home / "m.png")]) == 2
        assert capsys.readouterr().err.startswith(f"segtutor: error: checkpoint file '{path}' ")
    elif entry == "shipped":  # the file shipped inside the package, replaced
        monkeypatch.setattr(tiny_module, "TINY_CHECKPOINT", path)
        spec = registry_module.get_spec("tiny")
        monkeypatch.setitem(registry_module._SPECS, "tiny", replace(spec, weights=replace(spec.weights, url=path)))
        for load in (lambda: load_model("tiny"), segtutor.load_tiny_model):
            assert _refused(load, path).endswith("Reinstall segtutor to restore it.")
    else:
        _refused(lambda: TINY_ENTRY_POINTS[entry](path), path)
    _no_code_ran(marker)


def test_weights_list_shows_a_hostile_cached_file_as_failing(torch_home, corpus, capsys):
    files, marker = corpus
    _put_in_cache(files["lraspp"]["state-zip"])
    assert main(["weights", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith(NAME + " "))
    assert row.split()[2] == "failing"
    assert f"{NAME}: {checkpoint_path(NAME).name} fails its hash check" in lines[-1]
    _no_code_ran(marker)


def _broken(folder: Path) -> dict[str, Path]:
    """Damaged copies of a valid state dict: empty, random bytes, truncated (zip and legacy), not a state dict."""
    folder.mkdir(exist_ok=True)
    files = {name: folder / f"{name}.pth" for name in ("empty", "random", "cut-zip", "cut-legacy", "a-list")}
    files["empty"].write_bytes(b"")
    files["random"].write_bytes(np.random.default_rng(0).bytes(10_000))
    for style, zipped in (("zip", True), ("legacy", False)):
        torch.save({"w": torch.zeros(10_000)}, files[f"cut-{style}"], _use_new_zipfile_serialization=zipped)
        files[f"cut-{style}"].write_bytes(files[f"cut-{style}"].read_bytes()[:20_000])
    torch.save([torch.zeros(1)], files["a-list"])
    return files


@pytest.mark.parametrize("kind", ["empty", "random", "cut-zip", "cut-legacy", "a-list"])
def test_a_broken_file_in_the_cache_or_by_path_is_a_checkpoint_error(torch_home, monkeypatch, kind):
    path = _broken(torch_home / "broken")[kind]
    expected = r"holds a list, not a state dict" if kind == "a-list" else r"is corrupt, truncated or not a PyTorch checkpoint"
    _refused(lambda: load_model(NAME, weights=path), path, expected)
    cached = _put_in_cache(path)
    match_hash_prefix(cached, monkeypatch)
    _refused(lambda: load_model(NAME), cached, expected)
