"""Exercise checkers for notebook 02 · what a segmentation is."""

from __future__ import annotations

import numpy as np

from ..contours import class_contours
from ..palettes import get_palette
from ..superpixels import smooth_labels
from ._common import _feedback

__all__ = ["check_grey_value", "check_majority_class", "check_polygon_count"]


def check_grey_value(answer, *, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of the grey value a class gets in a grayscale mask.

    Examples
    --------
    >>> check_grey_value(15, class_name="person")
    Correct! In a grayscale mask the grey value is the class id: 'person' is 15.
    True
    """
    palette = get_palette(palette)
    expected = palette.class_ids(class_name)[0]
    if answer == expected:
        return _feedback(True, f"In a grayscale mask the grey value is the class id: {class_name!r} is {expected}.")
    if isinstance(answer, (tuple, list)):
        return _feedback(False, "A grayscale mask has one number per pixel, not an (R, G, B) colour.")
    if answer == 255:
        return _feedback(False, "255 (white) marks unlabelled pixels in VOC; the grey value of a class is its id.")
    return _feedback(False, f"Find {class_name!r} in the palette's names: its position is its id and its grey value.")


def check_polygon_count(answer, *, labels, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of how many polygons :func:`segtutor.class_contours` gives a class.

    Examples
    --------
    >>> ring = np.full((5, 5), 8)
    >>> ring[2, 2] = 0  # a cat ring around one background pixel
    >>> check_polygon_count(2, labels=ring, class_name="cat")
    Correct! 'cat' has 2 polygons: every separate region, and every hole, is outlined on its own.
    True
    """
    palette = get_palette(palette)
    class_id = palette.class_ids(class_name)[0]
    expected = len(class_contours(labels, classes=class_id, palette=palette).get(class_id, []))
    if answer == expected:
        return _feedback(True, f"{class_name!r} has {expected} polygons: every separate region, and every hole, "
                               "is outlined on its own.")
    if answer < expected:
        return _feedback(False, "Count the holes too: a hole's border is a polygon of its own. Pixels that touch "
                                "only at a corner are separate regions.")
    return _feedback(False, "Too many: pixels that share an edge belong to one region, which has one outer polygon.")


def check_majority_class(answer, *, labels) -> bool:
    """Check a guess of the class a single superpixel covering `labels` gets by majority vote.

    Examples
    --------
    >>> check_majority_class(8, labels=np.array([[8, 8, 15], [0, 8, 15]]))
    Correct! Class 8 has the most pixels, so the whole superpixel becomes 8.
    True
    """
    labels = np.asarray(labels)
    expected = int(smooth_labels(labels, np.zeros_like(labels))[0, 0])
    ids, counts = np.unique(labels, return_counts=True)
    if answer == expected:
        return _feedback(True, f"Class {expected} has the most pixels, so the whole superpixel becomes {expected}.")
    if answer in ids.tolist() and counts[ids.tolist().index(answer)] == counts.max():
        return _feedback(False, "That class ties for the most pixels; ties go to the smaller class id.")
    return _feedback(False, "Count the pixels of each class id; the most frequent one wins the vote.")

