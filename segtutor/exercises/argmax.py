"""Exercise checkers for notebook 05 · argmax."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ._common import _call, _checked, _coding, _describe, _ints_answer, _labels_result, _per_image, _rng, _Stop

__all__ = ["check_class_map", "check_class_map_function", "check_confidence", "check_squeeze_shape"]


def check_class_map(answer: Any, *, logits: torch.Tensor) -> bool:
    """Check a class map (argmax over the class axis) worked out from ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.
    Class ids are integers: an answer of floats is refused, never rounded.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.5, 2.0]], [[1.5, 2.0]]]])  # N=1, C=2, H=1, W=2: a tie at the right pixel
    >>> check_class_map([[0, 1]], logits=logits)
    Not yet. Pixel (row 0, column 0) has class scores [0.5, 1.5]: the index of the highest is its class.
    False
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)

    def check():
        expected = logits.argmax(dim=1)
        mine = _per_image(answer, expected)
        if mine is None:
            raise _Stop(f"The class map has one class id per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                        "for each image.")
        if torch.equal(mine, expected):
            return "At every pixel the class with the highest score wins; a tie goes to the lowest class id."
        if torch.equal(mine, logits.argmin(dim=1)):
            raise _Stop("Those are the lowest scores: argmax picks the highest.")
        n, r, c = (int(i) for i in (mine != expected).nonzero()[0])
        scores = [round(float(v), 4) for v in logits[n, :, r, c]]
        if scores.count(max(scores)) > 1:
            raise _Stop(f"Pixel (row {r}, column {c}) is a tie, scores {scores}: argmax returns the first "
                        "maximum, the lowest class id.")
        raise _Stop(f"Pixel (row {r}, column {c}) has class scores {scores}: the index of the highest is its class.")
    return _checked(check)


def check_squeeze_shape(answer: Any, *, shape: tuple[int, ...]) -> bool:
    """Check a guess of the shape of the seed's ``torch.argmax(out.squeeze(), dim=0)`` for `out` of `shape`.

    Examples
    --------
    >>> check_squeeze_shape((1, 5), shape=(1, 21, 1, 5))
    Not yet. squeeze() drops every axis of size 1, and that includes H or W when it is 1.
    False
    """
    def check():
        answer_ = _ints_answer(answer, "the shape")
        squeezed = tuple(s for s in shape if s != 1)
        expected = squeezed[1:]
        n, _, h, w = shape
        if answer_ == expected:
            which = " (the batch axis: not a class map; use argmax(dim=1))" if n > 1 else ""
            return (f"squeeze() drops every axis of size 1, here {tuple(shape)} -> {squeezed}; "
                    f"argmax(dim=0) then drops axis 0{which}.")
        if answer_ == (h, w) and n > 1:
            raise _Stop(f"squeeze() removes only axes of size 1: the batch axis N={n} stays, so dim=0 is "
                        "the batch axis, not the classes.")
        if answer_ in ((h, w), (n, h, w)) and 1 in (h, w):
            raise _Stop("squeeze() drops every axis of size 1, and that includes H or W when it is 1.")
        raise _Stop("First write the shape after squeeze() (drop every 1), then drop axis 0 for argmax(dim=0).")
    return _checked(check)


def check_confidence(answer: Any, *, logits: torch.Tensor) -> bool:
    """Check a confidence map: the highest softmax probability at each pixel of ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]]]])  # N=1, C=2, H=1, W=2
    >>> check_confidence([[0.0, 1.0]], logits=logits)
    Not yet. That is the highest logit, not a probability: apply softmax(dim=1) first.
    False
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)

    def check():
        expected = logits.softmax(dim=1).amax(dim=1)
        array = answer.detach().numpy() if isinstance(answer, torch.Tensor) else np.asarray(answer)
        winners = logits.argmax(dim=1).numpy()
        if np.issubdtype(array.dtype, np.integer) and winners.reshape(-1).tolist() == array.reshape(-1).tolist():
            raise _Stop("That is which class wins (argmax); the confidence is how sure: its probability.")
        if array.dtype == object or not np.issubdtype(array.dtype, np.floating):
            raise _Stop(f"The confidence map holds one probability per pixel, got {_describe(array)}.")
        mine = torch.as_tensor(array.astype(np.float32))
        if mine.ndim == 2 and logits.shape[0] == 1:
            mine = mine.unsqueeze(0)
        if mine.shape != expected.shape:
            raise _Stop(f"The confidence map has one number per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                        "for each image.")
        if torch.allclose(mine, expected, atol=1e-3):
            return "The confidence is the largest softmax probability: between 1/C and 1."
        if torch.allclose(mine, logits.amax(dim=1), atol=1e-3):
            raise _Stop("That is the highest logit, not a probability: apply softmax(dim=1) first.")
        for dim in (0, 2, 3):
            if torch.allclose(mine, logits.softmax(dim=dim).amax(dim=1), atol=1e-3):
                raise _Stop(f"softmax must run over the classes (dim=1), not dim={dim}.")
        raise _Stop("Take logits.softmax(dim=1), then the maximum over the class axis: .amax(dim=1).")
    return _checked(check)


_LOGIT_SHAPES = [(3, 4, 5, 5), (1, 5, 4, 6), (2, 6, 1, 7), (1, 3, 1, 1)]  # [N, C, H, W] of the logits tried


def _class_map_mistakes(mine: torch.Tensor, logits: torch.Tensor, case: str) -> None:
    """Stop with targeted feedback when `mine` is what squeeze() or argmax over another axis gives."""
    if not isinstance(mine, torch.Tensor):
        return
    n = logits.shape[0]
    squeezed = logits.squeeze()
    if squeezed.ndim and mine.shape == squeezed.argmax(dim=0).shape and torch.equal(mine, squeezed.argmax(dim=0)):
        which = ("squeeze() drops the batch axis of a batch of 1, and every other axis of size 1" if n == 1
                 else f"squeeze() keeps the batch axis N={n}, so dim=0 is the batch, not the classes")
        raise _Stop(f"{which}: keep [N, H, W], use argmax(dim=1) ({case}).")
    for dim, axis in {0: "the batch axis N", 2: "the height axis H", 3: "the width axis W"}.items():
        if mine.shape == logits.argmax(dim=dim).shape and torch.equal(mine, logits.argmax(dim=dim)):
            raise _Stop(f"Your argmax runs over {axis} (dim={dim}); the classes are dim=1 ({case}).")


def check_class_map_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(logits)``: the integer class map ``[N, H, W]`` of float logits ``[N, C, H, W]``.

    The checker calls it on fresh random logits: batches of 1 and of N, images
    whose height or width is 1, and ties. Keep the batch axis, also for N = 1.

    Parameters
    ----------
    function : callable
        Your ``function(logits)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def to_class_map(logits):  # adds up the class scores
    ...     return logits.sum(dim=1).long()
    >>> check_class_map_function(to_class_map, seed=0)
    Not yet. Your class map differs at some pixels: the class with the highest score wins; a tie goes to the lowest class id (on a batch of 3 of 5x5 pixels).
    False
    """  # noqa: E501 - the feedback is one printed line
    def check():
        generator = torch.Generator().manual_seed(int(_rng(seed).integers(2**31)))
        for shape in _LOGIT_SHAPES:
            logits = torch.randint(-3, 4, shape, generator=generator).float()  # small integers: ties happen
            case = f"on a batch of {shape[0]} of {shape[2]}x{shape[3]} pixels"
            expected = logits.argmax(dim=1)
            mine = _call(function, logits.clone())
            _class_map_mistakes(mine, logits, case)
            mine = _labels_result(mine, expected, case=case)
            if torch.equal(mine, expected):
                continue
            if torch.equal(mine, logits.argmin(dim=1)):
                raise _Stop(f"Those are the lowest scores: argmax picks the highest ({case}).")
            raise _Stop(f"Your class map differs at some pixels: the class with the highest score wins; a tie goes to "
                        f"the lowest class id ({case}).")
        return "Your class maps match argmax(dim=1) on every batch tried, ties included."
    return _coding(check)
