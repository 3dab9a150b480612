"""Loading images: files, bytes, arrays, PIL images and the bundled samples."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["SAMPLES", "Sample", "load_image", "sample_names"]


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


def load_image(source) -> Image.Image:
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
        The image in mode ``"RGB"``, turned upright according to its EXIF
        orientation tag.

    Raises
    ------
    TypeError
        If `source` is of an unsupported type, or an array is not uint8.
    ValueError
        If a string is neither a file nor a sample name, a file or bytes are
        not a readable image, or an array has an unsupported shape.
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
        return _to_rgb(source)
    if isinstance(source, np.ndarray):
        return _to_rgb(_from_array(source))
    if isinstance(source, (bytes, bytearray)):
        return _open(io.BytesIO(source), "`source` bytes")
    if isinstance(source, (str, os.PathLike)):
        return _from_name_or_path(source)
    raise TypeError(
        "`source` must be a path, bytes, a PIL image, a NumPy array or a sample name, "
        f"got {type(source).__name__}"
    )


def _from_name_or_path(source) -> Image.Image:
    path = Path(source)
    if path.is_file():
        with open(path, "rb") as file:
            return _open(file, f"`source` file '{path}'")
    if isinstance(source, str) and source in SAMPLES:
        import skimage.data

        return Image.fromarray(getattr(skimage.data, source)()).convert("RGB")
    if path.exists():
        raise ValueError(f"`source` '{path}' is a folder, not an image file")
    if path.suffix or len(path.parts) > 1:
        raise FileNotFoundError(f"`source` file '{path}' does not exist")
    raise ValueError(
        f"`source` '{source}' is neither an existing file nor a sample name; "
        f"valid sample names are {', '.join(SAMPLES)}"
    )


def _open(file, what: str) -> Image.Image:
    try:
        image = Image.open(file)
        image.load()
    except UnidentifiedImageError:
        raise ValueError(f"{what} is not an image PIL can read") from None
    except (OSError, SyntaxError) as err:
        raise ValueError(f"{what} is truncated or corrupt ({err})") from None
    return _to_rgb(image)


def _to_rgb(image: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        background = Image.new("RGB", upright.size, (255, 255, 255))
        background.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
        return background
    return upright.convert("RGB")


def _from_array(array: np.ndarray) -> Image.Image:
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
