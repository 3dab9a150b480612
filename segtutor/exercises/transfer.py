"""Exercise checkers for notebook 12 · transfer learning."""

from __future__ import annotations

import copy
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.segmentation.fcn import FCNHead

from ._common import _call, _coding, _describe, _feedback, _is_int, _rng, _Shared, _Stop

__all__ = ["check_freeze_function", "check_replace_head_function", "check_trainable_after_freeze"]

_HEADS = ("classifier", "aux_classifier")


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


class _SmallFCN(nn.Module):
    """A small model laid out as torchvision's FCN: two backbone stages, an ``FCNHead`` on each (``classifier``, ``aux_classifier``).

    Its widths and class count are drawn from `generator`, its weights too; its forward uses its children only.
    """

    def __init__(self, generator: torch.Generator, num_classes: int):
        super().__init__()
        aux_width = 4 * int(torch.randint(2, 4, (), generator=generator))  # 8 or 12: inner widths 2 or 3
        width = aux_width + 4 * int(torch.randint(1, 4, (), generator=generator))  # wider: inner widths 3 to 6
        with torch.random.fork_rng(devices=[]):  # the layers' own init draws from the global generator: leave it alone
            self.backbone = nn.Sequential(_stage(3, aux_width), _stage(aux_width, width))
            self.classifier = FCNHead(width, num_classes)
            self.aux_classifier = FCNHead(aux_width, num_classes)
        with torch.no_grad():
            for tensor in (*self.parameters(), *(b for b in self.buffers() if b.is_floating_point())):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)

    def forward(self, batch: torch.Tensor) -> OrderedDict[str, torch.Tensor]:
        aux = self.backbone[0](batch)
        out = self.backbone[1](aux)
        return OrderedDict(out=F.interpolate(self.classifier(out), size=batch.shape[-2:], mode="bilinear", align_corners=False),
                           aux=F.interpolate(self.aux_classifier(aux), size=batch.shape[-2:], mode="bilinear", align_corners=False))


def _stage(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


def _count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def check_freeze_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check a learner's ``freeze(model)``: backbone frozen, heads trainable, mode kept, trainable count returned.

    It is run on fresh small models with a ``backbone``, a ``classifier`` and an
    ``aux_classifier`` of random widths, in train mode and in eval mode (`seed` fixes them; by default every call draws new ones).

    Examples
    --------
    >>> def freeze(model):  # freezes nothing yet
    ...     return 0
    >>> check_freeze_function(freeze)
    Not yet. Some backbone parameters still have requires_grad=True.
    False
    """
    def check() -> str:
        rng = _rng(seed)
        for training in (True, False):
            with torch.random.fork_rng(devices=[]):
                model = _Segmenter(torch.Generator().manual_seed(int(rng.integers(2**31)))).train(training)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                returned = _call(function, _Shared(model))  # freezing works in place: the checker reads this model
            problem = _freeze_problem(model, returned, training)
            if problem:
                raise _Stop(problem)
        return "The backbone is frozen, both heads still learn, the mode is untouched, and the count is right."

    return _coding(check)


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


def check_replace_head_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check a learner's ``replace_head(model, num_classes)`` for torchvision's FCN layout.

    The function must give both heads, ``model.classifier`` and
    ``model.aux_classifier`` (each an ``FCNHead``: convolution, batch norm,
    ReLU, dropout, then a 1x1 convolution with one output per class), a new
    last layer for `num_classes` classes, leave everything else as it was
    (weights, ``requires_grad``, train/eval mode) and return the model. It is
    run on fresh small models of random widths and class counts, in eval and
    in train mode, with a random new class count (`seed` fixes them; by
    default every call draws new ones); the returned model must then output
    ``'out'`` and ``'aux'`` of shape [N, num_classes, H, W].

    Examples
    --------
    >>> def replace_head(model, num_classes):
    ...     model.classifier = nn.Conv2d(model.classifier[0].in_channels, num_classes, 1)
    ...     return model
    >>> check_replace_head_function(replace_head)
    Not yet. model.classifier is no longer the head it was: only its last layer gives one score per class, the layers before it hold learned weights to keep.
    False
    """  # noqa: E501 - the feedback is one printed line
    def check() -> str:
        rng = _rng(seed)
        counts = rng.choice(range(2, 10), size=2, replace=False)  # two different new class counts, below the old ones
        for training, num_classes in zip((False, True), counts.tolist()):
            model = _SmallFCN(torch.Generator().manual_seed(int(rng.integers(2**31))), int(rng.integers(10, 21))).train(training)
            pristine = copy.deepcopy(model)
            with torch.random.fork_rng(devices=[]):  # the learner's new layers draw their weights: leave the caller's state
                returned = _call(function, model, num_classes)
            _check_new_heads(returned, pristine, num_classes)
            _check_rest_kept(returned, pristine)
            _check_output(returned, num_classes, rng)
        return ("Both heads end in a new layer with num_classes outputs, the rest of the model is as it was, "
                "and 'out' and 'aux' have the new shape.")

    return _coding(check)


def _check_new_heads(returned: Any, pristine: _SmallFCN, num_classes: int) -> None:
    if returned is None:
        raise _Stop("Your function returned None: return the model, with its new layers in place.")
    if isinstance(returned, nn.Conv2d) or not all(isinstance(getattr(returned, h, None), nn.Module) for h in _HEADS):
        raise _Stop(f"Return the whole model, with its new layers inside it; got {_describe(returned)}.")
    for name in _HEADS:
        head, old_head = getattr(returned, name), getattr(pristine, name)
        if not isinstance(head, nn.Sequential) or len(head) != len(old_head):
            raise _Stop(f"model.{name} is no longer the head it was: only its last layer gives one score per class, "
                        "the layers before it hold learned weights to keep.")
        changed = [i for i, (layer, old_layer) in enumerate(zip(list(head)[:-1], list(old_head)[:-1]))
                   if type(layer) is not type(old_layer) or not _same_state(layer, old_layer)]
        if changed and _same_state(head[-1], old_head[-1]) and head[-1].out_channels == old_head[-1].out_channels:
            raise _Stop(f"model.{name}[{changed[0]}] changed: that layer computes features, not class scores; "
                        "replace the layer that outputs one channel per class.")
        _check_last_layer(head[-1], old_head[-1], f"model.{name}", num_classes, entering=old_head[0].in_channels)


def _check_last_layer(layer: nn.Module, old: nn.Conv2d, where: str, num_classes: int, *, entering: int) -> None:
    if not isinstance(layer, nn.Conv2d):
        raise _Stop(f"The last layer of {where} must be an nn.Conv2d, got {_describe(layer)}.")
    if layer.weight.shape[0] != layer.out_channels:
        raise _Stop(f"Setting out_channels on the last layer of {where} does not resize its weights, so it still "
                    "outputs the old classes: put a new layer in its place.")
    if layer.out_channels == old.out_channels:
        extra = " FCN's auxiliary head predicts the same classes as the main one." if where.endswith("aux_classifier") else ""
        raise _Stop(f"{where} still outputs the old number of classes.{extra}")
    if layer.out_channels != num_classes:
        raise _Stop(f"The new last layer of {where} outputs a fixed number of channels: the new task has num_classes classes.")
    if layer.in_channels == entering != old.in_channels:
        raise _Stop(f"The new last layer of {where} takes as many channels as enter the head, but the layers before it "
                    "change that number: its in_channels must match what reaches it.")
    if layer.in_channels != old.in_channels:
        raise _Stop(f"The new last layer of {where} has the wrong in_channels: it must take the channels the layer "
                    "before it gives, as the old one did.")
    if (layer.kernel_size, layer.stride, layer.padding, layer.dilation) != (old.kernel_size, old.stride, old.padding, old.dilation):
        raise _Stop(f"The new last layer of {where} has another kernel, stride, padding or dilation than the layer it "
                    "replaces: only the number of classes changes.")
    if not all(p.requires_grad for p in layer.parameters()):
        raise _Stop(f"The new last layer of {where} does not learn: its parameters have requires_grad=False.")


def _same_state(layer: nn.Module, old: nn.Module) -> bool:
    state, before = layer.state_dict(), old.state_dict()
    return state.keys() == before.keys() and all(state[k].shape == v.shape and torch.equal(state[k], v) for k, v in before.items())


def _check_rest_kept(returned: nn.Module, pristine: _SmallFCN) -> None:
    replaced = tuple(f"{name}.{len(getattr(pristine, name)) - 1}" for name in _HEADS)

    def kept(name: str) -> bool:
        return not any(name == r or name.startswith(r + ".") for r in replaced)

    modules, modules_before = dict(returned.named_modules()), dict(pristine.named_modules())
    state, before = returned.state_dict(), pristine.state_dict()
    if {k for k in modules if kept(k)} != {k for k in modules_before if kept(k)} \
            or any(type(modules[k]) is not type(m) for k, m in modules_before.items() if kept(k)) \
            or {k for k in state if kept(k)} != {k for k in before if kept(k)} \
            or any(not torch.equal(state[k], v) for k, v in before.items() if kept(k)):
        raise _Stop("Layers or weights outside the two new layers changed: transfer learning keeps them, "
                    "they are what the model learned.")
    parameters = dict(returned.named_parameters())
    if any(parameters[k].requires_grad != p.requires_grad for k, p in pristine.named_parameters() if kept(k)):
        raise _Stop("requires_grad changed outside the new layers: freezing is a step of its own, leave it out here.")
    if any(modules[k].training != m.training for k, m in modules_before.items() if kept(k)):
        raise _Stop("The train/eval mode changed: leave it as the caller set it.")


def _check_output(model: nn.Module, num_classes: int, rng: Any) -> None:
    size = tuple(int(s) for s in rng.integers(12, 33, 2))
    batch = torch.from_numpy(rng.standard_normal((2, 3, *size), dtype="float32"))
    try:
        with torch.no_grad():
            output = copy.deepcopy(model).eval()(batch)
    except Exception as error:  # the learner's model: report it in one line
        raise _Stop(f"Your model raised {type(error).__name__} on a batch of shape (2, 3, H, W).") from None
    expected = (2, num_classes, *size)
    if not isinstance(output, dict) or any(not isinstance(output.get(k), torch.Tensor) or tuple(output[k].shape) != expected
                                            for k in ("out", "aux")):
        raise _Stop("Your model's 'out' and 'aux' must both have shape [N, num_classes, H, W].")
