"""Exercise checkers for notebook 07 · FCN against DeepLabV3."""

from __future__ import annotations

import numpy as np
import torch

from ..models import load_model
from ..registry import get_spec
from ._common import _feedback

__all__ = ["check_aspp_rates", "check_feature_size", "check_miou_gap"]


def _aspp_rates(model_name: str) -> tuple[int, ...]:
    """Dilation rates of the 3x3 atrous branches of a DeepLabV3 model's ASPP, read from the model."""
    aspp = load_model(model_name, weights="random", device="cpu").classifier[0]
    return tuple(conv.dilation[0] for conv in aspp.modules()
                 if isinstance(conv, torch.nn.Conv2d) and conv.kernel_size == (3, 3))


def check_aspp_rates(answer, *, model_name: str = "deeplabv3_resnet101") -> bool:
    """Check a guess of the dilation rates of the ASPP's atrous 3x3 branches.

    Examples
    --------
    >>> check_aspp_rates((12, 24, 36))
    Correct! The three atrous branches have dilation 12, 24 and 36; a 1x1 branch and image pooling complete the ASPP.
    True
    """
    rates = _aspp_rates(model_name)
    answer = tuple(int(r) for r in answer)
    if answer == rates:
        return _feedback(True, f"The three atrous branches have dilation {', '.join(map(str, rates[:-1]))} and "
                               f"{rates[-1]}; a 1x1 branch and image pooling complete the ASPP.")
    if answer == tuple(r // 2 for r in rates):
        return _feedback(False, "Those are the DeepLabV3 paper's rates for a backbone of output stride 16. torchvision's "
                                "backbone has output stride 8, so its rates are twice as large. Read them from the model.")
    if len(answer) == len(rates) + 1 and 1 in answer:
        return _feedback(False, "The 1x1 branch has no dilation to speak of: list only the 3x3 atrous branches.")
    return _feedback(False, "Print the `dilation` of the 3x3 Conv2d layers in `model.classifier[0]` (the ASPP).")


def check_feature_size(answer, *, input_size: int, model_name: str = "fcn_resnet101") -> bool:
    """Check a guess of the side of the backbone's feature map for a square input of `input_size` pixels.

    Examples
    --------
    >>> check_feature_size(8, input_size=64)
    Correct! The backbone's 'out' features are 8x8 for a 64x64 input: 1/8 of the input side.
    True
    """
    backbone = load_model(model_name, weights="random", device="cpu").backbone
    with torch.inference_mode():
        side = int(backbone(torch.zeros(1, 3, input_size, input_size))["out"].shape[-1])
    answer = tuple(int(v) for v in np.atleast_1d(answer))
    if answer in ((side,), (side, side)):
        return _feedback(True, f"The backbone's 'out' features are {side}x{side} for a {input_size}x{input_size} input: "
                               f"1/{round(input_size / side)} of the input side.")
    if answer[0] in (input_size // 32, -(-input_size // 32)):
        return _feedback(False, "1/32 is the plain classification ResNet. The segmentation backbone replaces the strides "
                                "of layer3 and layer4 with dilation, so it stops at 1/8.")
    if answer[0] == input_size:
        return _feedback(False, "The input size comes back only after the head's final upsampling; the backbone's "
                                "features are much coarser.")
    return _feedback(False, "Divide the input side by the backbone's total stride (the product of the strides that are "
                            "left). To check, run `model.backbone` on a zero batch of that size and read its 'out'.")


def check_miou_gap(answer, *, better: str = "deeplabv3_resnet101", worse: str = "fcn_resnet101") -> bool:
    """Check a guess of how many mIoU points `better` beats `worse` by, in torchvision's published figures.

    Examples
    --------
    >>> check_miou_gap(3.7)
    Correct! 67.4 - 63.7 = 3.7 mIoU points.
    True
    """
    high, low = get_spec(better).metrics, get_spec(worse).metrics
    gap = round(high["miou"] - low["miou"], 1)
    if np.isclose(answer, gap, atol=0.051):
        return _feedback(True, f"{high['miou']} - {low['miou']} = {gap} mIoU points.")
    if np.isclose(answer, -gap, atol=0.051):
        return _feedback(False, f"Right size, wrong sign: {better} has the higher mIoU.")
    if np.isclose(answer, high["pixel_acc"] - low["pixel_acc"], atol=0.051):
        return _feedback(False, "That is the gap in pixel accuracy; read the mIoU column.")
    return _feedback(False, "Subtract the two models' mIoU in `segtutor.list_models()`.")
