"""Transfer learning: new class heads on a torchvision segmentation model, a frozen backbone.

torchvision's segmentation models keep their feature extractor in
``model.backbone`` and their class scores in ``model.classifier`` (and
``model.aux_classifier`` when there is an auxiliary head). Fine-tuning for
new classes replaces the convolutions that output one channel per old class,
then trains the heads first with the backbone frozen, and all of it after.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from .._checks import check_num_classes
from ..models._spec import _ATTRIBUTE

__all__ = ["freeze_backbone", "replace_heads", "trainable_parameters"]

_HEADS = ("classifier", "aux_classifier")


def _check_model(model: object) -> None:
    if not isinstance(model, nn.Module) or not isinstance(getattr(model, "backbone", None), nn.Module) \
            or not isinstance(getattr(model, "classifier", None), nn.Module):
        raise TypeError(f"`model` must be a torchvision segmentation model with .backbone and .classifier, "
                        f"got {type(model).__name__}")


def replace_heads(model: nn.Module, num_classes: int, *, seed: int = 0) -> nn.Module:
    """Return a copy of `model` whose class outputs are new, randomly initialised 1x1 convolutions.

    In ``model.classifier`` and ``model.aux_classifier`` every ``Conv2d``
    with one output channel per old class (FCN and DeepLabV3: the last
    layer; LR-ASPP: ``low_classifier`` and ``high_classifier``) is replaced
    by one with `num_classes` outputs. The rest of the heads and the backbone
    keep their weights. `model` itself is left untouched.

    Parameters
    ----------
    model : torch.nn.Module
        A torchvision segmentation model, e.g. from :func:`segtutor.load_model`.
    num_classes : int
        Classes of the new task.
    seed : int, optional
        Seeds the new layers' initial weights (the global generator is not used).

    Returns
    -------
    torch.nn.Module
        The copy, in `model`'s mode, on its device, without `model`'s spec.

    Raises
    ------
    TypeError
        If `model` has no ``backbone`` and ``classifier``.

    Examples
    --------
    >>> import torchvision
    >>> model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)
    >>> new = replace_heads(model, 5)
    >>> new.classifier.high_classifier.out_channels, model.classifier.high_classifier.out_channels
    (5, 21)
    """
    _check_model(model)
    num_classes = check_num_classes(num_classes)
    old = [m.out_channels for m in model.get_submodule("classifier").modules() if isinstance(m, nn.Conv2d)][-1]
    new = copy.deepcopy(model)
    new.__dict__.pop(_ATTRIBUTE, None)  # its spec names the old classes
    generator = torch.Generator().manual_seed(seed)
    for head in (getattr(new, name, None) for name in _HEADS):
        for parent in (list(head.modules()) if head is not None else []):
            for name, child in parent.named_children():
                if isinstance(child, nn.Conv2d) and child.out_channels == old:
                    setattr(parent, name, _fresh_conv(child, num_classes, generator))
    return new


def _fresh_conv(conv: nn.Conv2d, num_classes: int, generator: torch.Generator) -> nn.Conv2d:
    fresh = nn.utils.skip_init(nn.Conv2d, conv.in_channels, num_classes, conv.kernel_size, conv.stride, conv.padding,
                               bias=conv.bias is not None, device=conv.weight.device)  # no draw from the global generator
    bound = (1 / (conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1])) ** 0.5  # PyTorch's default init range
    with torch.no_grad():
        fresh.weight.copy_(torch.empty(fresh.weight.shape).uniform_(-bound, bound, generator=generator))
        if fresh.bias is not None:
            fresh.bias.copy_(torch.empty(num_classes).uniform_(-bound, bound, generator=generator))
    return fresh


def freeze_backbone(model: nn.Module, frozen: bool = True) -> int:
    """Freeze (or unfreeze) the backbone's parameters; return how many parameters remain trainable.

    Only ``requires_grad`` changes: the mode stays as it is. In train mode
    the backbone's BatchNorm layers still update their running statistics;
    call ``model.backbone.eval()`` after ``model.train()`` to keep them too.

    Parameters
    ----------
    model : torch.nn.Module
        A torchvision segmentation model.
    frozen : bool, optional
        ``True`` freezes the backbone, ``False`` makes it trainable again.

    Returns
    -------
    int
        The number of parameters of `model` with ``requires_grad``.

    Raises
    ------
    TypeError
        If `model` has no ``backbone`` and ``classifier``, or `frozen` is not a bool.

    Examples
    --------
    >>> import torchvision
    >>> model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)
    >>> freeze_backbone(model), freeze_backbone(model, False) == trainable_parameters(model)
    (249586, True)
    """
    _check_model(model)
    if not isinstance(frozen, bool):
        raise TypeError(f"`frozen` must be a bool, got {type(frozen).__name__}")
    for parameter in model.get_submodule("backbone").parameters():
        parameter.requires_grad_(not frozen)
    return trainable_parameters(model)


def trainable_parameters(model: nn.Module) -> int:
    """The number of parameters with ``requires_grad``.

    Examples
    --------
    >>> trainable_parameters(nn.Conv2d(3, 2, 1))
    8
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"`model` must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
