"""Exercise checkers for notebook 06 · colouring class maps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..data import get_palette, to_train_ids
from ..data._palettes import PaletteLike
from ..display import class_shares, overlay
from ._common import _array_result, _call, _checked, _coding, _int_answer, _ints_answer, _number_answer, _rng, _Stop

__all__ = ["check_decode_function", "check_overlay_pixel", "check_pixel_share", "check_train_id"]


def check_overlay_pixel(answer: Any, *, image_color: Sequence[int], class_name: str, alpha: float, palette: PaletteLike = "voc") -> bool:
    """Check a guess of one overlay pixel: `image_color` under `class_name`'s colour at `alpha`.

    Examples
    --------
    >>> check_overlay_pixel((98, 10, 106), image_color=(200, 40, 40), class_name="dog", alpha=0.25)
    Not yet. alpha weighs the class colour, and 1 - alpha the image: you swapped them.
    False
    """
    palette = get_palette(palette)
    image = np.array([[image_color]], dtype=np.uint8)
    labels = np.array([palette.class_ids(class_name)])

    def check():
        answer_ = _ints_answer(answer, "the colour (R, G, B), rounded to whole numbers,")
        expected = tuple(overlay(image, labels, alpha=alpha, palette=palette)[0, 0].tolist())
        swapped = tuple(overlay(image, labels, alpha=1 - alpha, palette=palette)[0, 0].tolist())
        if answer_ == expected:
            return f"(1 - alpha) * image + alpha * colour, rounded: {expected}."
        if answer_ == swapped:
            raise _Stop("alpha weighs the class colour, and 1 - alpha the image: you swapped them.")
        raise _Stop(f"Mix channel by channel: (1 - {alpha}) * image + {alpha} * the class colour.")
    return _checked(check)


def check_pixel_share(answer: Any, *, labels: np.ndarray, class_name: str, palette: PaletteLike = "voc") -> bool:
    """Check a guess of a class's share of the pixels, as a fraction between 0 and 1.

    Examples
    --------
    >>> check_pixel_share(25, labels=np.array([[15, 0, 255, 0]]), class_name="person")
    Not yet. That is a percentage; give the share as a fraction between 0 and 1.
    False
    """
    palette = get_palette(palette)
    labels = np.asarray(labels)
    class_id = palette.class_ids(class_name)[0]

    def check():
        _number_answer(answer, "the share")
        count = int((labels == class_id).sum())
        expected = count / labels.size
        if np.isclose(answer, expected):
            return f"{class_name!r} covers {count} of {labels.size} pixels: {expected:.3g}."
        if np.isclose(answer, 100 * expected):
            raise _Stop("That is a percentage; give the share as a fraction between 0 and 1.")
        void = sum(s.share for s in class_shares(labels, palette=palette) if s.name == "void")
        if void and np.isclose(answer, expected / (1 - void)):
            raise _Stop("Shares count all pixels, unlabelled (void) ones too.")
        raise _Stop(f"Count the pixels equal to {class_id} and divide by the number of pixels.")
    return _checked(check)


def check_train_id(answer: Any, *, label_id: int, palette: PaletteLike = "cityscapes") -> bool:
    """Check a guess of the class id (train id) a dataset's stored label id maps to.

    Examples
    --------
    >>> check_train_id(26, label_id=26)
    Not yet. The files store label ids, the model predicts train ids: they differ. Look it up in palette.train_ids.
    False
    """
    palette = get_palette(palette)

    def check():
        _int_answer(answer, "the train id")
        expected = int(to_train_ids(np.array([[label_id]]), palette)[0, 0])
        name = palette.names[expected] if expected < palette.num_classes else "ignored"
        if answer == expected:
            return f"Label id {label_id} is {name!r}, train id {expected}."
        if answer == label_id:
            raise _Stop("The files store label ids, the model predicts train ids: they differ. "
                        "Look it up in palette.train_ids.")
        raise _Stop(f"Read entry {label_id} of get_palette({palette.name!r}).train_ids.")
    return _checked(check)


def _decode_cases(rng: np.random.Generator) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(description, labels, table): random tables and maps, (H, W) and (N, H, W), with and without void ids.

    Void ids are 255, and also K itself (one past the last class, the table's last row) and ids between K and 255.
    """
    cases = []
    for shape, void in [((5, 7), ""), ((4, 6), "255"), ((3, 4, 5), "K"), ((1, 1, 9), "K and 255")]:
        classes = int(rng.integers(3, 30))
        table = rng.integers(0, 256, (classes + 1, 3), dtype=np.uint8)  # the classes' colours, then the void colour
        labels = rng.integers(0, classes, shape)
        if void:
            spots = rng.choice(labels.size, size=max(2, labels.size // 4), replace=False)
            ids = {"255": [255], "K": [classes, int(rng.integers(classes + 1, 255))], "K and 255": [classes, 255]}[void]
            labels.flat[spots] = np.resize(ids, len(spots))
        what = "a map" if len(shape) == 2 else f"a batch of {shape[0]} maps"
        extra = {"": "", "255": " with void (255) pixels", "K": " with ids K (the number of classes) and above, not 255",
                 "K and 255": " with ids K (the number of classes) and 255"}[void]
        cases.append((f"on {what} of {shape[-2]}x{shape[-1]} pixels{extra}", labels, table))
    return cases


def check_decode_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(labels, table)``: colour a class map with a lookup table, as decode_segmap does.

    `table` is a uint8 (K + 1, 3) lookup table: the colours of classes
    0 .. K-1, then a last row for the void colour. Your function must return
    the uint8 ``labels.shape + (3,)`` image in which every pixel gets its
    class's row, and every id outside the classes (K itself, 255, and any id
    between) the last row. The checker tries fresh random tables and maps,
    (H, W) and (N, H, W).

    Parameters
    ----------
    function : callable
        Your ``function(labels, table)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def decode(labels, table):  # the ids themselves, three times
    ...     return np.stack([labels] * 3, axis=-1)
    >>> check_decode_function(decode, seed=0)
    Not yet. Return uint8 colours, 0 to 255, as the table holds them; got int64 (on a map of 5x7 pixels).
    False
    """
    def check():
        for case, labels, table in _decode_cases(_rng(seed)):
            expected = table[np.minimum(labels, len(table) - 1)]
            try:
                mine = _call(function, labels.copy(), table.copy())
            except _Stop:
                if (labels >= len(table) - 1).any():
                    raise _Stop(f"Every id outside the classes, K and up (not only 255), must get the table's last "
                                f"row, the void colour, yet your function failed on them ({case}).") from None
                raise
            if isinstance(mine, np.ndarray) and mine.shape == (3, *labels.shape):
                raise _Stop(f"Images put the colour last: shape labels.shape + (3,), not (3, H, W) ({case}).")
            mine = _array_result(mine, expected, what="your image", case=case)
            if mine.dtype != np.uint8:
                raise _Stop(f"Return uint8 colours, 0 to 255, as the table holds them; got {mine.dtype} ({case}).")
            if np.array_equal(mine, expected):
                continue
            if np.array_equal(mine, expected[..., ::-1]):
                raise _Stop(f"Your channels come in reverse order (B, G, R): keep the table's (R, G, B) order ({case}).")
            wrong = (mine != expected).any(axis=-1)
            if (labels[wrong] >= len(table) - 1).all():
                raise _Stop(f"Every id outside the classes, K and up (not only 255), gets the table's last row, the void "
                            f"colour ({case}).")
            raise _Stop(f"Some pixels of a class have another row's colour ({case}).")
        return "Your function colours every map tried exactly as the lookup table says, void pixels included."
    return _coding(check)
