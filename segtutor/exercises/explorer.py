"""Exercise checkers for notebook 10 · the interactive explorer."""

from __future__ import annotations

from ..playground import perturb_labels, playground_scores, playground_target
from ..registry import class_names
from ..scenes import SCENE_CLASSES
from ._common import _feedback

__all__ = ["check_least_affected_score", "check_tiny_classes"]


def check_least_affected_score(answer: str, *, shift: int = 6, seed: int = 0) -> bool:
    """Check which score drops least when the playground's prediction is shifted by `shift` pixels.

    Examples
    --------
    >>> check_least_affected_score("pixel accuracy")
    Correct! pixel accuracy 0.892, mean IoU 0.621, mean Dice 0.737. Every background pixel counts for the accuracy, and the background dominates.
    True
    """
    target = playground_target(seed=seed)
    pred = perturb_labels(target, shift=(shift, 0))
    scores = playground_scores(pred, target, num_classes=len(SCENE_CLASSES))
    best = max(scores, key=scores.get)
    summary = ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
    if answer == best:
        return _feedback(True, f"{summary}. Every background pixel counts for the accuracy, and the background dominates.")
    if answer == "mean Dice":
        return _feedback(False, f"Dice is always at least IoU, but pixel accuracy, counting every background pixel, stays higher: {summary}.")
    return _feedback(False, f"Compare the three numbers the playground shows: {summary}.")


def check_tiny_classes(answer) -> bool:
    """Check the number of classes of the tiny model, background included.

    Examples
    --------
    >>> check_tiny_classes(5)
    Correct! background, disc, square, triangle, ring: 5 classes.
    True
    """
    names = class_names("tiny")
    if answer == len(names):
        return _feedback(True, f"{', '.join(names)}: {len(names)} classes.")
    if answer == len(names) - 1:
        return _feedback(False, "That counts the shapes only; the background is a class too.")
    if answer == 21:
        return _feedback(False, "21 is PASCAL VOC's count, for the torchvision models. Print segtutor.class_names('tiny').")
    return _feedback(False, "Print segtutor.class_names('tiny') and count.")
