"""Exercise checkers for notebook 10 · the interactive explorer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..widgets._playground import perturb_labels, playground_scores, playground_target
from ..widgets._probe import top_classes
from ._common import _call, _checked, _coding, _int_answer, _is_int, _is_number, _rng, _Stop

__all__ = ["check_changed_pixels", "check_least_affected_score", "check_top_k_function"]

SCORES = ("pixel accuracy", "mean IoU", "mean Dice")


def check_least_affected_score(answer: str, *, shift: int = 6, seed: int = 0) -> bool:
    """Check which score drops least when the playground's prediction is shifted by `shift` pixels.

    Every wrong choice gets the same hint, so the feedback never tells the
    choices apart.

    Examples
    --------
    >>> check_least_affected_score("largest")
    Not yet. Choose one of 'pixel accuracy', 'mean IoU' or 'mean Dice'.
    False
    """
    def check():
        if answer not in SCORES:
            raise _Stop("Choose one of 'pixel accuracy', 'mean IoU' or 'mean Dice'.")
        target = playground_target(seed=seed)
        pred = perturb_labels(target, shift=(shift, 0))
        scores = playground_scores(pred, target, num_classes=int(target.max()) + 1)
        if answer == max(scores, key=lambda name: scores[name]):
            summary = ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
            return f"{summary}. Every background pixel counts for the accuracy, and the background dominates."
        raise _Stop("Read the three scores off the playground with that shift, or ask which pixels each score weighs: "
                    "how much of the picture does the shift leave right?")
    return _checked(check)


def check_changed_pixels(answer: Any, *, shift: tuple[int, int] = (0, 5), seed: int = 3) -> bool:
    """Check a count of the pixels whose class changes when the playground's target is shifted by `shift`.

    `shift` is (x, y) as in :func:`segtutor.perturb_labels`; the target is
    ``segtutor.widgets._playground.playground_target(seed=seed)``, a map the notebook never prints.

    Examples
    --------
    >>> check_changed_pixels(12.0)
    Not yet. Give the number of pixels as an int, not a float such as float 12.0.
    False
    """
    def check():
        _int_answer(answer, "the number of pixels")
        target = playground_target(seed=seed)
        pred = perturb_labels(target, shift=shift)
        changed = int((pred != target).sum())
        if answer == changed:
            return f"{changed} of {target.size} pixels change class: {changed / target.size:.1%}."
        if answer == target.size - changed:
            raise _Stop("That counts the pixels that keep their class; count those that change.")
        if answer in (round(100 * changed / target.size), int(100 * changed / target.size)) and answer != changed:
            raise _Stop("Count pixels, not a percentage: compare the two maps pixel by pixel and sum.")
        raise _Stop("That is not how many pixels change class. Check that the shift is (x, y), as perturb_labels "
                    "takes it, and that a pixel counts once however its class changes.")
    return _checked(check)


def _probability_cases(rng: np.random.Generator) -> list[tuple[str, np.ndarray, int, int, int]]:
    """(description, probs, row, col, k): softmax of small integer logits, so ties happen; k up to beyond C.

    The probed pixel's two most probable classes tie, and are two random classes other than class 0 where there
    are three classes or more: the first k classes in id order are never the answer there.
    """
    cases = []
    for classes, height, width, k in [(5, 4, 6, 3), (3, 5, 5, 3), (7, 2, 9, 1), (2, 3, 1, 4)]:
        logits = rng.integers(-2, 3, (classes, height, width)).astype(np.float64)
        row, col = int(rng.integers(0, height)), int(rng.integers(0, width))
        top = rng.choice(np.arange(1 if classes > 2 else 0, classes), size=2, replace=False)
        logits[top, row, col] = logits[:, row, col].max() + 1  # a tie at the top: the lower class id comes first
        probs = np.exp(logits) / np.exp(logits).sum(axis=0)
        cases.append((f"on {classes} classes, {height}x{width} pixels, k={k}", probs, row, col, k))
    return cases


def check_top_k_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(probs, row, col, k)``: the pixel probe's `k` most probable classes at one pixel.

    `probs` is a float (C, H, W) array of softmax probabilities. Return a list
    of (class id, probability) pairs, most probable first, a tie keeping the
    lower class id first, and fewer than `k` pairs when there are fewer
    classes. The checker tries fresh random probabilities with ties.

    Parameters
    ----------
    function : callable
        Your ``function(probs, row, col, k)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def top_k(probs, row, col, k):  # the first k classes, in id order
    ...     return [(c, float(probs[c, row, col])) for c in range(k)]
    >>> check_top_k_function(top_k, seed=0)
    Not yet. Most probable first: sort the probabilities from high to low (on 5 classes, 4x6 pixels, k=3).
    False
    """
    def check():
        for case, probs, row, col, k in _probability_cases(_rng(seed)):
            expected = top_classes(probs, row, col, k=k)
            mine = _call(function, probs.copy(), row, col, k)
            if not isinstance(mine, (list, tuple)) or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in mine):
                raise _Stop(f"Return a list of (class id, probability) pairs ({case}).")
            if not all(_is_int(c) and _is_number(p) for c, p in mine):
                raise _Stop(f"Each pair is (class id, probability): the id an int, the probability a float ({case}).")
            if len(mine) != len(expected):
                raise _Stop(f"Return k pairs, or one per class when there are fewer than k classes; got {len(mine)} "
                            f"({case}).")
            ids, values = [int(c) for c, _ in mine], np.array([p for _, p in mine], dtype=np.float64)
            if ids == [c for c, _ in expected] and np.allclose(values, [p for _, p in expected]):
                continue
            column = probs[:, row, col]
            if not np.allclose(values, column[ids]):
                raise _Stop(f"Each probability must be probs[class, row, col]: probs is (C, H, W), classes first ({case}).")
            if len(values) > 1 and (np.diff(values) > 0).any():
                raise _Stop(f"Most probable first: sort the probabilities from high to low ({case}).")
            if np.allclose(values, [p for _, p in expected]):
                raise _Stop(f"Equal probabilities keep the lower class id first: use a stable sort ({case}).")
            raise _Stop(f"Some pairs are not among the k most probable classes at (row, col) ({case}).")
        return "Your probe finds the k most probable classes on every pixel tried, ties in order."
    return _coding(check)
