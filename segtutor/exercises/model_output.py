"""Exercise checkers for notebook 04 · the model's output."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..models import get_spec
from ._common import _call, _checked, _coding, _describe, _int_answer, _ints_answer, _rng, _same, _Stop

__all__ = ["check_class_channel", "check_output_shape", "check_probabilities", "check_probabilities_function"]


def check_output_shape(answer: Any, *, model_name: str, input_shape: tuple[int, int, int, int]) -> bool:
    """Check a guess of the shape of ``output['out']`` for a batch of shape `input_shape`.

    Examples
    --------
    >>> check_output_shape((2, 3, 200, 300), model_name="deeplabv3_resnet50", input_shape=(2, 3, 200, 300))
    Not yet. C counts the classes the model scores, not the input's 3 colour channels.
    False
    """
    n, _, h, w = input_shape
    c = len(get_spec(model_name).categories)

    def check():
        answer_ = _ints_answer(answer, "the shape")
        if answer_ == (n, c, h, w):
            return f"[N, C, H, W]: {n} images, {c} class scores per pixel, at the input's {h}x{w} (H x W)."
        if answer_ == (n, 3, h, w):
            raise _Stop("C counts the classes the model scores, not the input's 3 colour channels.")
        if answer_ == (c, h, w):
            raise _Stop("The batch axis N stays in the output, even for a batch of one.")
        if answer_ == (n, h, w, c):
            raise _Stop("PyTorch puts the channels (here: classes) before height and width: [N, C, H, W].")
        if len(answer_) == 4 and answer_[:2] == (n, c) and answer_[2:] != (h, w):
            raise _Stop("The head upsamples its scores back to the input's size.")
        raise _Stop("Think [N, C, H, W]: N from the batch, C from the classes, H and W from the input.")
    return _checked(check)


def check_class_channel(answer: Any, *, class_name: str, model_name: str = "fcn_resnet101") -> bool:
    """Check a guess of the channel of ``output['out']`` that holds a class's scores.

    Examples
    --------
    >>> check_class_channel(3, class_name="person")
    Not yet. Find 'person' in weights.meta['categories']: its index is its channel.
    False
    """
    names = get_spec(model_name).categories
    if class_name not in names:
        raise ValueError(f"`class_name` must be one of {', '.join(names)}, got {class_name!r}")

    def check():
        _int_answer(answer, "the channel")
        expected = names.index(class_name)
        if answer == expected:
            return (f"Channel {expected} of the C axis holds the scores of {class_name!r}: "
                    "its index in weights.meta['categories'].")
        if answer == expected + 1:
            raise _Stop("Counting starts at 0, and channel 0 is '__background__'.")
        if answer == expected - 1:
            raise _Stop("Channel 0 is '__background__': the object classes start at channel 1.")
        raise _Stop(f"Find {class_name!r} in weights.meta['categories']: its index is its channel.")
    return _checked(check)


def check_probabilities(answer: Any, *, logits: torch.Tensor) -> bool:
    """Check probabilities computed from ``[N, C, H, W]`` logits: softmax over the class axis.

    Examples
    --------
    >>> logits = torch.tensor([[[[2.0]], [[0.0]]], [[[0.0]], [[1.0]]]])  # N=2, C=2, H=W=1
    >>> check_probabilities(logits.softmax(dim=0), logits=logits)
    Not yet. Your values sum to 1 over the batch axis N (dim=0); the classes are dim=1.
    False
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)

    def check():
        mine = answer.detach() if isinstance(answer, torch.Tensor) else np.asarray(answer)
        if mine.dtype == object or not (mine.is_floating_point() if isinstance(mine, torch.Tensor)
                                        else np.issubdtype(mine.dtype, np.floating)):
            raise _Stop(f"Probabilities are floats between 0 and 1, got {_describe(answer)}.")
        mine = torch.as_tensor(np.asarray(mine, dtype=np.float32))
        if _same(mine, logits.softmax(dim=1)):
            return "softmax(dim=1): at every pixel the C probabilities are positive and sum to 1."
        if mine.shape != logits.shape:
            raise _Stop(f"Probabilities keep the logits' shape {tuple(logits.shape)}: one per class and pixel.")
        if _same(mine, logits):
            raise _Stop("Those are the logits themselves: apply softmax to turn them into probabilities.")
        axes = {0: "the batch axis N", 2: "the height axis H", 3: "the width axis W"}
        for dim, axis in axes.items():
            if _same(mine, logits.softmax(dim=dim)):
                raise _Stop(f"Your values sum to 1 over {axis} (dim={dim}); the classes are dim=1.")
        if _same(mine, logits / logits.sum(dim=1, keepdim=True)):
            raise _Stop("Dividing by the sum is not softmax: exponentiate first, which also handles negative logits.")
        raise _Stop("Use logits.softmax(dim=1): exponentiate, then divide by the sum over the classes.")
    return _checked(check)


_OUTPUT_SHAPES = [(1, 4, 5, 6), (3, 5, 4, 4), (2, 3, 1, 7)]  # [N, C, H, W] of the outputs tried


def check_probabilities_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(output)``: class probabilities from a model's output OrderedDict.

    `output` holds 'out' and 'aux' logits ``[N, C, H, W]``; your function must
    return the float ``[N, C, H, W]`` softmax of ``output['out']`` over the
    class axis. The checker tries fresh random outputs, batches of 1 and of N.

    Parameters
    ----------
    function : callable
        Your ``function(output)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def probabilities(output):  # the scores as they come
    ...     return output["out"]
    >>> check_probabilities_function(probabilities, seed=0)
    Not yet. Those are the logits themselves: apply softmax to turn them into probabilities (on a batch of 1).
    False
    """
    def check():
        generator = torch.Generator().manual_seed(int(_rng(seed).integers(2**31)))
        for shape in _OUTPUT_SHAPES:
            out, aux = 3 * torch.randn(shape, generator=generator), 3 * torch.randn(shape, generator=generator)
            case = f"on a batch of {shape[0]}"
            mine = _call(function, OrderedDict(out=out.clone(), aux=aux.clone()))
            if not isinstance(mine, torch.Tensor):
                raise _Stop(f"Return a torch.Tensor, got {_describe(mine)} ({case}).")
            if not mine.is_floating_point():
                raise _Stop(f"Probabilities are floats, got {mine.dtype} ({case}).")
            if tuple(mine.shape) != shape:
                raise _Stop(f"Probabilities keep the logits' shape [N, C, H, W] = {list(shape)}, got "
                            f"{list(mine.shape)}: keep the batch axis and every class ({case}).")
            mine = mine.detach().float()
            if _same(mine, out.softmax(dim=1)):
                continue
            if _same(mine, aux.softmax(dim=1)):
                raise _Stop(f"Use output['out'], the final scores; 'aux' is the auxiliary head's ({case}).")
            if _same(mine, out):
                raise _Stop(f"Those are the logits themselves: apply softmax to turn them into probabilities ({case}).")
            for dim, axis in {0: "the batch axis N", 2: "the height axis H", 3: "the width axis W"}.items():
                if _same(mine, out.softmax(dim=dim)):
                    raise _Stop(f"Your probabilities sum to 1 over {axis} (dim={dim}); the classes are dim=1 ({case}).")
            raise _Stop(f"Softmax turns scores into probabilities: which entry of the output holds the final scores, and "
                        f"which axis the classes? ({case})")
        return "Your probabilities match softmax(dim=1) of output['out'] on every batch tried."
    return _coding(check)
