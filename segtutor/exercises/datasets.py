"""Exercise checkers for notebook 09 · datasets."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from ..data import add_void_border, save_label_png
from ._common import _call, _checked, _coding, _describe, _int_answer, _rng, _Stop

__all__ = ["check_read_mask_function", "check_void_pixels", "check_voc_path"]


def check_void_pixels(answer: Any, *, labels: np.ndarray, border: int = 1, ignore_index: int = 255) -> bool:
    """Check a guess of how many pixels :func:`segtutor.data.add_void_border` marks as void.

    Examples
    --------
    >>> check_void_pixels(1, labels=np.array([[0, 0, 1, 1]]))
    Not yet. The band straddles the boundary: it takes `border` pixels on BOTH sides.
    False
    """
    labels = np.asarray(labels)

    def check():
        _int_answer(answer, "the number of pixels")
        expected = int((add_void_border(labels, border=border, ignore_index=ignore_index) == ignore_index).sum())
        if answer == expected:
            return (f"{expected} pixels become {ignore_index}: a band of {border} pixel"
                    f"{'s' if border > 1 else ''} on each side of every boundary.")
        if 2 * answer == expected:
            raise _Stop("The band straddles the boundary: it takes `border` pixels on BOTH sides.")
        raise _Stop(f"A pixel becomes void when a pixel of another class lies within {border} pixel(s) of it, "
                    "diagonals included. Count those pixels.")
    return _checked(check)


def check_voc_path(answer: Any, *, image_id: str, kind: str = "class map") -> bool:
    """Check a guess of where a VOC-layout dataset keeps an image or its class map, relative to its root.

    Examples
    --------
    >>> check_voc_path("SegmentationClass/2007_000032.jpg", image_id="2007_000032")
    Not yet. Class maps are PNGs, never JPEGs: lossy compression would change the class ids.
    False
    """
    if kind not in ("image", "class map"):
        raise ValueError(f"`kind` must be 'image' or 'class map', got {kind!r}")

    def check():
        if not isinstance(answer, (str, Path)):
            raise _Stop(f"Give the path as a string, got {type(answer).__name__}.")
        path = str(answer).replace("\\", "/").removeprefix("./")
        folder, ext = ("JPEGImages", "jpg") if kind == "image" else ("SegmentationClass", "png")
        if path == f"{folder}/{image_id}.{ext}":
            return ("Images are JPEG photos in JPEGImages/." if kind == "image"
                    else "Class maps are palette PNGs in SegmentationClass/.")
        if path.startswith("SegmentationClass/") and path.endswith(".jpg"):
            raise _Stop("Class maps are PNGs, never JPEGs: lossy compression would change the class ids.")
        if kind == "class map" and path.startswith("JPEGImages/"):
            raise _Stop("JPEGImages/ holds the photos; the class maps live in SegmentationClass/.")
        if kind == "image" and path.startswith("SegmentationClass/"):
            raise _Stop("SegmentationClass/ holds the class maps; the photos live in JPEGImages/.")
        raise _Stop(f"Give the path relative to the root, like '<folder>/{image_id}.<extension>'.")
    return _checked(check)


def _mask_cases(rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """(description, labels): random masks of several sizes, with void borders (255) and absent classes."""
    cases = []
    for height, width, void in [(6, 8, False), (9, 5, True), (1, 7, True)]:
        labels = rng.choice(rng.choice(21, size=3, replace=False), size=(height, width))
        if void:
            labels[:, int(rng.integers(0, width))] = 255
        cases.append((f"on a {width}x{height} mask{' with void (255) pixels' if void else ''}", labels))
    return cases


def check_read_mask_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(path)``: the (H, W) integer class ids of a VOC palette PNG mask.

    VOC stores a mask as a palette ("P") PNG whose pixel values are the class
    ids (255 on the void borders); the palette only colours them. Your
    function must return those ids, e.g. as a NumPy array. The checker
    writes fresh random masks of several sizes to a temporary folder and reads
    them with your function.

    Parameters
    ----------
    function : callable
        Your ``function(path)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> import torchvision.transforms as T
    >>> def read_mask(path):  # as if it were a photo
    ...     return T.ToTensor()(Image.open(path))
    >>> check_read_mask_function(read_mask, seed=0)
    Not yet. ToTensor divides by 255 and makes floats: fine for photos, wrong for masks, whose values are class ids. Read the ids the PIL image holds (on a 8x6 mask).
    False
    """  # noqa: E501 - the feedback is one printed line
    def check():
        with tempfile.TemporaryDirectory() as folder:
            for index, (case, labels) in enumerate(_mask_cases(_rng(seed))):
                path = Path(folder) / f"mask_{index}.png"
                save_label_png(labels, path)
                mine = _call(function, str(path))
                if isinstance(mine, Image.Image):
                    raise _Stop(f"Return an array of ids, not a PIL image: turn the image into a NumPy array ({case}).")
                if isinstance(mine, torch.Tensor):
                    mine = mine.detach().cpu().numpy()
                if not isinstance(mine, np.ndarray):
                    raise _Stop(f"Return a NumPy array of class ids, got {_describe(mine)} ({case}).")
                if np.issubdtype(mine.dtype, np.floating) and np.allclose(np.squeeze(mine) * 255, labels, atol=1e-3):
                    raise _Stop(f"ToTensor divides by 255 and makes floats: fine for photos, wrong for masks, whose "
                                f"values are class ids. Read the ids the PIL image holds ({case}).")
                if mine.shape == (*labels.shape, 3):
                    raise _Stop(f"convert('RGB') turns the class ids into their palette colours, (H, W, 3): read the "
                                f"palette indices themselves ({case}).")
                if mine.dtype == bool or not np.issubdtype(mine.dtype, np.integer):
                    raise _Stop(f"Class ids are integers, got {mine.dtype} ({case}).")
                if mine.shape != labels.shape:
                    raise _Stop(f"The mask must be (H, W) = {labels.shape}, got {mine.shape} ({case}).")
                if np.array_equal(mine, labels):
                    continue
                with Image.open(path) as image:
                    grey = np.asarray(image.convert("L"))
                if np.array_equal(mine, grey):
                    raise _Stop(f"convert('L') turns the palette colours into grey levels, not class ids: read the "
                                f"palette indices themselves, without converting ({case}).")
                raise _Stop(f"Your ids differ from the mask's: a palette PNG's pixel values are the ids; read them "
                            f"without converting or scaling ({case}).")
        return "Your function reads every mask tried as its class ids, void borders included."
    return _coding(check)
