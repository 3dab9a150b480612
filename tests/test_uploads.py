"""An upload's checks before it is decoded (segtutor.widgets._uploads): both ipywidgets formats, bytes, pixels, aspect ratio."""

import io

import numpy as np
import pytest
from PIL import Image

from segtutor.widgets import _uploads as uploads

from ._explorer_helpers import png as _png


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
    assert len(data) < 20_000 and uploads.MAX_UPLOAD_PIXELS > 200000 * 32  # under both caps

    def decode(*args, **kwargs):
        raise AssertionError("the refused upload was decoded")

    monkeypatch.setattr(uploads, "load_image", decode)
    with pytest.raises(ValueError, match=r"^the image is 200000x32 pixels, an aspect ratio of 6250:1; the limit is 10:1"):
        uploads.read_upload(({"name": "strip.png", "content": data},))


def test_read_upload_opens_only_the_listed_formats(monkeypatch):
    # An uploaded EPS is refused from its first bytes: Pillow never hands it to Ghostscript.
    from PIL import EpsImagePlugin

    def ghostscript(*args, **kwargs):
        raise AssertionError("Ghostscript was called")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 4 4\nshowpage\n%%EOF\n"
    with pytest.raises(ValueError, match=r"^'figure\.eps' is not an image PIL can read, or not in a format segtutor "
                                         r"accepts \(PNG, JPEG, WebP, BMP, GIF, TIFF\)$"):
        uploads.read_upload(({"name": "figure.eps", "content": eps},))
    for fmt in ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF"):
        buffer = io.BytesIO()
        Image.new("RGB", (3, 2)).save(buffer, format=fmt)
        assert uploads.read_upload(({"name": f"a.{fmt}", "content": buffer.getvalue()},)).size == (3, 2)


def test_read_upload_scales_a_large_image_down_to_the_explorers_size(monkeypatch):
    assert uploads.UPLOAD_PIXELS == 4_000_000
    monkeypatch.setattr(uploads, "UPLOAD_PIXELS", 50)
    data = _png(np.full((10, 20, 3), 200, dtype=np.uint8))  # 200 pixels, 2:1
    image = uploads.read_upload(({"name": "a.png", "content": data},))
    assert image.size == (10, 5) and np.asarray(image).tolist() == np.full((5, 10, 3), 200).tolist()
    monkeypatch.setattr(uploads, "UPLOAD_PIXELS", 200)
    assert uploads.read_upload(({"name": "a.png", "content": data},)).size == (20, 10)


def test_read_upload_chains_pillows_bomb_error_and_names_the_file(tmp_path):
    from ._huge_png import huge_png

    data = huge_png(tmp_path / "huge.png", 14000, 13000, colour=(0, 0, 0)).read_bytes()  # 182 MP: Pillow refuses
    with pytest.raises(ValueError, match=r"^'huge\.png' has far more than 25,000,000 pixels \(Image size") as caught:
        uploads.read_upload(({"name": "huge.png", "content": data},))
    assert isinstance(caught.value.__cause__, Image.DecompressionBombError)
