"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise.
"""

from __future__ import annotations

import math

import torchvision.transforms as T
from PIL import Image

from .models import get_spec
from .palettes import get_palette

__all__ = [
    "check_background_only_miou", "check_class_color", "check_initial_loss", "check_output_keys", "check_resize_size",
    "check_training_steps",
]


def _feedback(correct: bool, message: str) -> bool:
    print(("Correct! " if correct else "Not yet. ") + message)
    return correct


def check_resize_size(answer, *, original: tuple[int, int], resize: int = 256) -> bool:
    """Check a guess of an image's (W, H) after ``T.Resize(resize)``.

    Examples
    --------
    >>> check_resize_size((341, 256), original=(640, 480))
    Correct! Resize(256) scales the shorter side to 256 and keeps the aspect ratio.
    True
    """
    expected = T.Resize(resize)(Image.new("RGB", original)).size
    if tuple(answer) == expected:
        return _feedback(True, f"Resize({resize}) scales the shorter side to {resize} and keeps the aspect ratio.")
    if tuple(answer) == (resize, resize):
        return _feedback(False, f"Resize({resize}) with one number does not make a square: it scales the shorter side to {resize}.")
    if resize not in tuple(answer):
        return _feedback(False, f"One side must become {resize}: which side is the shorter one in {original}?")
    return _feedback(False, "The shorter side is right; scale the longer side by the same factor and round down.")


def check_output_keys(answer, *, model_name: str) -> bool:
    """Check a guess of the keys in a model's output ``OrderedDict``.

    Examples
    --------
    >>> check_output_keys(["out"], model_name="lraspp_mobilenet_v3_large")
    Correct! lraspp_mobilenet_v3_large returns ['out'].
    True
    """
    expected = ["out", "aux"] if get_spec(model_name).has_aux else ["out"]
    if list(answer) == expected:
        return _feedback(True, f"{model_name} returns {expected}.")
    if list(answer) == ["out"]:
        return _feedback(False, f"{model_name} has an auxiliary head, so its output holds 'aux' beside 'out'.")
    return _feedback(False, f"Print list(output.keys()) for {model_name} and compare: the keys come in a fixed order.")


def check_class_color(answer, *, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of a class's (R, G, B) colour in a palette.

    Examples
    --------
    >>> check_class_color((64, 0, 0), class_name="cat")
    Correct! 'cat' is class 8 and has colour (64, 0, 0).
    True
    """
    palette = get_palette(palette)
    if class_name not in palette.names:
        raise ValueError(f"`class_name` must be one of {', '.join(palette.names)}, got {class_name!r}")
    index = palette.names.index(class_name)
    expected = tuple(int(c) for c in palette.colors[index])
    if tuple(answer) == expected:
        return _feedback(True, f"{class_name!r} is class {index} and has colour {expected}.")
    return _feedback(False, f"Look up row {index} ({class_name!r}'s class id) of the palette's colours, not another row.")


def check_initial_loss(answer, *, num_classes: int = 5) -> bool:
    """Check a guess of the cross-entropy of an untrained model that is equally unsure of every class.

    Examples
    --------
    >>> check_initial_loss(1.609)
    Correct! Each of the 5 classes gets probability 1/5, and the loss is -ln(1/5) = ln 5 = 1.609.
    True
    """
    expected = math.log(num_classes)
    if math.isclose(answer, expected, abs_tol=0.01):
        return _feedback(True, f"Each of the {num_classes} classes gets probability 1/{num_classes}, "
                               f"and the loss is -ln(1/{num_classes}) = ln {num_classes} = {expected:.3f}.")
    if math.isclose(answer, 1 / num_classes, abs_tol=0.01):
        return _feedback(False, f"1/{num_classes} is the probability of the true class; the loss is minus its natural logarithm.")
    if math.isclose(answer, math.log10(num_classes), abs_tol=0.01):
        return _feedback(False, "Cross-entropy uses the natural logarithm, not log10.")
    return _feedback(False, "Cross-entropy is -ln(p), p the probability of the true class. What is p when all classes are equally likely?")


def check_background_only_miou(answer, *, background_fraction: float, num_present: int) -> bool:
    """Check a guess of the mIoU of a model that predicts background everywhere.

    `background_fraction` is the share of background pixels, `num_present` the
    number of other classes that occur in the labels.

    Examples
    --------
    >>> check_background_only_miou(0.8 / 3, background_fraction=0.8, num_present=2)
    Correct! Background IoU is 0.8, each of the 2 present classes scores 0: the mean is 0.267.
    True
    """
    expected = background_fraction / (1 + num_present)
    if math.isclose(answer, expected, abs_tol=0.005):
        return _feedback(True, f"Background IoU is {background_fraction:g}, each of the {num_present} present classes "
                               f"scores 0: the mean is {expected:.3f}.")
    if math.isclose(answer, background_fraction, abs_tol=0.005):
        return _feedback(False, "That is the pixel accuracy. mIoU first scores each class, then averages the classes.")
    if answer < expected:
        return _feedback(False, "Classes absent from both labels and prediction have no IoU (NaN) and are left out of the mean.")
    return _feedback(False, "Background IoU = intersection / union = the background's share of all pixels; the other classes score 0.")


def check_training_steps(answer, *, num_samples: int, batch_size: int, epochs: int) -> bool:
    """Check a guess of how many optimizer steps :func:`segtutor.train` takes.

    Examples
    --------
    >>> check_training_steps(14, num_samples=100, batch_size=16, epochs=2)
    Correct! Each epoch has ceil(100 / 16) = 7 batches, the last one smaller: 7 x 2 = 14 steps.
    True
    """
    per_epoch = math.ceil(num_samples / batch_size)
    if answer == per_epoch * epochs:
        return _feedback(True, f"Each epoch has ceil({num_samples} / {batch_size}) = {per_epoch} batches, "
                               f"the last one smaller: {per_epoch} x {epochs} = {per_epoch * epochs} steps.")
    if answer == num_samples // batch_size * epochs:
        return _feedback(False, "The DataLoader keeps the last, smaller batch (drop_last=False): round up, not down.")
    if answer == per_epoch:
        return _feedback(False, "That is one epoch; the loop runs over the data once per epoch.")
    return _feedback(False, "One step per batch: how many batches of the given size hold all the samples, and how many epochs?")
