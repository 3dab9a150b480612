"""Loading images: files, bytes, arrays, PIL images and the bundled samples; the size limits on them."""

from __future__ import annotations

import io
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeAlias

import numpy as np
from PIL import Image, UnidentifiedImageError

from .._checks import StrPath, upright

ImageSource: TypeAlias = StrPath | bytes | Image.Image | np.ndarray
"""What :func:`load_image` accepts: a sample name, a file, encoded bytes, a PIL image or a uint8 array."""

__all__ = ["IMAGE_FORMATS", "MAX_IMAGE_PIXELS", "SAMPLES", "Sample", "load_image", "sample_names"]

MAX_IMAGE_PIXELS = 50_000_000
"""Most pixels (width x height) a photo may have when :func:`load_image` reads it: 8000x6000 fits.
A file's size is read from its header and checked before anything is decoded: a PNG of
140 KB can hold 144 MP, which would take 2 GB decoded."""
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
"""The file formats :func:`load_image` reads, by Pillow's names (a camera's multi-picture JPEG, which Pillow
names MPO, is read as JPEG). Any other file is refused before Pillow parses it: an EPS, for one,
would make Pillow run Ghostscript on its bytes."""
NOT_READ = "is not an image PIL can read, or not in a format segtutor accepts (PNG, JPEG, WebP, BMP, GIF, TIFF)"

MAX_ASPECT_RATIO = 10
"""Longest side over shortest side that :func:`segtutor.preprocess`, :func:`segtutor.segment`
and the explorers accept. Resizing scales the shorter side, so a thin image would grow
without bound: a 2000x32 strip becomes 32500x520 under a weights transform."""
MAX_WORK_PIXELS = 4_000_000
"""Most pixels an image may have after resizing, the size the transforms and the model work on."""


@dataclass(frozen=True)
class Sample:
    """A sample photo bundled with scikit-image, with what it shows and its licence."""

    name: str
    shows: str
    licence: str


SAMPLES: dict[str, Sample] = {
    s.name: s
    for s in [
        Sample("astronaut", "astronaut Eileen Collins (a person)",
               "public domain, NASA Great Images database"),
        Sample("chelsea", "Chelsea the cat", "CC0, photographer Stefan van der Walt"),
        Sample("coffee", "a coffee cup on a saucer", "CC0, photographer Rachel Michetti"),
        Sample("rocket", "a Falcon 9 launch", "public domain, released by SpaceX"),
    ]
}
"""Sample images, all read from scikit-image's bundled data (no download)."""


def sample_names() -> list[str]:
    """Return the names of the bundled sample images.

    Returns
    -------
    list of str
        Names accepted by :func:`load_image`.

    Examples
    --------
    >>> sample_names()
    ['astronaut', 'chelsea', 'coffee', 'rocket']
    """
    return list(SAMPLES)


def load_image(source: ImageSource) -> Image.Image:
    """Load an image as an RGB ``PIL.Image.Image``.

    Parameters
    ----------
    source : str, os.PathLike, bytes, PIL.Image.Image or numpy.ndarray
        A sample name (see :func:`sample_names`), a path to an image file,
        the bytes of an encoded image, a PIL image of any mode, or a uint8
        array of shape (H, W), (H, W, 3) or (H, W, 4).

    Returns
    -------
    PIL.Image.Image
        A new image in mode ``"RGB"``, turned upright according to its EXIF
        orientation tag (by :func:`segtutor._checks.upright`, as every
        function that takes a PIL image does).

    Notes
    -----
    High-bit-depth grey images are scaled to 8 bits, not clipped: 16-bit
    modes (``"I;16"``, ``"I;16B"``, ...) are divided by 257, so 65535 becomes
    255; 32-bit integer images (mode ``"I"``) are read as 16-bit values and
    must lie in 0..65535; float images (mode ``"F"``) must lie in [0, 1] and
    are multiplied by 255. Values are rounded to the nearest integer. An
    image outside those ranges raises ``ValueError`` naming its mode.

    Files and bytes are read only in the formats of :data:`IMAGE_FORMATS`
    (PNG, JPEG, WebP, BMP, GIF, TIFF), and an image of any kind may have at
    most :data:`MAX_IMAGE_PIXELS` pixels; a file's size is checked on its
    header, before it is decoded.

    Raises
    ------
    TypeError
        If `source` is of an unsupported type, or an array is not uint8.
    ValueError
        If a string is neither a file nor a sample name, a path names a folder,
        a device, a FIFO or a socket rather than a regular file, a file or bytes are
        not a readable image in one of :data:`IMAGE_FORMATS`, an array has an
        unsupported shape, a high-bit-depth image is out of range (see Notes),
        or the image has more than :data:`MAX_IMAGE_PIXELS` pixels (Pillow's
        own decompression-bomb error is chained).
    FileNotFoundError
        If `source` looks like a path (it has a folder or a suffix) and no
        such file exists.

    Examples
    --------
    >>> image = load_image("chelsea")
    >>> image.mode, image.size
    ('RGB', (451, 300))
    """
    if isinstance(source, Image.Image):
        return _to_rgb(source, copy=True)
    if isinstance(source, np.ndarray):
        return _to_rgb(_from_array(source))  # fromarray copies an RGB array
    if isinstance(source, (bytes, bytearray)):
        return _open(io.BytesIO(source), "`source` bytes")
    if isinstance(source, (str, os.PathLike)):
        return _from_name_or_path(source)
    raise TypeError(
        "`source` must be a path, bytes, a PIL image, a NumPy array or a sample name, "
        f"got {type(source).__name__}"
    )


def _from_name_or_path(source: StrPath) -> Image.Image:
    path = Path(source)
    if path.is_file():
        with open(path, "rb") as file:
            return _open(file, f"`source` file '{path}'")
    if isinstance(source, str) and source in SAMPLES:
        import skimage.data

        return Image.fromarray(getattr(skimage.data, source)()).convert("RGB")
    if path.exists():
        raise ValueError(f"`source` '{path}' is {file_kind(path)}, not an image file")
    if not isinstance(source, str) and str(source) in SAMPLES:
        raise FileNotFoundError(f"`source` file '{path}' does not exist; a sample is named by a str, not a path: "
                                f"load_image({str(source)!r})")
    if path.suffix or len(path.parts) > 1:
        raise FileNotFoundError(f"`source` file '{path}' does not exist")
    raise ValueError(
        f"`source` '{source}' is neither an existing file nor a sample name; "
        f"valid sample names are {', '.join(SAMPLES)}"
    )


def file_kind(path: Path) -> str:
    """Name what an existing path that is not a regular file is: "a folder", "a character device", ..."""
    mode = path.stat().st_mode
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "something other than a regular file")


def _open(file: IO[bytes], what: str) -> Image.Image:
    try:
        with warnings.catch_warnings():  # Pillow warns above 89 MP; MAX_IMAGE_PIXELS is lower and refuses
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file, formats=IMAGE_FORMATS)  # reads the header only
        check_photo_pixels(image.size, what)
        image.load()
    except UnidentifiedImageError:
        raise ValueError(f"{what} {NOT_READ}") from None
    except Image.DecompressionBombError as err:
        raise ValueError(f"{what} has too many pixels to be read safely, a possible decompression bomb ({err}); "
                         f"the limit is {MAX_IMAGE_PIXELS:,} pixels") from err
    except (OSError, SyntaxError) as err:
        raise ValueError(f"{what} is truncated or corrupt ({err})") from None
    return _to_rgb(image, what=what)


def check_photo_pixels(size: tuple[int, int], what: str = "`source`") -> None:
    """Refuse a photo of more than :data:`MAX_IMAGE_PIXELS` pixels, from its (width, height) alone."""
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise ValueError(f"{what} has {width}x{height} = {width * height:,} pixels; load_image reads at most "
                         f"{MAX_IMAGE_PIXELS:,} (scale it down first)")


def _to_rgb(image: Image.Image, *, what: str = "`source`", copy: bool = False) -> Image.Image:
    """The image upright in RGB: a new image when `copy` (the caller's own), else possibly `image` itself."""
    check_photo_pixels(image.size, what)
    turned = _to_8_bits(upright(image), what)
    if turned.mode in ("RGBA", "LA", "PA") or (turned.mode == "P" and "transparency" in turned.info):
        background = Image.new("RGB", turned.size, (255, 255, 255))
        background.paste(turned.convert("RGBA"), mask=turned.convert("RGBA").getchannel("A"))
        return background
    if turned.mode != "RGB":
        return turned.convert("RGB")
    return turned.copy() if copy and turned is image else turned


def _to_8_bits(image: Image.Image, what: str) -> Image.Image:
    """Scale a 16-bit, 32-bit integer or float grey image to 8 bits (see :func:`load_image`'s Notes)."""
    if not image.mode.startswith(("I", "F")):
        return image
    values = np.asarray(image).astype(np.float64)
    top, limit = (1.0, "[0, 1]") if image.mode == "F" else (65535.0, "0..65535")
    if values.size and not (np.isfinite(values).all() and values.min() >= 0 and values.max() <= top):
        low, high = values.min(), values.max()
        raise ValueError(
            f"{what} is a mode {image.mode!r} image with values in {low:g}..{high:g}; "
            f"load_image reads such images only with values in {limit}"
        )
    return Image.fromarray(np.rint(values * (255.0 / top)).astype(np.uint8), mode="L")


def resized_size(size: tuple[int, int], resize: int) -> tuple[int, int]:
    """The (width, height) that ``T.Resize(resize)`` gives an image of `size`: shorter side to `resize`.

    Like torchvision, it keeps the aspect ratio and rounds the longer side down.

    Examples
    --------
    >>> resized_size((451, 300), 256)
    (384, 256)
    """
    width, height = size
    new_long = int(resize * max(width, height) / min(width, height))
    return (resize, new_long) if width <= height else (new_long, resize)


def check_image_size(size: tuple[int, int], *, resize: int | None = None, name: str = "`image`",
                     max_pixels: int = MAX_WORK_PIXELS) -> None:
    """Refuse an image that is empty, too thin, or too big after resizing, before anything is allocated.

    Parameters
    ----------
    size : (int, int)
        The image's (width, height).
    resize : int or None, optional
        The length its shorter side gets, as in ``T.Resize(resize)``; None
        when the image is used at its own size.
    name : str, optional
        How messages name the image.
    max_pixels : int, optional
        Most pixels allowed after resizing.

    Raises
    ------
    ValueError
        If a side is 0, the aspect ratio exceeds :data:`MAX_ASPECT_RATIO`,
        or the resized image would exceed `max_pixels` pixels.

    Examples
    --------
    >>> check_image_size((2000, 32), resize=520)
    Traceback (most recent call last):
    ...
    ValueError: `image` is 2000x32 pixels, an aspect ratio of 62.5:1; the limit is 10:1 (crop it into pieces)
    """
    width, height = size
    short, long = sorted((width, height))
    if short < 1:
        raise ValueError(f"{name} is empty: {width}x{height} pixels")
    if long > MAX_ASPECT_RATIO * short:
        raise ValueError(f"{name} is {width}x{height} pixels, an aspect ratio of {round(long / short, 2):g}:1; "
                         f"the limit is {MAX_ASPECT_RATIO}:1 (crop it into pieces)")
    if resize is not None:
        width, height = resized_size(size, resize)
    if width * height > max_pixels:
        has = f"has {width}x{height}" if resize is None else f"would be {width}x{height}"
        resized = "" if resize is None else f" after resizing its shorter side to {resize}"
        raise ValueError(f"{name} {has} = {width * height:,} pixels{resized}; "
                         f"the limit is {max_pixels:,} pixels (scale it down)")


def _from_array(array: np.ndarray) -> Image.Image:
    if array.ndim >= 2:
        check_photo_pixels((array.shape[1], array.shape[0]), "`source` array")
    if array.dtype != np.uint8:
        raise TypeError(
            f"`source` array must be uint8 of shape (H, W), (H, W, 3) or (H, W, 4), "
            f"got {array.dtype} of shape {array.shape}"
        )
    if array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4)):
        return Image.fromarray(array)
    raise ValueError(
        f"`source` array must be uint8 of shape (H, W), (H, W, 3) or (H, W, 4), "
        f"got {array.dtype} of shape {array.shape}"
    )
