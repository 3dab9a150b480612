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
