import io
import os

import numpy as np
import pytest
from PIL import Image

from segtutor import load_image, sample_names
from segtutor.data import SAMPLES


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


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_character_device_is_named_as_such():
    with pytest.raises(ValueError, match=r"^`source` '/dev/zero' is a character device, not an image file$"):
        load_image("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_is_named_as_such(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"^`source` '.*pipe\.png' is a FIFO \(named pipe\), not an image file$"):
        load_image(fifo)


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match=r"`source` must be a path, bytes, a PIL image, a NumPy array or a sample name, got int"):
        load_image(3)
    with pytest.raises(TypeError, match=r"`source` array must be uint8 .*, got float64 of shape \(2, 2\)"):
        load_image(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"`source` array must be uint8 .*, got uint8 of shape \(2, 2, 2\)"):
        load_image(np.zeros((2, 2, 2), dtype=np.uint8))


def _grey_file(tmp_path, values, mode, fmt):
    path = tmp_path / f"grey.{fmt.lower()}"
    image = Image.frombytes(mode, (values.shape[1], values.shape[0]), values.tobytes()) if mode.startswith("I;16") \
        else Image.fromarray(values)
    image.save(path, format=fmt)
    return path


@pytest.mark.parametrize("mode, dtype, fmt", [("I;16", "<u2", "PNG"), ("I;16B", ">u2", "PNG"), ("I;16B", ">u2", "TIFF")])
def test_16_bit_images_are_divided_by_257(tmp_path, mode, dtype, fmt):
    values = np.array([[0, 257, 32896], [65535, 65407, 128]], dtype=dtype)
    path = _grey_file(tmp_path, values, mode, fmt)
    assert Image.open(path).mode.startswith("I;16")  # PIL keeps the 16 bits
    expected = [[0, 1, 128], [255, 255, 0]]  # 65407 / 257 = 254.502 -> 255, 128 / 257 -> 0
    assert np.asarray(load_image(path))[..., 0].tolist() == expected
    assert np.array_equal(np.asarray(load_image(path)), np.repeat(np.array(expected, np.uint8)[..., None], 3, axis=2))


def test_32_bit_integer_tiff_is_read_as_16_bit(tmp_path):
    path = _grey_file(tmp_path, np.array([[0, 257, 65535, 514]], dtype=np.int32), "I", "TIFF")
    assert Image.open(path).mode == "I"
    assert np.asarray(load_image(path))[0, :, 1].tolist() == [0, 1, 255, 2]


def test_float_tiff_in_0_1_is_multiplied_by_255(tmp_path):
    path = _grey_file(tmp_path, np.array([[0.0, 0.2, 0.5, 1.0]], dtype=np.float32), "F", "TIFF")
    assert Image.open(path).mode == "F"
    assert np.asarray(load_image(path))[0, :, 2].tolist() == [0, 51, 128, 255]


def test_high_bit_depth_out_of_range_names_the_mode(tmp_path):
    float_path = _grey_file(tmp_path, np.array([[0.0, 1.5]], dtype=np.float32), "F", "TIFF")
    with pytest.raises(ValueError, match=r"`source` file '.*grey\.tiff' is a mode 'F' image with values in 0\.\.1\.5; "
                                         r"load_image reads such images only with values in \[0, 1\]"):
        load_image(float_path)
    with pytest.raises(ValueError, match=r"`source` is a mode 'F' image with values in nan\.\.nan"):
        load_image(Image.fromarray(np.array([[np.nan]], dtype=np.float32)))
    with pytest.raises(ValueError, match=r"`source` is a mode 'I' image with values in -5\.\.70000; .* only with values in 0\.\.65535"):
        load_image(Image.fromarray(np.array([[-5, 70000]], dtype=np.int32)))


def test_decompression_bomb_is_a_chained_value_error(tmp_path, monkeypatch, rgb_array):
    path = tmp_path / "bomb.png"
    Image.fromarray(rgb_array).save(path)  # 35 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)  # PIL refuses more than twice this
    with pytest.raises(ValueError, match=r"`source` file '.*bomb\.png' has too many pixels to be read safely, "
                                         r"a possible decompression bomb") as caught:
        load_image(path)
    assert isinstance(caught.value.__cause__, Image.DecompressionBombError)
    with pytest.raises(ValueError, match=r"`source` bytes has too many pixels"):
        load_image(path.read_bytes())


def test_check_image_size_limits_the_ratio_and_the_resized_pixels():
    from segtutor.data._images import MAX_ASPECT_RATIO, MAX_WORK_PIXELS, check_image_size

    assert (MAX_ASPECT_RATIO, MAX_WORK_PIXELS) == (10, 4_000_000)
    check_image_size((320, 32), resize=256)  # 10:1 exactly: 2560x256 after resizing
    check_image_size((2000, 2000))  # 4,000,000 pixels exactly
    check_image_size((4000, 3000), resize=520)  # 693x520 after resizing
    with pytest.raises(ValueError, match=r"^`image` is 321x32 pixels, an aspect ratio of 10\.03:1; the limit is 10:1 \(crop it into pieces\)$"):
        check_image_size((321, 32), resize=256)
    with pytest.raises(ValueError, match=r"^the photo is 32x40000 pixels, an aspect ratio of 1250:1"):
        check_image_size((32, 40000), name="the photo")
    with pytest.raises(ValueError, match=r"^`image` has 2001x2000 = 4,002,000 pixels; the limit is 4,000,000 pixels \(scale it down\)$"):
        check_image_size((2001, 2000))
    with pytest.raises(ValueError, match=r"^`image` would be 3157x2100 = 6,629,700 pixels after resizing its shorter side to 2100; "
                                         r"the limit is 4,000,000 pixels"):
        check_image_size((451, 300), resize=2100)
    with pytest.raises(ValueError, match=r"^`image` is empty: 5x0 pixels$"):
        check_image_size((5, 0))


_PEAK_SCRIPT = """
import resource, sys
from PIL import Image
import segtutor
from segtutor.cli import main

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

before = peak_mib()
for name, call in [("load_image", lambda: segtutor.load_image(sys.argv[1])),
                   ("segment", lambda: segtutor.segment(Image.open(sys.argv[1]), model="tiny"))]:
    try:
        call()
    except ValueError as err:
        print(name, "refused:", err)
print("cli exit", main(["segment", sys.argv[1], "--model", "tiny", "--weights", "random", "--out", sys.argv[2]]))
print(f"peak MiB {before:.0f} -> {peak_mib():.0f}")
"""


def test_a_144_mp_png_is_refused_from_its_header_without_decoding_it(tmp_path):
    # 12000x12000 solid colour: 450 KB on disk, 576 MB in PIL, 2.1 GB through the old load_image.
    import subprocess
    import sys

    from ._huge_png import huge_png

    path = huge_png(tmp_path / "huge.png", 12000, 12000)
    assert path.stat().st_size < 1_000_000
    run = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, str(path), str(tmp_path / "mask.png")],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "TORCH_HOME": str(tmp_path)})
    limit = (r"'.*huge\.png' has 12000x12000 = 144,000,000 pixels; load_image reads at most 50,000,000 "
             r"\(scale it down first\)")
    import re
    assert re.search(r"load_image refused: `source` file " + limit, run.stdout), run.stdout + run.stderr
    assert re.search(r"segment refused: `source` has 12000x12000 = 144,000,000 pixels", run.stdout), run.stdout
    assert re.search(r"segtutor: error: `source` file " + limit, run.stderr), run.stderr
    assert "cli exit 2" in run.stdout
    before, after = map(float, re.search(r"peak MiB (\d+) -> (\d+)", run.stdout).groups())
    assert after - before < 100, run.stdout  # nothing of the image's size (576 MB) was allocated
    assert not (tmp_path / "mask.png").exists()


def test_every_kind_of_source_is_bounded_in_pixels(tmp_path, monkeypatch, rgb_array):
    from segtutor.data import _images

    assert _images.MAX_IMAGE_PIXELS == 50_000_000
    monkeypatch.setattr(_images, "MAX_IMAGE_PIXELS", 34)  # rgb_array is 7x5 = 35 pixels
    path = tmp_path / "photo.png"
    Image.fromarray(rgb_array).save(path)
    with pytest.raises(ValueError, match=r"^`source` file '.*photo\.png' has 7x5 = 35 pixels; load_image reads at most 34 \(scale it down first\)$"):
        load_image(path)
    with pytest.raises(ValueError, match=r"^`source` bytes has 7x5 = 35 pixels"):
        load_image(path.read_bytes())
    with pytest.raises(ValueError, match=r"^`source` has 7x5 = 35 pixels"):
        load_image(Image.open(path))
    with pytest.raises(ValueError, match=r"^`source` array has 7x5 = 35 pixels"):
        load_image(rgb_array)
    monkeypatch.setattr(_images, "MAX_IMAGE_PIXELS", 35)
    assert np.array_equal(np.asarray(load_image(path)), rgb_array)


def test_only_the_listed_formats_are_opened(tmp_path, monkeypatch):
    # An EPS is refused before Pillow parses it: Ghostscript never runs on its bytes.
    from PIL import EpsImagePlugin

    def ghostscript(*args, **kwargs):
        raise AssertionError("Ghostscript was called")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    eps = tmp_path / "figure.eps"
    eps.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 4 4\nshowpage\n%%EOF\n")
    with pytest.raises(ValueError, match=r"^`source` file '.*figure\.eps' is not an image PIL can read, or not in a "
                                         r"format segtutor accepts \(PNG, JPEG, WebP, BMP, GIF, TIFF\)$"):
        load_image(eps)
    for fmt in ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF"):
        buffer = io.BytesIO()
        Image.new("RGB", (3, 2), (0, 0, 0)).save(buffer, format=fmt)
        assert load_image(buffer.getvalue()).size == (3, 2)
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2)).save(buffer, format="PPM")
    with pytest.raises(ValueError, match=r"^`source` bytes is not an image PIL can read, or not in a format"):
        load_image(buffer.getvalue())


def test_a_sample_name_given_as_a_path_says_samples_are_strings():
    from pathlib import Path

    with pytest.raises(FileNotFoundError, match=r"^`source` file 'astronaut' does not exist; a sample is named by a str, "
                                                r"not a path: load_image\('astronaut'\)$"):
        load_image(Path("astronaut"))


def test_a_pil_image_is_copied_never_returned_itself(rgb_array):
    image = Image.fromarray(rgb_array)
    loaded = load_image(image)
    assert loaded is not image and np.array_equal(np.asarray(loaded), rgb_array)
    loaded.putpixel((0, 0), (1, 2, 3))
    assert np.array_equal(np.asarray(image), rgb_array)
