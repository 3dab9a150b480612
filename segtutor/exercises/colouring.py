"""Exercise checkers for notebook 06 · colouring class maps."""

from __future__ import annotations

import numpy as np

from ..overlays import class_shares, overlay
from ..palettes import get_palette, to_train_ids
from ._common import _feedback

__all__ = ["check_overlay_pixel", "check_pixel_share", "check_train_id"]


def check_overlay_pixel(answer, *, image_color, class_name: str, alpha: float, palette: str = "voc") -> bool:
    """Check a guess of one overlay pixel: `image_color` under `class_name`'s colour at `alpha`.

    Examples
    --------
    >>> check_overlay_pixel((123, 107, 107), image_color=(100, 100, 100), class_name="person", alpha=0.25)
    Correct! (1 - alpha) * image + alpha * colour, rounded: (123, 107, 107).
    True
    """
    palette = get_palette(palette)
    image = np.array([[image_color]], dtype=np.uint8)
    labels = np.array([palette.class_ids(class_name)])
    expected = tuple(overlay(image, labels, alpha=alpha, palette=palette)[0, 0].tolist())
    swapped = tuple(overlay(image, labels, alpha=1 - alpha, palette=palette)[0, 0].tolist())
    if tuple(answer) == expected:
        return _feedback(True, f"(1 - alpha) * image + alpha * colour, rounded: {expected}.")
    if tuple(answer) == swapped:
        return _feedback(False, "alpha weighs the class colour, and 1 - alpha the image: you swapped them.")
    return _feedback(False, f"Mix channel by channel: (1 - {alpha}) * image + {alpha} * the class colour.")


def check_pixel_share(answer, *, labels, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of a class's share of the pixels, as a fraction between 0 and 1.

    Examples
    --------
    >>> check_pixel_share(0.25, labels=np.array([[15, 0, 255, 0]]), class_name="person")
    Correct! 'person' covers 1 of 4 pixels: 0.25.
    True
    """
    palette = get_palette(palette)
    labels = np.asarray(labels)
    class_id = palette.class_ids(class_name)[0]
    count = int((labels == class_id).sum())
    expected = count / labels.size
    if np.isclose(answer, expected):
        return _feedback(True, f"{class_name!r} covers {count} of {labels.size} pixels: {expected:.3g}.")
    if np.isclose(answer, 100 * expected):
        return _feedback(False, "That is a percentage; give the share as a fraction between 0 and 1.")
    void = sum(s.share for s in class_shares(labels, palette=palette) if s.name == "void")
    if void and np.isclose(answer, expected / (1 - void)):
        return _feedback(False, "Shares count all pixels, unlabelled (void) ones too.")
    return _feedback(False, f"Count the pixels equal to {class_id} and divide by the number of pixels.")


def check_train_id(answer, *, label_id: int, palette: str = "cityscapes") -> bool:
    """Check a guess of the class id (train id) a dataset's stored label id maps to.

    Examples
    --------
    >>> check_train_id(13, label_id=26)
    Correct! Label id 26 is 'car', train id 13.
    True
    """
    palette = get_palette(palette)
    expected = int(to_train_ids(np.array([[label_id]]), palette)[0, 0])
    name = palette.names[expected] if expected < palette.num_classes else "ignored"
    if answer == expected:
        return _feedback(True, f"Label id {label_id} is {name!r}, train id {expected}.")
    if answer == label_id:
        return _feedback(False, "The files store label ids, the model predicts train ids: they differ. "
                                "Look it up in palette.train_ids.")
    return _feedback(False, f"Read entry {label_id} of get_palette({palette.name!r}).train_ids.")

