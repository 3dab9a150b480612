"""Exercise checkers for notebook 12 · transfer learning."""

from __future__ import annotations

import secrets
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._common import NOT_A_FUNCTION, NOT_ATTEMPTED, _describe, _feedback, _is_int

__all__ = ["check_freeze_function", "check_trainable_after_freeze"]

class _Segmenter(nn.Module):
    """A small model shaped like torchvision's: ``backbone``, ``classifier`` and an optional ``aux_classifier``."""

    def __init__(self, generator: torch.Generator):
        super().__init__()
        width = int(torch.randint(3, 9, (), generator=generator))
        self.backbone = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU())
        self.classifier = nn.Conv2d(width, int(torch.randint(2, 6, (), generator=generator)), 1)
        self.aux_classifier = nn.Conv2d(width, self.classifier.out_channels, 1)

    def forward(self, batch):
        features = self.backbone(batch)
        return OrderedDict(out=self.classifier(features), aux=self.aux_classifier(features))


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def check_freeze_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check a learner's ``freeze(model)``: backbone frozen, heads trainable, mode kept, trainable count returned.

    It is run on fresh small models with a ``backbone``, a ``classifier`` and an
    ``aux_classifier`` of random widths, in train mode and in eval mode (`seed` fixes them; by default every call draws new ones).

    Examples
    --------
    >>> def freeze(model):
    ...     for parameter in model.parameters():
    ...         parameter.requires_grad = False
    ...     return 0
    >>> check_freeze_function(freeze)
    Not yet. The heads are frozen too: only model.backbone's parameters should stop learning.
    False
    """
    if not callable(function):
        return _feedback(False, NOT_A_FUNCTION.format(_describe(function)))
    for training in (True, False):
        with torch.random.fork_rng(devices=[]):
            model = _Segmenter(torch.Generator().manual_seed(secrets.randbelow(2**31) if seed is None else seed)).train(training)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                returned = function(model)
        except NotImplementedError:
            print(NOT_ATTEMPTED)
            return False
        except Exception as err:
            return _feedback(False, f"Your function raised {type(err).__name__}: {err}")
        problem = _freeze_problem(model, returned, training)
        if problem:
            return _feedback(False, problem)
    return _feedback(True, "The backbone is frozen, both heads still learn, the mode is untouched, and the count is right.")


def _freeze_problem(model: _Segmenter, returned: Any, training: bool) -> str | None:
    heads = _count(model.classifier) + _count(model.aux_classifier)
    if any(p.requires_grad for p in model.backbone.parameters()):
        return "Some backbone parameters still have requires_grad=True."
    if not all(p.requires_grad for p in (*model.classifier.parameters(), *model.aux_classifier.parameters())):
        return "The heads are frozen too: only model.backbone's parameters should stop learning."
    if model.training != training or any(m.training != training for m in model.modules()):
        return "Freezing is about requires_grad only: leave the model's train/eval mode as the caller set it."
    if not _is_int(returned):
        return f"Return the number of trainable parameters as an int, got {type(returned).__name__}."
    if returned == _count(model.backbone):
        return "That is the number of frozen parameters; return those that still learn."
    if returned == _count(model):
        return "That counts every parameter; count only those with requires_grad=True."
    if returned == len([p for p in model.parameters() if p.requires_grad]):
        return "That counts parameter tensors; count their elements (p.numel())."
    if returned != heads:
        return "Your count is not the number of parameters with requires_grad=True."
    return None


def check_trainable_after_freeze(answer: Any, *, total: int, backbone: int) -> bool:
    """Check a guess of how many parameters still learn once a backbone is frozen.

    Examples
    --------
    >>> check_trainable_after_freeze(900, total=1000, backbone=900)
    Not yet. That is the backbone: the frozen part. Which parameters still learn?
    False
    """
    if not _is_int(answer):
        return _feedback(False, f"Give a whole number of parameters as an int, got {type(answer).__name__}.")
    expected = total - backbone
    if answer == expected:
        return _feedback(True, f"{total} - {backbone} = {expected} parameters, those of the heads, still learn.")
    if answer == backbone:
        return _feedback(False, "That is the backbone: the frozen part. Which parameters still learn?")
    if answer == total:
        return _feedback(False, "Freezing stops the backbone's parameters from learning: they no longer count.")
    return _feedback(False, "Frozen parameters stop learning; the others, outside the backbone, still do.")
