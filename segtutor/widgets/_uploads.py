"""Uploads: the first file of a ``FileUpload`` value, checked before it is decoded."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..data._images import check_image_size, load_image

__all__ = ["MAX_UPLOAD_BYTES", "MAX_UPLOAD_PIXELS", "read_upload"]

MAX_UPLOAD_BYTES = 20_000_000
"""Largest upload the explorer accepts, in bytes."""
MAX_UPLOAD_PIXELS = 25_000_000
"""Largest upload the explorer accepts, in pixels (width x height)."""


def read_upload(value: Any, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_UPLOAD_PIXELS) -> Image.Image:
    """Read the first file of a ``FileUpload`` value (ipywidgets 7 dict or 8 tuple) as an RGB image.

    Raises
    ------
    ValueError
        If nothing was uploaded, the file exceeds `max_bytes` or `max_pixels`,
        it is not a readable image, or it is thinner than 1 :
        :data:`segtutor.data.MAX_ASPECT_RATIO` (checked on the header, before decoding).
    """
    files = list(value.values()) if isinstance(value, dict) else list(value)
    if not files:
        raise ValueError("no file was uploaded")
    content = bytes(files[0]["content"])
    if len(content) > max_bytes:
        raise ValueError(f"the file has {len(content):,} bytes; the limit is {max_bytes:,}")
    try:
        with Image.open(io.BytesIO(content)) as probe:  # reads the header only
            width, height = probe.size
    except Image.DecompressionBombError:
        raise ValueError(f"the image has far more than {max_pixels:,} pixels") from None
    except (UnidentifiedImageError, OSError):
        name = files[0].get("name") or files[0].get("metadata", {}).get("name", "the file")
        raise ValueError(f"{name!r} is not an image PIL can read") from None
    if width * height > max_pixels:
        raise ValueError(f"the image has {width}x{height} pixels; the limit is {max_pixels:,} pixels")
    check_image_size((width, height), name="the image", max_pixels=max_pixels)
    return load_image(content)
