import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from segtutor import cli, load_image, load_model, segment
from segtutor.cli import main
from segtutor.data import save_label_png, voc_colormap
from segtutor.models import CheckpointError, checkpoint_path

ROOT = Path(__file__).resolve().parents[1]


def test_weights_list_shows_cached_failing_and_missing(torch_home, capsys, monkeypatch):
    from ._checkpoint_files import cache_random_state

    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.0)
    size = checkpoint_path("lraspp_mobilenet_v3_large").stat().st_size / 1e6
    checkpoint_path("fcn_resnet50").write_bytes(b"x" * 1_500_000)  # not the official file
    assert main(["weights", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = {line.split()[0]: line.split()[2:] for line in out[1:]}
    assert lines["lraspp_mobilenet_v3_large"] == ["cached", f"{size:.1f}"]
    assert lines["fcn_resnet50"] == ["failing", "1.5"]
    assert lines["fcn_resnet101"] == ["missing", "207.7", "to", "download"]
    assert out[-1] == ("fcn_resnet50: fcn_resnet50_coco-1167a1af.pth fails its hash check (corrupt, truncated or not the "
                       "official file); it will not be loaded. Delete it and download it again "
                       "(python -m segtutor weights download fcn_resnet50).")


def test_weights_download_reports_a_cached_file_that_fails_its_hash_check(torch_home, capsys):
    path = checkpoint_path("fcn_resnet50")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * 10)
    assert main(["weights", "download", "fcn_resnet50"]) == 2
    assert capsys.readouterr().err.startswith(f"segtutor: error: cached checkpoint file '{path}' fails its hash check")


def test_weights_download_uses_torch_hub_with_progress_and_hash(torch_home, monkeypatch, capsys):
    monkeypatch.delenv("SEGTUTOR_OFFLINE")
    calls = []

    def fake_download(url, dst, hash_prefix, progress):
        calls.append((url.rsplit("/", 1)[1], hash_prefix, progress))
        open(dst, "wb").close()

    monkeypatch.setattr(torch.hub, "download_url_to_file", fake_download)
    assert main(["weights", "download", "fcn_resnet50", "lraspp_mobilenet_v3_large"]) == 0
    assert calls == [("fcn_resnet50_coco-1167a1af.pth", "1167a1af", True),
                     ("lraspp_mobilenet_v3_large-d234d4ea.pth", "d234d4ea", True)]
    assert main(["weights", "download", "--all"]) == 0
    assert len(calls) == 6  # the two already cached are not downloaded again
    assert "fcn_resnet101: " in capsys.readouterr().out


def test_weights_download_offline_fails_with_the_message(torch_home, capsys):
    assert main(["weights", "download", "fcn_resnet101"]) == 2
    assert "error: Pretrained weights for 'fcn_resnet101' are unavailable" in capsys.readouterr().err


def test_weights_download_unknown_name(torch_home, capsys):
    assert main(["weights", "download", "fcn"]) == 2
    assert "`name` must be one of deeplabv3_mobilenet_v3_large" in capsys.readouterr().err


def test_weights_download_needs_names_or_all(capsys):
    with pytest.raises(SystemExit):
        main(["weights", "download"])
    assert "name one or more models, or pass --all" in capsys.readouterr().err


def test_segment_writes_a_palette_png_of_class_ids(tmp_path, capsys):
    checkpoint = tmp_path / "lraspp.pth"
    torch.save(load_model("lraspp_mobilenet_v3_large", weights="random", cache=False).state_dict(), checkpoint)
    out = tmp_path / "mask.png"
    argv = ["segment", "chelsea", "--model", "lraspp_mobilenet_v3_large", "--weights", str(checkpoint), "--out", str(out)]
    assert main([*argv, "--preprocessing", "seed"]) == 0
    mask = Image.open(out)
    assert mask.mode == "P" and mask.size == (451, 300)
    values = np.asarray(mask)
    assert values[0, 0] == 255 and values[150, 225] < 21  # cropped-away corner, centre
    assert mask.getpalette()[3 * 15: 3 * 16] == [192, 128, 128]  # person's VOC colour
    assert capsys.readouterr().out.startswith(f"wrote {out}: 451x300 class map")
    # by default, the model's own transforms: the whole photo is segmented, as segment() does it
    assert main(argv) == 0
    model = load_model("lraspp_mobilenet_v3_large", weights=checkpoint, device="cpu")
    assert np.array_equal(np.asarray(Image.open(out)), segment("chelsea", model=model))
    assert np.asarray(Image.open(out)).max() < 21


def test_segment_writes_an_overlay_too(tmp_path):
    out, over = tmp_path / "mask.png", tmp_path / "overlay.png"
    assert main(["segment", "chelsea", "--model", "tiny", "--preprocessing", "seed", "--out", str(out), "--overlay", str(over),
                 "--alpha", "1"]) == 0
    labels = np.asarray(Image.open(out))
    blended = np.asarray(Image.open(over))
    photo = np.asarray(load_image("chelsea"))
    assert blended.shape == (300, 451, 3)
    # outside the crop (255) the photo is untouched; inside, alpha=1 paints the VOC colour of each id
    assert np.array_equal(blended[labels == 255], photo[labels == 255])
    inside = labels != 255
    assert np.array_equal(blended[inside], voc_colormap(256)[labels[inside]])


def test_segment_without_weights_fails_cleanly(torch_home, tmp_path, capsys):
    assert main(["segment", "chelsea", "--model", "fcn_resnet50", "--out", str(tmp_path / "m.png")]) == 2
    assert "Wanted file: fcn_resnet50_coco-1167a1af.pth" in capsys.readouterr().err


def test_save_label_png_refuses_ids_above_255(tmp_path):
    with pytest.raises(ValueError, match=r"`labels` must hold class ids in 0..255, got values in 0..256"):
        save_label_png(np.array([[0, 256]]), tmp_path / "x.png")


def test_module_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "segtutor", "weights", "list"], capture_output=True, text=True,
                            env={"TORCH_HOME": str(tmp_path), "SEGTUTOR_OFFLINE": "1", "PATH": ""}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["model", "file", "status", "size", "(MB)"]


def test_usage_names_the_command_as_it_was_run(tmp_path):
    """``segtutor --help`` (pip's script, run as it runs it) says ``usage: segtutor``; ``python -m segtutor --help``
    says ``usage: python -m segtutor``."""
    script = str(tmp_path / "bin" / "segtutor")  # pip's script: sys.argv[0] is its path, and it calls segtutor.cli:main
    runs = {"segtutor": ["-c", f"import sys; sys.argv[0] = {script!r}; from segtutor.cli import main; sys.exit(main())"],
            "python -m segtutor": ["-m", "segtutor"]}
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEGTUTOR_OFFLINE": "1"}
    for prog, command in runs.items():
        shown = subprocess.run([sys.executable, *command, "--help"], capture_output=True, text=True, env=env, timeout=120)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith(f"usage: {prog} [-h] {{weights,segment,evaluate}} ...\n"), shown.stdout


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "photo.png"
    Image.fromarray(np.random.default_rng(3).integers(0, 256, (40, 48, 3), dtype=np.uint8)).save(path)
    return path


def _fails_with_one_line(argv, capsys, pattern):
    assert main([str(arg) for arg in argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1 and "Traceback" not in captured.err
    assert re.fullmatch(f"segtutor: error: {pattern}\n", captured.err), captured.err


def test_segment_refuses_to_write_over_the_input(tmp_path, photo, capsys):
    before = photo.read_bytes()
    same = r"'.*photo\.png' is the input image '.*photo\.png'; refusing to write over it"
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", photo], capsys, f"--out {same}")
    (tmp_path / "sub").mkdir()
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / "sub" / ".." / "photo.png"], capsys, f"--out {same}")
    os.link(photo, tmp_path / "link.png")  # another name for the same file
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / "link.png"], capsys,
                         r"--out '.*link\.png' is the input image '.*photo\.png'; refusing to write over it")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / "m.png", "--overlay", photo], capsys, f"--overlay {same}")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / "m.png", "--overlay", tmp_path / "m.png"],
                         capsys, r"--out and --overlay must be different files, got '.*m\.png' and '.*m\.png'")
    assert photo.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.png", "photo.png", "sub"]


def test_segment_refuses_to_write_over_the_weights_file(tmp_path, photo, capsys):
    checkpoint = tmp_path / "weights.png"  # an odd name, but a checkpoint all the same
    checkpoint.write_bytes(b"checkpoint")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--weights", checkpoint, "--out", checkpoint], capsys,
                         r"--out '.*weights\.png' is the --weights file '.*weights\.png'; refusing to write over it")
    assert checkpoint.read_bytes() == b"checkpoint"


def test_segment_checks_every_option_before_touching_a_file(torch_home, tmp_path, photo, capsys):
    existing = tmp_path / "existing.jpg"
    existing.write_bytes(b"my holiday photo")
    # fcn_resnet50 has no weights here: each refusal below comes before the model is even loaded
    base = ["segment", photo, "--model", "fcn_resnet50"]
    _fails_with_one_line([*base, "--out", existing], capsys, r"--out must end in \.png, got '.*existing\.jpg'")
    _fails_with_one_line([*base, "--out", tmp_path / "m.png", "--overlay", tmp_path / "o.gif"], capsys,
                         r"--overlay must end in \.png, \.jpg or \.jpeg, got '.*o\.gif'")
    _fails_with_one_line([*base, "--out", tmp_path / "nowhere" / "m.png"], capsys, r"--out folder '.*nowhere' does not exist")
    (tmp_path / "dir.png").mkdir()
    _fails_with_one_line([*base, "--out", tmp_path / "dir.png"], capsys, r"--out '.*dir\.png' is a folder")
    _fails_with_one_line([*base, "--out", tmp_path / "m.png", "--alpha", "1.5"], capsys, r"--alpha must be in \[0, 1\], got 1\.5")
    _fails_with_one_line([*base, "--out", tmp_path / "m.png", "--weights", tmp_path / "no.pth"], capsys,
                         r"--weights must be 'pretrained', 'random' or a checkpoint file, got '.*no\.pth'")
    assert existing.read_bytes() == b"my holiday photo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.png", "existing.jpg", "photo.png"]


def test_segment_user_errors_are_one_line_without_a_traceback(torch_home, tmp_path, photo, monkeypatch, capsys):
    out = tmp_path / "m.png"
    _fails_with_one_line(["segment", tmp_path / "nope.png", "--model", "tiny", "--out", out], capsys,
                         r"`source` file '.*nope\.png' does not exist")
    (tmp_path / "notes.png").write_text("not an image")
    _fails_with_one_line(["segment", tmp_path / "notes.png", "--model", "tiny", "--out", out], capsys,
                         r"`source` file '.*notes\.png' is not an image PIL can read, or not in a format segtutor accepts \(PNG, JPEG, WebP, BMP, GIF, TIFF\)")
    Image.new("RGB", (2000, 32)).save(tmp_path / "strip.png")
    _fails_with_one_line(["segment", tmp_path / "strip.png", "--model", "tiny", "--out", out], capsys,
                         r"`image` is 2000x32 pixels, an aspect ratio of 62\.5:1; the limit is 10:1 \(crop it into pieces\)")
    _fails_with_one_line(["segment", photo, "--model", "fcn_resnet50", "--out", out], capsys,
                         r"Pretrained weights for 'fcn_resnet50' are unavailable: .* Wanted file: fcn_resnet50_coco-1167a1af\.pth .*")

    def bad_checkpoint(*args, **kwargs):
        raise CheckpointError("checkpoint 'x.pth' is not a state dict.\nFix: save model.state_dict().")

    monkeypatch.setattr(cli, "load_model", bad_checkpoint)
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", out], capsys,
                         r"checkpoint 'x\.pth' is not a state dict\. Fix: save model\.state_dict\(\)\.")
    with pytest.raises(SystemExit) as exited:
        main(["segment", str(photo), "--model", "fcn", "--out", str(out)])
    assert exited.value.code == 2 and "argument --model: invalid choice: 'fcn'" in capsys.readouterr().err
    assert not out.exists()


class _DiskFull:
    """A file that takes half the bytes, then fails as a full disk does."""

    def __init__(self, file):
        self.file = file

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()

    def write(self, data):
        self.file.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failure", ["write", "rename"])
def test_a_failed_write_leaves_no_partial_file(tmp_path, photo, monkeypatch, capsys, failure):
    out, over = tmp_path / "mask.png", tmp_path / "overlay.png"
    out.write_bytes(b"the previous mask")
    if failure == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *args, **kwargs: _DiskFull(real_fdopen(*args, **kwargs)))
    else:
        def refuse(*args):
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(os, "replace", refuse)
    message = (r"could not write --out '.*mask\.png' \(No space left on device\); no file was changed" if failure == "write"
               else r"could not replace --out '.*mask\.png' \(Invalid cross-device link\); no file was changed")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", out, "--overlay", over], capsys, message)
    assert out.read_bytes() == b"the previous mask"  # neither replaced nor truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.png", "photo.png"]  # no temporary file left over


def test_segment_writes_through_a_temporary_file_with_the_usual_permissions(tmp_path, photo):
    out, over = tmp_path / "mask.png", tmp_path / "overlay.jpg"
    assert main(["segment", str(photo), "--model", "tiny", "--out", str(out), "--overlay", str(over)]) == 0
    assert Image.open(out).format == "PNG" and Image.open(over).format == "JPEG"
    assert np.asarray(Image.open(out)).shape == (40, 48)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.png", "overlay.jpg", "photo.png"]


def _scenes_voc(root, n=5):
    """A VOC-layout folder written by write_voc whose val split holds `n` scenes (an odd 5: padding would show)."""
    from segtutor import make_scenes, write_voc

    return write_voc(root, *make_scenes(2 * n, size=64, seed=2), val_fraction=0.5)


def test_evaluate_prints_the_table_and_writes_the_matrix_as_json(tmp_path, capsys):
    from segtutor.data import open_dataset
    from segtutor.metrics import Scores, evaluate_dataset

    root = _scenes_voc(tmp_path / "voc")
    out = tmp_path / "r.json"
    assert main(["evaluate", "tiny", "--dataset", "voc", "--root", str(root), "--json", str(out), "--workers", "0"]) == 0
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    expected = evaluate_dataset(load_model("tiny"), open_dataset("voc", root), workers=0, progress=False)
    np.testing.assert_array_equal(np.array(report["confusion_matrix"]), expected.confusion)
    again = Scores(np.array(report["confusion_matrix"]), class_names=report["class_names"])
    assert report["mean_iou"] == again.mean_iou and report["pixel_accuracy"] == again.pixel_accuracy
    assert (report["model"], report["dataset"], report["split"], report["images"]) == ("tiny", "voc", "val", 5)
    assert printed.startswith(again.table()) and f"wrote {out}" in printed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


@pytest.mark.parametrize(("extra", "pattern"), [
    (["--json", "r.txt"], r"--json must end in \.json, got 'r\.txt'"),
    (["--json", "missing/r.json"], r"--json folder 'missing' does not exist"),
    (["--weights", "w.json", "--json", "w.json"], r"--json 'w\.json' is the --weights file 'w\.json'; refusing to write over it"),
    (["--json", "voc/old.json"], r"--json 'voc/old\.json' is a file inside the dataset's --root 'voc'; refusing to write over it"),
    (["--split", "test"], r"no split file .*test\.txt; the split files there are: train, trainval, val"),
    (["--batch-size", "0"], r"`batch_size` must be at least 1, got 0"),
])
def test_evaluate_user_errors_are_one_line(tmp_path, capsys, monkeypatch, extra, pattern):
    monkeypatch.chdir(tmp_path)
    _scenes_voc(tmp_path / "voc")
    (tmp_path / "w.json").write_text("{}")
    (tmp_path / "voc" / "old.json").write_text("{}")
    _fails_with_one_line(["evaluate", "tiny", "--dataset", "voc", "--root", "voc", "--workers", "0", *extra], capsys, pattern)
    assert (tmp_path / "w.json").read_text() == "{}" and (tmp_path / "voc" / "old.json").read_text() == "{}"


def test_evaluate_refuses_a_mask_id_the_model_cannot_predict(tmp_path, capsys):
    root = _scenes_voc(tmp_path / "voc")
    class_map = np.zeros((64, 64), np.int64)
    class_map[:4] = 9
    save_label_png(class_map, root / "SegmentationClass" / "scene_000006.png")
    argv = ["evaluate", "tiny", "--dataset", "voc", "--root", root, "--workers", "0", "--json", tmp_path / "r.json"]
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err  # the progress bar so far, then one error line
    assert re.fullmatch(r"segtutor: error: mask .*scene_000006\.png holds class id 9, which the model cannot predict: .*", err.splitlines()[-1])
    assert "Traceback" not in err
    assert not (tmp_path / "r.json").exists()
    assert main([str(a) for a in argv] + ["--num-classes", "10"]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["confusion_matrix"][9][:5] != [0] * 5


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_evaluate_under_torchrun_with_two_gloo_processes_writes_the_single_process_matrix(tmp_path):
    root = _scenes_voc(tmp_path / "voc")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "SEGTUTOR_OFFLINE": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    command = ["-m", "segtutor", "evaluate", "tiny", "--dataset", "voc", "--root", str(root), "--batch-size", "1", "--workers", "1"]
    single = subprocess.run([sys.executable, *command, "--json", str(tmp_path / "one.json")], capture_output=True, text=True,
                            env=env, timeout=300)
    assert single.returncode == 0, single.stderr
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", f"--master_port={_free_port()}"]
    double = subprocess.run([*torchrun, *command, "--json", str(tmp_path / "two.json")], capture_output=True, text=True,
                            env=env, timeout=300)
    assert double.returncode == 0, double.stderr
    one, two = (json.loads((tmp_path / name).read_text()) for name in ("one.json", "two.json"))
    assert one["images"] == two["images"] == 5
    assert np.array(one["confusion_matrix"]).sum() > 0 and two["confusion_matrix"] == one["confusion_matrix"]
    assert two == one
    assert double.stdout.count("mean (macro)") == 1  # rank 0 alone prints the table


def _no_model(*args, **kwargs):
    raise AssertionError("the model was loaded before the outputs were checked")


@pytest.fixture
def old_pair(tmp_path):
    out, over = tmp_path / "mask.png", tmp_path / "overlay.png"
    out.write_bytes(b"the previous mask")
    over.write_bytes(b"the previous overlay")
    return out, over


def test_a_full_disk_on_the_second_write_leaves_both_old_files(tmp_path, photo, old_pair, monkeypatch, capsys):
    import errno

    out, over = old_pair
    calls = []

    def fill(file, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        file.write(data)

    monkeypatch.setattr(cli, "_fill", fill)
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", out, "--overlay", over], capsys,
                         r"could not write --overlay '.*overlay\.png' \(No space left on device\); no file was changed")
    assert len(calls) == 2
    assert out.read_bytes() == b"the previous mask" and over.read_bytes() == b"the previous overlay"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.png", "overlay.png", "photo.png"]


def test_an_interrupt_between_the_two_renames_puts_the_first_file_back(tmp_path, photo, old_pair, monkeypatch, capsys):
    out, over = old_pair
    renames = []
    real = cli._rename

    def rename(source, target):
        renames.append(Path(target).name)
        if len(renames) == 2:
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(cli, "_rename", rename)
    assert main(["segment", str(photo), "--model", "tiny", "--out", str(out), "--overlay", str(over)]) == 130
    assert capsys.readouterr().err == "segtutor: error: interrupted\n"
    assert renames[:2] == ["mask.png", "overlay.png"]  # the mask was replaced, then put back
    assert out.read_bytes() == b"the previous mask" and over.read_bytes() == b"the previous overlay"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.png", "overlay.png", "photo.png"]


def test_a_pair_write_replaces_both_files(tmp_path, photo, old_pair):
    out, over = old_pair
    assert main(["segment", str(photo), "--model", "tiny", "--out", str(out), "--overlay", str(over)]) == 0
    assert Image.open(out).format == "PNG" and Image.open(over).size == (48, 40)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.png", "overlay.png", "photo.png"]


def test_the_longest_valid_names_work_and_longer_ones_are_refused_up_front(tmp_path, photo, monkeypatch, capsys):
    # 252 characters: the old temporary '.<name>.XXXXXXXX.part' was too long, and failed after the model ran.
    out, over = tmp_path / ("m" * 248 + ".png"), tmp_path / ("o" * 251 + ".png")
    assert main(["segment", str(photo), "--model", "tiny", "--out", str(out), "--overlay", str(over)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, over.name, "photo.png"])
    capsys.readouterr()
    monkeypatch.setattr(cli, "load_model", _no_model)
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / ("x" * 252 + ".png")], capsys,
                         r"--out name 'x{252}\.png' is 256 bytes long; the folder '.*' allows at most 255")


def test_outputs_are_checked_before_the_model_runs(tmp_path, photo, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_model", _no_model)
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / ".png"], capsys,
                         r"--out '.*/\.png' has an empty name: nothing before \.png")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", tmp_path / "m.png", "--overlay", tmp_path / ".JPG"],
                         capsys, r"--overlay '.*/\.JPG' has an empty name: nothing before \.JPG")
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o555)
    elif os.path.isdir("/sys"):  # root writes anywhere a mode allows nothing; sysfs refuses new files even to root
        folder = Path("/sys")
    else:
        pytest.skip("needs a folder this user cannot write to")
    _fails_with_one_line(["segment", photo, "--model", "tiny", "--out", folder / "m.png"], capsys,
                         r"--out folder '.*' is not writable \(Permission denied\)")


def test_weights_that_are_no_file_say_what_they_are(tmp_path, photo, capsys):
    (tmp_path / "folder.pth").mkdir()
    base = ["segment", photo, "--model", "tiny", "--out", tmp_path / "m.png"]
    _fails_with_one_line([*base, "--weights", tmp_path / "folder.pth"], capsys,
                         r"--weights '.*folder\.pth' is a folder, not a checkpoint file")
    _fails_with_one_line([*base, "--weights", ""], capsys,
                         r"--weights is empty; pass 'pretrained', 'random' or a checkpoint file")
    if os.path.exists("/dev/zero"):
        _fails_with_one_line([*base, "--weights", "/dev/zero"], capsys,
                             r"--weights '/dev/zero' is a character device, not a checkpoint file")


@pytest.fixture(scope="module")
def lraspp_state():
    torch.manual_seed(0)
    return load_model("lraspp_mobilenet_v3_large", weights="random", cache=False).state_dict()


@pytest.mark.parametrize("damage, message", [
    ("nan", r"checkpoint file '.*bad\.pth' holds 432 non-finite values \(inf or NaN\) in 'backbone\.0\.0\.weight': a model "
            r"with them answers NaN; was it saved after training diverged\? Use one saved before\."),
    ("negative variance", r"checkpoint file '.*bad\.pth' holds negative BatchNorm variances in 'backbone\.0\.1\.running_var' "
                          r"\(min -1\): a variance is never below 0, so the file is damaged; use another copy\."),
    ("nested", r"checkpoint file '.*bad\.pth' holds 1 nested tensors \(e\.g\. backbone\.0\.0\.weight\); a state dict holds "
               r"plain tensors: save model\.state_dict\(\) again\."),
])
def test_damaged_weights_are_one_line_naming_the_file(tmp_path, photo, capsys, lraspp_state, damage, message):
    state = dict(lraspp_state)
    if damage == "nan":
        state["backbone.0.0.weight"] = torch.full_like(state["backbone.0.0.weight"], float("nan"))
    elif damage == "negative variance":
        state["backbone.0.1.running_var"] = torch.full_like(state["backbone.0.1.running_var"], -1.0)
    else:
        state["backbone.0.0.weight"] = torch.nested.nested_tensor(list(state["backbone.0.0.weight"][:2]))
    torch.save(state, tmp_path / "bad.pth")
    _fails_with_one_line(["segment", photo, "--model", "lraspp_mobilenet_v3_large", "--weights", tmp_path / "bad.pth",
                          "--out", tmp_path / "m.png"], capsys, message)
    assert not (tmp_path / "m.png").exists()


def test_any_other_failure_is_one_line_too(tmp_path, photo, monkeypatch, capsys):
    def overflowed(*args, **kwargs):
        raise FloatingPointError("the model's 'out' output holds 3 non-finite values (inf or NaN) out of 9: check it")

    monkeypatch.setattr(cli, "segment", overflowed)
    base = ["segment", photo, "--model", "tiny", "--out", tmp_path / "m.png"]
    _fails_with_one_line(base, capsys, r"the model's 'out' output holds 3 non-finite values \(inf or NaN\) out of 9: check it")

    def raw(*args, **kwargs):
        raise RuntimeError("something\nunforeseen")

    monkeypatch.setattr(cli, "segment", raw)
    _fails_with_one_line(base, capsys, r"unexpected RuntimeError: something unforeseen")


def test_a_three_class_tiny_checkpoint_works_through_the_cli(tmp_path, photo):
    # The CLI takes no num_classes: the checkpoint's own class count and names are used.
    from segtutor.models import save_tiny_model
    from segtutor.models._tiny import TinySegNet

    torch.manual_seed(0)
    save_tiny_model(TinySegNet(num_classes=3), tmp_path / "three.pth", classes=["sky", "sea", "sand"])
    out = tmp_path / "m.png"
    assert main(["segment", str(photo), "--model", "tiny", "--weights", str(tmp_path / "three.pth"), "--out", str(out),
                 "--overlay", str(tmp_path / "o.png")]) == 0
    assert np.asarray(Image.open(out)).max() < 3
