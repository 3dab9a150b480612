"""Notebook 07 · FCN against DeepLabV3: upsampling coarse logits to the image's size, as the heads do."""

import torch.nn.functional as F


def nearest(logits, size):
    return F.interpolate(logits, size=size, mode="nearest")


def aligns_corners(logits, size):
    return F.interpolate(logits, size=size, mode="bilinear", align_corners=True)


def width_first(logits, size):
    return F.interpolate(logits, size=size[::-1], mode="bilinear", align_corners=False)


def upsamples_class_map(logits, size):
    return F.interpolate(logits.argmax(dim=1, keepdim=True).float(), size=size, mode="nearest").long()


def no_upsampling(logits, size):
    return logits


CASE = "(on a batch of 1 from 4x5 to 32x40)."
EXERCISES = [
    ("check_upsample_function", "upsample", [
        (nearest, f"Not yet. Nearest-neighbour upsampling makes blocky maps: the heads interpolate bilinearly {CASE}"),
        (aligns_corners, f"Not yet. torchvision's heads use align_corners=False {CASE}"),
        (width_first, f"Not yet. `size` is (H, W), height first, as in the tensor's shape {CASE}"),
        (upsamples_class_map, f"Not yet. Upsample the float scores, then take the argmax; got torch.int64 {CASE}"),
        (no_upsampling, f"Not yet. The result must be [N, C, H, W] = [1, 3, 32, 40], got [1, 3, 4, 5] {CASE}"),
    ]),
]
