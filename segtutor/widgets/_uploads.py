"""Uploads: the first file of a ``FileUpload`` value, checked before it is decoded, and scaled down to the explorers' size."""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..data._images import IMAGE_FORMATS, MAX_WORK_PIXELS, NOT_READ, check_image_size, load_image

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_PIXELS", "UPLOAD_PIXELS", "read_upload"]

MAX_UPLOAD_BYTES = 20_000_000
"""Largest upload the explorer accepts, in bytes."""
MAX_UPLOAD_PIXELS = 25_000_000
"""Largest upload the explorer accepts, in pixels (width x height)."""
UPLOAD_PIXELS = MAX_WORK_PIXELS
"""An accepted upload larger than this (in pixels) is scaled down to it, keeping its aspect ratio:
the explorers show and segment a picture of at most 4 MP, never the upload's full size."""


def read_upload(value: Any, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_UPLOAD_PIXELS) -> Image.Image:
    """Read the first file of a ``FileUpload`` value (ipywidgets 7 dict or 8 tuple) as an RGB image.

    Only PNG, JPEG, WebP, BMP, GIF and TIFF files are opened (``segtutor.data.IMAGE_FORMATS``):
    any other format is refused before Pillow parses it, so an EPS never reaches Ghostscript.
    An image of more than :data:`UPLOAD_PIXELS` pixels is scaled down to that many.

    Raises
    ------
    ValueError
        If nothing was uploaded, the file exceeds `max_bytes` or `max_pixels`,
        it is not a readable image in one of those formats, or it is thinner than 1 :
        :data:`segtutor.data.MAX_ASPECT_RATIO` (checked on the header, before decoding).
    """
    files = list(value.values()) if isinstance(value, dict) else list(value)
    if not files:
        raise ValueError("no file was uploaded")
    content = bytes(files[0]["content"])
    name = files[0].get("name") or files[0].get("metadata", {}).get("name", "the file")
    if len(content) > max_bytes:
        raise ValueError(f"the file has {len(content):,} bytes; the limit is {max_bytes:,}")
    try:
        with warnings.catch_warnings():  # Pillow warns above 89 MP; max_pixels is lower and refuses
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=IMAGE_FORMATS) as probe:  # reads the header only
                width, height = probe.size
    except Image.DecompressionBombError as err:
        raise ValueError(f"{name!r} has far more than {max_pixels:,} pixels ({err})") from err
    except (UnidentifiedImageError, OSError):
        raise ValueError(f"{name!r} {NOT_READ}") from None
    if width * height > max_pixels:
        raise ValueError(f"the image has {width}x{height} pixels; the limit is {max_pixels:,} pixels")
    check_image_size((width, height), name="the image", max_pixels=max_pixels)
    return _scaled_down(load_image(content))


def _scaled_down(image: Image.Image) -> Image.Image:
    """`image` (load_image's own), scaled down in place to at most :data:`UPLOAD_PIXELS` pixels."""
    width, height = image.size
    if width * height <= UPLOAD_PIXELS:
        return image
    scale = math.sqrt(UPLOAD_PIXELS / (width * height))
    image.thumbnail((max(1, int(width * scale)), max(1, int(height * scale))), Image.Resampling.LANCZOS)
    return image
