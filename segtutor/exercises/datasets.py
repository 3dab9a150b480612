"""Exercise checkers for notebook 09 · datasets."""

from __future__ import annotations

import numpy as np

from ..voc import add_void_border
from ._common import _feedback

__all__ = ["check_void_pixels", "check_voc_path"]


def check_void_pixels(answer, *, labels, border: int = 1, ignore_index: int = 255) -> bool:
    """Check a guess of how many pixels :func:`segtutor.add_void_border` marks as void.

    Examples
    --------
    >>> check_void_pixels(2, labels=np.array([[0, 0, 1, 1]]))
    Correct! 2 pixels become 255: a band of 1 pixel on each side of every boundary.
    True
    """
    labels = np.asarray(labels)
    expected = int((add_void_border(labels, border=border, ignore_index=ignore_index) == ignore_index).sum())
    if answer == expected:
        return _feedback(True, f"{expected} pixels become {ignore_index}: a band of {border} pixel"
                               f"{'s' if border > 1 else ''} on each side of every boundary.")
    if 2 * answer == expected:
        return _feedback(False, "The band straddles the boundary: it takes `border` pixels on BOTH sides.")
    return _feedback(False, f"A pixel becomes void when a pixel of another class lies within {border} pixel(s) of it, "
                            "diagonals included. Count those pixels.")


def check_voc_path(answer, *, image_id: str, kind: str = "class map") -> bool:
    """Check a guess of where a VOC-layout dataset keeps an image or its class map, relative to its root.

    Examples
    --------
    >>> check_voc_path("SegmentationClass/2007_000032.png", image_id="2007_000032")
    Correct! Class maps are palette PNGs in SegmentationClass/.
    True
    """
    if kind not in ("image", "class map"):
        raise ValueError(f"`kind` must be 'image' or 'class map', got {kind!r}")
    answer = str(answer).replace("\\", "/").removeprefix("./")
    folder, ext = ("JPEGImages", "jpg") if kind == "image" else ("SegmentationClass", "png")
    if answer == f"{folder}/{image_id}.{ext}":
        what = "Images are JPEG photos in JPEGImages/." if kind == "image" else "Class maps are palette PNGs in SegmentationClass/."
        return _feedback(True, what)
    if answer.startswith("SegmentationClass/") and answer.endswith(".jpg"):
        return _feedback(False, "Class maps are PNGs, never JPEGs: lossy compression would change the class ids.")
    if kind == "class map" and answer.startswith("JPEGImages/"):
        return _feedback(False, "JPEGImages/ holds the photos; the class maps live in SegmentationClass/.")
    if kind == "image" and answer.startswith("SegmentationClass/"):
        return _feedback(False, "SegmentationClass/ holds the class maps; the photos live in JPEGImages/.")
    return _feedback(False, f"Give the path relative to the root, like '<folder>/{image_id}.<extension>'.")
