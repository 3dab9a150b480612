"""Exercise checkers for notebook 05 · argmax."""

from __future__ import annotations

import torch

from ._common import _feedback, _as_tuple, _per_image

__all__ = ["check_class_map", "check_confidence", "check_squeeze_shape"]


def check_class_map(answer, *, logits) -> bool:
    """Check a class map (argmax over the class axis) worked out from ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.5, 2.0]], [[1.5, 2.0]]]])  # N=1, C=2, H=1, W=2: a tie at the right pixel
    >>> check_class_map([[1, 0]], logits=logits)
    Correct! At every pixel the class with the highest score wins; a tie goes to the lowest class id.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    expected = logits.argmax(dim=1)
    mine = _per_image(answer, expected)
    if mine is None:
        return _feedback(False, f"The class map has one class id per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                                "for each image.")
    if torch.equal(mine, expected):
        return _feedback(True, "At every pixel the class with the highest score wins; a tie goes to the lowest class id.")
    if torch.equal(mine, logits.argmin(dim=1)):
        return _feedback(False, "Those are the lowest scores: argmax picks the highest.")
    n, r, c = (int(i) for i in (mine != expected).nonzero()[0])
    scores = [round(float(v), 4) for v in logits[n, :, r, c]]
    if scores.count(max(scores)) > 1:
        return _feedback(False, f"Pixel (row {r}, column {c}) is a tie, scores {scores}: argmax returns the first "
                                "maximum, the lowest class id.")
    return _feedback(False, f"Pixel (row {r}, column {c}) has class scores {scores}: the index of the highest is "
                            "its class.")


def check_squeeze_shape(answer, *, shape: tuple[int, ...]) -> bool:
    """Check a guess of the shape of the seed's ``torch.argmax(out.squeeze(), dim=0)`` for `out` of `shape`.

    Examples
    --------
    >>> check_squeeze_shape((4, 5), shape=(1, 21, 4, 5))
    Correct! squeeze() drops every axis of size 1, here (1, 21, 4, 5) -> (21, 4, 5); argmax(dim=0) then drops axis 0.
    True
    """
    squeezed = tuple(s for s in shape if s != 1)
    expected = squeezed[1:]
    answer = _as_tuple(answer)
    n, _, h, w = shape
    if answer == expected:
        which = " (the batch axis: not a class map; use argmax(dim=1))" if n > 1 else ""
        return _feedback(True, f"squeeze() drops every axis of size 1, here {tuple(shape)} -> {squeezed}; "
                               f"argmax(dim=0) then drops axis 0{which}.")
    if answer == (h, w) and n > 1:
        return _feedback(False, f"squeeze() removes only axes of size 1: the batch axis N={n} stays, so dim=0 is "
                                "the batch axis, not the classes.")
    if answer in ((h, w), (n, h, w)) and 1 in (h, w):
        return _feedback(False, "squeeze() drops every axis of size 1, and that includes H or W when it is 1.")
    return _feedback(False, "First write the shape after squeeze() (drop every 1), then drop axis 0 for argmax(dim=0).")


def check_confidence(answer, *, logits) -> bool:
    """Check a confidence map: the highest softmax probability at each pixel of ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]]]])  # N=1, C=2, H=1, W=2
    >>> check_confidence([[0.5, 0.7311]], logits=logits)
    Correct! The confidence is the largest softmax probability: between 1/C and 1.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    expected = logits.softmax(dim=1).amax(dim=1)
    mine = _per_image(answer, expected)
    if mine is None:
        return _feedback(False, f"The confidence map has one number per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                                "for each image.")
    if torch.allclose(mine, expected, atol=1e-3):
        return _feedback(True, "The confidence is the largest softmax probability: between 1/C and 1.")
    if torch.allclose(mine, logits.amax(dim=1), atol=1e-3):
        return _feedback(False, "That is the highest logit, not a probability: apply softmax(dim=1) first.")
    if torch.equal(mine, logits.argmax(dim=1).to(mine.dtype)):
        return _feedback(False, "That is which class wins (argmax); the confidence is how sure: its probability.")
    for dim in (0, 2, 3):
        if torch.allclose(mine, logits.softmax(dim=dim).amax(dim=1), atol=1e-3):
            return _feedback(False, f"softmax must run over the classes (dim=1), not dim={dim}.")
    return _feedback(False, "Take logits.softmax(dim=1), then the maximum over the class axis: .amax(dim=1).")

