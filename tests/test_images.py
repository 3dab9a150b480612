import io

import numpy as np
import pytest
from PIL import Image

from segtutor import SAMPLES, load_image, sample_names


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def rgb_array():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(5, 7, 3), dtype=np.uint8)


@pytest.mark.parametrize("name", sample_names())
def test_every_sample_loads_as_rgb_with_its_documented_size(name):
    image = load_image(name)
    assert isinstance(image, Image.Image) and image.mode == "RGB"
    import skimage.data

    assert np.array_equal(np.asarray(image), getattr(skimage.data, name)())


def test_samples_name_a_licence_each():
    assert sample_names() == ["astronaut", "chelsea", "coffee", "rocket"]
    for sample in SAMPLES.values():
        assert ("public domain" in sample.licence) or ("CC0" in sample.licence)


def test_array_path_bytes_and_pil_give_the_same_pixels(tmp_path, rgb_array):
    path = tmp_path / "img.png"
    Image.fromarray(rgb_array).save(path)
    for source in (rgb_array, path, str(path), path.read_bytes(), Image.fromarray(rgb_array)):
        assert np.array_equal(np.asarray(load_image(source)), rgb_array)


def test_grayscale_and_palette_modes_become_rgb():
    gray = np.array([[0, 128], [255, 7]], dtype=np.uint8)
    image = load_image(gray)
    assert image.mode == "RGB"
    assert np.array_equal(np.asarray(image), np.repeat(gray[..., None], 3, axis=2))
    palette_image = Image.fromarray(gray).convert("P")
    assert load_image(palette_image).mode == "RGB"


def test_transparent_pixels_are_composited_on_white():
    rgba = np.array([[[10, 20, 30, 255], [10, 20, 30, 0]]], dtype=np.uint8)
    assert np.asarray(load_image(rgba)).tolist() == [[[10, 20, 30], [255, 255, 255]]]


def test_exif_orientation_is_applied():
    # A 4 wide x 2 high image with a red top-left pixel, tagged "rotate 90 CW to view" (orientation 6).
    pixels = np.zeros((2, 4, 3), dtype=np.uint8)
    pixels[0, 0] = (255, 0, 0)
    image = Image.fromarray(pixels)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    upright = np.asarray(load_image(buffer.getvalue()))
    assert upright.shape == (4, 2, 3)
    # Rotating 90 degrees clockwise moves the top-left pixel to the top-right.
    assert upright[0, 1].tolist() == [255, 0, 0]
    assert upright[0, 0].tolist() == [0, 0, 0]


def test_missing_path_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`source` file '.*nope\.png' does not exist"):
        load_image(tmp_path / "nope.png")


def test_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not an image")
    with pytest.raises(ValueError, match=r"`source` file '.*notes\.txt' is not an image PIL can read"):
        load_image(path)


def test_truncated_image_file(tmp_path, rgb_array):
    data = _png_bytes(Image.fromarray(np.tile(rgb_array, (20, 20, 1))))
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"`source` file '.*cut\.png' is truncated or corrupt"):
        load_image(path)


def test_bytes_that_are_not_an_image():
    with pytest.raises(ValueError, match=r"`source` bytes is not an image PIL can read"):
        load_image(b"hello")


def test_unknown_sample_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"`source` 'astronot' is neither .* valid sample names are astronaut, chelsea, coffee, rocket"):
        load_image("astronot")


def test_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"is a folder, not an image file"):
        load_image(tmp_path)


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match=r"`source` must be a path, bytes, a PIL image, a NumPy array or a sample name, got int"):
        load_image(3)
    with pytest.raises(TypeError, match=r"`source` array must be uint8 .*, got float64 of shape \(2, 2\)"):
        load_image(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"`source` array must be uint8 .*, got uint8 of shape \(2, 2, 2\)"):
        load_image(np.zeros((2, 2, 2), dtype=np.uint8))
