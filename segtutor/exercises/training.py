"""Exercise checkers for notebook 11 · training your own."""

from __future__ import annotations

import math

from ._common import _checked, _int_answer, _number_answer, _Stop

__all__ = ["check_background_only_miou", "check_initial_loss", "check_training_steps"]


def check_background_only_miou(answer, *, background_fraction: float, num_present: int) -> bool:
    """Check a guess of the mIoU of a model that predicts background everywhere.

    `background_fraction` is the share of background pixels, `num_present` the
    number of other classes that occur in the labels.

    Examples
    --------
    >>> check_background_only_miou(0.8, background_fraction=0.8, num_present=2)
    Not yet. That is the pixel accuracy. mIoU first scores each class, then averages the classes.
    False
    """
    return _checked(lambda: _background_only(answer, background_fraction, num_present))


def _background_only(answer, background_fraction: float, num_present: int) -> str:
    _number_answer(answer, "the mIoU")
    expected = background_fraction / (1 + num_present)
    if math.isclose(answer, expected, abs_tol=0.005):
        return (f"Background IoU is {background_fraction:g}, each of the {num_present} present classes "
                               f"scores 0: the mean is {expected:.3f}.")
    if math.isclose(answer, background_fraction, abs_tol=0.005):
        raise _Stop("That is the pixel accuracy. mIoU first scores each class, then averages the classes.")
    if answer < expected:
        raise _Stop("Classes absent from both labels and prediction have no IoU (NaN) and are left out of the mean.")
    raise _Stop("Background IoU = intersection / union = the background's share of all pixels; the other classes score 0.")


def check_initial_loss(answer, *, num_classes: int = 5) -> bool:
    """Check a guess of the cross-entropy of an untrained model that is equally unsure of every class.

    Examples
    --------
    >>> check_initial_loss(0.2)
    Not yet. 1/5 is the probability of the true class; the loss is minus its natural logarithm.
    False
    """
    return _checked(lambda: _initial_loss(answer, num_classes))


def _initial_loss(answer, num_classes: int) -> str:
    _number_answer(answer, "the loss")
    expected = math.log(num_classes)
    if math.isclose(answer, expected, abs_tol=0.01):
        return (f"Each of the {num_classes} classes gets probability 1/{num_classes}, "
                               f"and the loss is -ln(1/{num_classes}) = ln {num_classes} = {expected:.3f}.")
    if math.isclose(answer, 1 / num_classes, abs_tol=0.01):
        raise _Stop(f"1/{num_classes} is the probability of the true class; the loss is minus its natural logarithm.")
    if math.isclose(answer, math.log10(num_classes), abs_tol=0.01):
        raise _Stop("Cross-entropy uses the natural logarithm, not log10.")
    raise _Stop("Cross-entropy is -ln(p), p the probability of the true class. What is p when all classes are equally likely?")


def check_training_steps(answer, *, num_samples: int, batch_size: int, epochs: int) -> bool:
    """Check a guess of how many optimizer steps :func:`segtutor.train` takes.

    Examples
    --------
    >>> check_training_steps(12, num_samples=100, batch_size=16, epochs=2)
    Not yet. The DataLoader keeps the last, smaller batch (drop_last=False): round up, not down.
    False
    """
    return _checked(lambda: _training_steps(answer, num_samples, batch_size, epochs))


def _training_steps(answer, num_samples: int, batch_size: int, epochs: int) -> str:
    _int_answer(answer, "the number of steps")
    per_epoch = math.ceil(num_samples / batch_size)
    if answer == per_epoch * epochs:
        return (f"Each epoch has ceil({num_samples} / {batch_size}) = {per_epoch} batches, "
                               f"the last one smaller: {per_epoch} x {epochs} = {per_epoch * epochs} steps.")
    if answer == num_samples // batch_size * epochs:
        raise _Stop("The DataLoader keeps the last, smaller batch (drop_last=False): round up, not down.")
    if answer == per_epoch:
        raise _Stop("That is one epoch; the loop runs over the data once per epoch.")
    raise _Stop("One step per batch: how many batches of the given size hold all the samples, and how many epochs?")

