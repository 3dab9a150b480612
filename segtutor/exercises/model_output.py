"""Exercise checkers for notebook 04 · the model's output."""

from __future__ import annotations

import numpy as np
import torch

from ..models import get_spec
from ._common import _feedback, _as_tuple, _same

__all__ = ["check_class_channel", "check_output_shape", "check_probabilities"]


def check_output_shape(answer, *, model_name: str, input_shape: tuple[int, int, int, int]) -> bool:
    """Check a guess of the shape of ``output['out']`` for a batch of shape `input_shape`.

    Examples
    --------
    >>> check_output_shape((4, 21, 320, 480), model_name="fcn_resnet101", input_shape=(4, 3, 320, 480))
    Correct! [N, C, H, W]: 4 images, 21 class scores per pixel, at the input's 320x480 (H x W).
    True
    """
    n, _, h, w = input_shape
    c = len(get_spec(model_name).categories)
    answer = _as_tuple(answer)
    if answer == (n, c, h, w):
        return _feedback(True, f"[N, C, H, W]: {n} images, {c} class scores per pixel, at the input's {h}x{w} (H x W).")
    if answer == (n, 3, h, w):
        return _feedback(False, f"C is the number of classes ({c}), not the input's 3 colour channels.")
    if answer == (c, h, w):
        return _feedback(False, "The batch axis N stays in the output, even for a batch of one.")
    if answer == (n, h, w, c):
        return _feedback(False, "PyTorch puts the channels (here: classes) before height and width: [N, C, H, W].")
    if len(answer) == 4 and answer[:2] == (n, c) and answer[2:] != (h, w):
        return _feedback(False, f"The head upsamples its scores back to the input's size, {h}x{w} (H x W).")
    return _feedback(False, "Think [N, C, H, W]: N from the batch, C from the classes, H and W from the input.")


def check_class_channel(answer, *, class_name: str, model_name: str = "fcn_resnet101") -> bool:
    """Check a guess of the channel of ``output['out']`` that holds a class's scores.

    Examples
    --------
    >>> check_class_channel(15, class_name="person")
    Correct! Channel 15 of the C axis holds the scores of 'person': its index in weights.meta['categories'].
    True
    """
    names = get_spec(model_name).categories
    if class_name not in names:
        raise ValueError(f"`class_name` must be one of {', '.join(names)}, got {class_name!r}")
    expected = names.index(class_name)
    if answer == expected:
        return _feedback(True, f"Channel {expected} of the C axis holds the scores of {class_name!r}: "
                               "its index in weights.meta['categories'].")
    if answer == expected + 1:
        return _feedback(False, "Counting starts at 0, and channel 0 is '__background__'.")
    if answer == expected - 1:
        return _feedback(False, "Channel 0 is '__background__': the object classes start at channel 1.")
    return _feedback(False, f"Find {class_name!r} in weights.meta['categories']: its index is its channel.")


def check_probabilities(answer, *, logits) -> bool:
    """Check probabilities computed from ``[N, C, H, W]`` logits: softmax over the class axis.

    Examples
    --------
    >>> logits = torch.tensor([[[[2.0]], [[0.0]]], [[[0.0]], [[1.0]]]])  # N=2, C=2, H=W=1
    >>> check_probabilities(logits.softmax(dim=1), logits=logits)
    Correct! softmax(dim=1): at every pixel the C probabilities are positive and sum to 1.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    answer = torch.as_tensor(np.asarray(answer, dtype=np.float32))
    if _same(answer, logits.softmax(dim=1)):
        return _feedback(True, "softmax(dim=1): at every pixel the C probabilities are positive and sum to 1.")
    if answer.shape != logits.shape:
        return _feedback(False, f"Probabilities keep the logits' shape {tuple(logits.shape)}: one per class and pixel.")
    if _same(answer, logits):
        return _feedback(False, "Those are the logits themselves: apply softmax to turn them into probabilities.")
    axes = {0: "the batch axis N", 2: "the height axis H", 3: "the width axis W"}
    for dim, axis in axes.items():
        if _same(answer, logits.softmax(dim=dim)):
            return _feedback(False, f"Your values sum to 1 over {axis} (dim={dim}); the classes are dim=1.")
    if _same(answer, logits / logits.sum(dim=1, keepdim=True)):
        return _feedback(False, "Dividing by the sum is not softmax: exponentiate first, which also handles negative logits.")
    return _feedback(False, "Use logits.softmax(dim=1): exponentiate, then divide by the sum over the classes.")

