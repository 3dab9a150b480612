"""Exercise checkers for notebook 07 · FCN against DeepLabV3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..models import get_spec, load_model
from ._common import _call, _checked, _coding, _describe, _ints_answer, _number_answer, _rng, _same, _Stop

__all__ = ["check_aspp_rates", "check_feature_size", "check_miou_gap", "check_upsample_function"]


def _aspp_rates(model_name: str) -> tuple[int, ...]:
    """Dilation rates of the 3x3 atrous branches of a DeepLabV3 model's ASPP, read from the model."""
    aspp = load_model(model_name, weights="random", device="cpu").get_submodule("classifier.0")
    return tuple(conv.dilation[0] for conv in aspp.modules()
                 if isinstance(conv, torch.nn.Conv2d) and conv.kernel_size == (3, 3))


def check_aspp_rates(answer: Any, *, model_name: str = "deeplabv3_resnet101") -> bool:
    """Check a guess of the dilation rates of the ASPP's atrous 3x3 branches.

    Examples
    --------
    >>> check_aspp_rates((2, 4))
    Not yet. Print the `dilation` of the 3x3 Conv2d layers in `model.classifier[0]` (the ASPP).
    False
    """
    def check():
        answer_ = _ints_answer(answer, "the dilation rates")
        rates = _aspp_rates(model_name)
        if answer_ == rates:
            return (f"The three atrous branches have dilation {', '.join(map(str, rates[:-1]))} and "
                    f"{rates[-1]}; a 1x1 branch and image pooling complete the ASPP.")
        if answer_ == tuple(r // 2 for r in rates):
            raise _Stop("Those are the DeepLabV3 paper's rates for a backbone of output stride 16. torchvision's "
                        "backbone has another output stride, and the rates follow it. Read them from the model.")
        if len(answer_) == len(rates) + 1 and 1 in answer_:
            raise _Stop("The 1x1 branch has no dilation to speak of: list only the 3x3 atrous branches.")
        raise _Stop("Print the `dilation` of the 3x3 Conv2d layers in `model.classifier[0]` (the ASPP).")
    return _checked(check)


def check_feature_size(answer: Any, *, input_size: int, model_name: str = "fcn_resnet101") -> bool:
    """Check a guess of the side of the backbone's feature map for a square input of `input_size` pixels.

    Examples
    --------
    >>> check_feature_size(64, input_size=64)
    Not yet. The input size comes back only after the head's final upsampling; the backbone's features are much coarser.
    False
    """
    def check():
        answer_ = (answer,) if not isinstance(answer, (tuple, list, np.ndarray, torch.Size)) else answer
        answer_ = _ints_answer(answer_, "the side")
        backbone = load_model(model_name, weights="random", device="cpu").get_submodule("backbone")
        with torch.inference_mode():
            side = int(backbone(torch.zeros(1, 3, input_size, input_size))["out"].shape[-1])
        if answer_ in ((side,), (side, side)):
            return (f"The backbone's 'out' features are {side}x{side} for a {input_size}x{input_size} input: "
                    f"1/{round(input_size / side)} of the input side.")
        if answer_[0] in (input_size // 32, -(-input_size // 32)):
            raise _Stop("1/32 is the plain classification ResNet. The segmentation backbone replaces the strides "
                        "of layer3 and layer4 with dilation: work out the stride that is left.")
        if answer_[0] == input_size:
            raise _Stop("The input size comes back only after the head's final upsampling; the backbone's "
                        "features are much coarser.")
        raise _Stop("Divide the input side by the backbone's total stride (the product of the strides that are "
                    "left). To check, run `model.backbone` on a zero batch of that size and read its 'out'.")
    return _checked(check)


def check_miou_gap(answer: Any, *, better: str = "deeplabv3_resnet101", worse: str = "fcn_resnet101") -> bool:
    """Check a guess of how many mIoU points `better` beats `worse` by, in torchvision's published figures.

    Examples
    --------
    >>> check_miou_gap(10)
    Not yet. Subtract the two models' mIoU in `segtutor.list_models()`.
    False
    """
    def check():
        _number_answer(answer, "the gap in mIoU points")
        high, low = get_spec(better).metrics, get_spec(worse).metrics
        gap = round(high["miou"] - low["miou"], 1)
        if np.isclose(answer, gap, atol=0.051):
            return f"{high['miou']} - {low['miou']} = {gap} mIoU points."
        if np.isclose(answer, -gap, atol=0.051):
            raise _Stop(f"Mind the sign: {better} has the higher mIoU.")
        if np.isclose(answer, high["pixel_acc"] - low["pixel_acc"], atol=0.051):
            raise _Stop("That is the gap in pixel accuracy; read the mIoU column.")
        raise _Stop("Subtract the two models' mIoU in `segtutor.list_models()`.")
    return _checked(check)


_UPSAMPLE_CASES = [((1, 3, 4, 5), (32, 40)), ((2, 5, 7, 7), (50, 61)), ((3, 4, 1, 6), (8, 48))]  # logits, (H, W)


def check_upsample_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(logits, size)``: coarse logits ``[N, C, h, w]`` upsampled to ``size = (H, W)``.

    As the FCN and DeepLabV3 heads do: bilinear interpolation of the float
    scores, ``align_corners=False``, before any argmax. The checker tries
    fresh random logits, batches of 1 and of N, and sizes that are not
    multiples of the input's.

    Parameters
    ----------
    function : callable
        Your ``function(logits, size)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def upsample(logits, size):  # forgets to upsample
    ...     return logits
    >>> check_upsample_function(upsample, seed=0)
    Not yet. The result must be [N, C, H, W] = [1, 3, 32, 40], got [1, 3, 4, 5] (on a batch of 1 from 4x5 to 32x40).
    False
    """
    def check():
        generator = torch.Generator().manual_seed(int(_rng(seed).integers(2**31)))
        for shape, size in _UPSAMPLE_CASES:
            logits = torch.randn(shape, generator=generator)
            case = f"on a batch of {shape[0]} from {shape[2]}x{shape[3]} to {size[0]}x{size[1]}"
            expected = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
            mine = _call(function, logits.clone(), size)
            if not isinstance(mine, torch.Tensor):
                raise _Stop(f"Return a torch.Tensor, got {_describe(mine)} ({case}).")
            if not mine.is_floating_point():
                raise _Stop(f"Upsample the float scores, then take the argmax; got {mine.dtype} ({case}).")
            if tuple(mine.shape) == (shape[0], shape[1], size[1], size[0]) and size[0] != size[1]:
                raise _Stop(f"`size` is (H, W), height first, as in the tensor's shape ({case}).")
            if tuple(mine.shape) != tuple(expected.shape):
                raise _Stop(f"The result must be [N, C, H, W] = {list(expected.shape)}, got {list(mine.shape)} ({case}).")
            mine = mine.detach().float()
            if _same(mine, expected):
                continue
            if _same(mine, F.interpolate(logits, size=size, mode="nearest")):
                raise _Stop(f"Nearest-neighbour upsampling makes blocky maps: the heads interpolate bilinearly ({case}).")
            if _same(mine, F.interpolate(logits, size=size, mode="bilinear", align_corners=True)):
                raise _Stop(f"torchvision's heads use align_corners=False ({case}).")
            raise _Stop(f"Interpolate the scores to `size` as the heads do: read F.interpolate's `mode` and `align_corners` "
                        f"({case}).")
        return "Your upsampling matches the heads' bilinear interpolation on every batch tried."
    return _coding(check)
