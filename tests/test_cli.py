import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from segtutor import checkpoint_path, load_image, load_model, voc_colormap
from segtutor import save_label_png
from segtutor.cli import main


def test_weights_list_shows_cached_failing_and_missing(torch_home, capsys, monkeypatch):
    from .checkpoints import cache_random_state

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
    assert capsys.readouterr().err.startswith(f"error: cached checkpoint file '{path}' fails its hash check")


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
    assert main(["segment", "chelsea", "--model", "lraspp_mobilenet_v3_large", "--weights", str(checkpoint), "--out", str(out)]) == 0
    mask = Image.open(out)
    assert mask.mode == "P" and mask.size == (451, 300)
    values = np.asarray(mask)
    assert values[0, 0] == 255 and values[150, 225] < 21  # cropped-away corner, centre
    assert mask.getpalette()[3 * 15: 3 * 16] == [192, 128, 128]  # person's VOC colour
    assert capsys.readouterr().out.startswith(f"wrote {out}: 451x300 class map")


def test_segment_writes_an_overlay_too(tmp_path):
    out, over = tmp_path / "mask.png", tmp_path / "overlay.png"
    assert main(["segment", "chelsea", "--model", "tiny", "--out", str(out), "--overlay", str(over), "--alpha", "1"]) == 0
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
    with pytest.raises(ValueError, match=r"`labels` must be a \(H, W\) class map with ids in 0..255, got shape \(1, 2\)"):
        save_label_png(np.array([[0, 256]]), tmp_path / "x.png")


def test_module_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "segtutor", "weights", "list"], capture_output=True, text=True,
                            env={"TORCH_HOME": str(tmp_path), "SEGTUTOR_OFFLINE": "1", "PATH": ""}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["model", "file", "status", "size", "(MB)"]
