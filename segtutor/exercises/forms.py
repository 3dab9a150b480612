"""Exercise checkers for notebook 02 · what a segmentation is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..data import get_palette
from ..data._palettes import PaletteLike
from ..display import class_contours, smooth_labels
from ._common import _call, _checked, _coding, _int_answer, _is_int, _rng, _Stop

__all__ = ["check_grey_value", "check_majority_class", "check_majority_function", "check_polygon_count"]


def check_grey_value(answer: Any, *, class_name: str, palette: PaletteLike = "voc") -> bool:
    """Check a guess of the grey value a class gets in a grayscale mask.

    Examples
    --------
    >>> check_grey_value(255, class_name="dog")
    Not yet. 255 (white) marks unlabelled pixels in VOC; the grey value of a class is its id.
    False
    """
    palette = get_palette(palette)

    def check():
        if isinstance(answer, (tuple, list)):
            raise _Stop("A grayscale mask has one number per pixel, not an (R, G, B) colour.")
        _int_answer(answer, "the grey value")
        expected = palette.class_ids(class_name)[0]
        if answer == expected:
            return f"In a grayscale mask the grey value is the class id: {class_name!r} is {expected}."
        if answer == 255:
            raise _Stop("255 (white) marks unlabelled pixels in VOC; the grey value of a class is its id.")
        raise _Stop(f"Find {class_name!r} in the palette's names: its position is its id and its grey value.")
    return _checked(check)


def check_polygon_count(answer: Any, *, labels: np.ndarray, class_name: str, palette: PaletteLike = "voc") -> bool:
    """Check a guess of how many polygons :func:`segtutor.display.class_contours` gives a class.

    Examples
    --------
    >>> frame = np.full((6, 6), 3)
    >>> frame[2:4, 2:4] = 0  # a bird frame around a background square
    >>> check_polygon_count(1, labels=frame, class_name="bird")
    Not yet. Count the holes too: a hole's border is a polygon of its own. Pixels that touch only at a corner are separate regions.
    False
    """
    palette = get_palette(palette)

    def check():
        _int_answer(answer, "the number of polygons")
        class_id = palette.class_ids(class_name)[0]
        expected = len(class_contours(labels, classes=class_id, palette=palette).get(class_id, []))
        if answer == expected:
            return f"{class_name!r} has {expected} polygons: every separate region, and every hole, is outlined on its own."
        if answer < expected:
            raise _Stop("Count the holes too: a hole's border is a polygon of its own. Pixels that touch "
                        "only at a corner are separate regions.")
        raise _Stop("Too many: pixels that share an edge belong to one region, which has one outer polygon.")
    return _checked(check)


def check_majority_class(answer: Any, *, labels: np.ndarray) -> bool:
    """Check a guess of the class a single superpixel covering `labels` gets by majority vote.

    Examples
    --------
    >>> check_majority_class(15, labels=np.array([[8, 8, 15], [0, 8, 15]]))
    Not yet. Count the pixels of each class id; the most frequent one wins the vote.
    False
    """
    labels = np.asarray(labels)

    def check():
        _int_answer(answer, "the class id")
        expected = int(smooth_labels(labels, np.zeros_like(labels))[0, 0])
        ids, counts = np.unique(labels, return_counts=True)
        if answer == expected:
            return f"Class {expected} has the most pixels, so the whole superpixel becomes {expected}."
        if answer in ids.tolist() and counts[ids.tolist().index(answer)] == counts.max():
            raise _Stop("That class ties for the most pixels; ties go to the smaller class id.")
        raise _Stop("Count the pixels of each class id; the most frequent one wins the vote.")
    return _checked(check)


def _majority(labels: np.ndarray, ignore_index: int) -> int:
    """The reference: most frequent id outside `ignore_index`, ties to the smaller id."""
    return int(np.bincount(labels[labels != ignore_index].ravel()).argmax())


def _skewed(rng: np.random.Generator, shape: tuple[int, int], *, mode_first: bool) -> np.ndarray:
    """Five ids, the smallest (or largest) one the most frequent: the median id and the mean fall elsewhere."""
    ids = np.sort(rng.choice(np.arange(1, 21), size=5, replace=False))
    counts = [4, 3, 3, 3, 3] if mode_first else [3, 3, 3, 3, 4]
    values = np.repeat(ids, counts)
    return rng.permutation(values).reshape(shape)


def _majority_cases(rng: np.random.Generator) -> list[tuple[str, np.ndarray, int]]:
    """(description, labels, ignore_index): several sizes, a tie, void majorities with several ignore ids, skewed votes."""
    size = (5, 7)
    mixed = rng.choice(rng.choice(21, size=4, replace=False), size=size, p=[0.4, 0.3, 0.2, 0.1])
    tie = np.array([[9, 9, 4], [4, 6, 255]])
    high = int(rng.integers(10, 20))
    tie[tie == 9], tie[tie == 4] = high, high - 3  # two ids, each twice: the smaller one wins
    cases = [("a map whose most frequent id is its smallest", _skewed(rng, (4, 4), mode_first=True), 255),
             (f"a {size[0]}x{size[1]} map", mixed, 255), ("a map with a tie", tie, 255)]
    for void, dtype in [(255, np.int64), (0, np.uint8), (-1, np.int16), (int(rng.integers(21, 250)), np.int64)]:
        labels = np.full((4, 5), void, dtype=dtype)
        labels[0, :3] = rng.integers(1, 20)
        labels[1, 0] = int(rng.integers(1, 20))
        cases.append((f"a map that is mostly void ({void}), ignore_index={void}", labels, void))
    cases += [("a map whose most frequent id is its largest", _skewed(rng, (2, 8), mode_first=False), 255),
              ("a 1x1 map", np.array([[int(rng.integers(0, 21))]]), 255)]
    return cases


def check_majority_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(labels, ignore_index=255)``: the majority class id of an (H, W) class map.

    Pixels equal to `ignore_index` have no label and do not vote; a tie goes
    to the smaller class id. The checker calls your function on fresh random
    maps of several sizes and dtypes, a tie, votes whose most frequent id is
    not the middle one, and maps that are mostly void, with several
    `ignore_index` values (255, 0, -1, another id).

    Parameters
    ----------
    function : callable
        Your ``function(labels, ignore_index=255)``, returning an int.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def majority_class(labels, ignore_index=255):
    ...     return int(np.median(labels[labels != ignore_index]))  # the middle id
    >>> check_majority_function(majority_class, seed=0)
    Not yet. That is the median id, the middle one once sorted, not the id with the most pixels (on a map whose most frequent id is its smallest).
    False
    """
    def check():
        for case, labels, ignore_index in _majority_cases(_rng(seed)):
            expected = _majority(labels, ignore_index)
            mine = _call(function, labels, ignore_index=ignore_index)
            if isinstance(mine, np.ndarray) and mine.ndim == 0:
                mine = mine[()]
            if not _is_int(mine):
                raise _Stop(f"Return the class id as an int, got {type(mine).__name__} (on {case}).")
            if mine == expected:
                continue
            if mine == ignore_index:
                raise _Stop(f"Your function returns {ignore_index} on {case}: leave pixels equal to ignore_index out "
                            "of the vote.")
            kept = labels[labels != ignore_index].astype(np.int64)
            if (kept == mine).sum() == np.bincount(kept.ravel()).max():
                raise _Stop(f"Two classes tie for the most pixels (on {case}): the vote goes to the smaller class id.")
            middle = np.sort(kept.ravel())[[(kept.size - 1) // 2, kept.size // 2]]
            if mine in (np.median(kept), *middle.tolist()):
                raise _Stop(f"That is the median id, the middle one once sorted, not the id with the most pixels (on "
                            f"{case}).")
            raise _Stop(f"Your function returns a class that is not the most frequent one (on {case}).")
        return ("Your function finds the majority class on every map tried, whatever the ignore_index, and ties go to "
                "the smaller id.")
    return _coding(check)
