"""Pictures as bytes for widgets.Image (segtutor.widgets._encode): PNG exact, JPEG close and the right size."""

import io

import numpy as np
import pytest
from PIL import Image

from segtutor.widgets._encode import to_jpeg, to_png


def _decode(data: bytes):
    image = Image.open(io.BytesIO(data))
    return image.format, image.mode, np.asarray(image)


@pytest.mark.parametrize("shape, mode", [((7, 5), "L"), ((7, 5, 3), "RGB")])
def test_png_round_trip_is_exact(shape, mode):
    array = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    assert _decode(to_png(array))[:2] == ("PNG", mode)
    assert np.array_equal(_decode(to_png(array))[2], array)


def test_png_of_a_strided_view_is_the_views_pixels():
    array = np.random.default_rng(1).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    for view in (array[::-1], array[:, ::2], array.transpose(1, 0, 2)):
        assert np.array_equal(_decode(to_png(view))[2], view)


def test_jpeg_decodes_to_the_right_size_and_close_to_the_photo():
    rows, cols = np.mgrid[0:30, 0:45]
    photo = np.stack([rows * 8, cols * 5, np.full_like(rows, 128)], axis=-1).astype(np.uint8)  # smooth: JPEG keeps it well
    kind, mode, decoded = _decode(to_jpeg(photo))
    assert (kind, mode, decoded.shape) == ("JPEG", "RGB", (30, 45, 3))
    assert np.abs(decoded.astype(int) - photo).mean() < 3
    flipped = _decode(to_jpeg(photo[:, ::-1]))[2]  # a strided view is encoded as it looks
    assert np.abs(flipped.astype(int) - photo[:, ::-1]).mean() < 3


def test_jpeg_quality_trades_size_for_fidelity():
    photo = np.random.default_rng(2).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    low, high = to_jpeg(photo, quality=10), to_jpeg(photo, quality=95)
    assert len(low) < len(high)
    error = [np.abs(_decode(data)[2].astype(int) - photo).mean() for data in (low, high)]
    assert error[1] < error[0]
