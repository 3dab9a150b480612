"""Exercise checkers for notebook 03 · preprocessing."""

from __future__ import annotations

import numpy as np
import torchvision.transforms as T

from PIL import Image

from ..preprocessing import IMAGENET_MEAN, IMAGENET_STD
from ._common import _feedback, _close, _as_tuple

__all__ = ["check_kept_fraction", "check_normalized_pixel", "check_transform_shape"]


def check_normalized_pixel(answer, *, pixel: tuple[int, int, int]) -> bool:
    """Check a guess of an (R, G, B) uint8 pixel's three values after ``ToTensor`` and ``Normalize``.

    Examples
    --------
    >>> check_normalized_pixel((2.249, 2.429, 2.640), pixel=(255, 255, 255))
    Correct! ToTensor divides by 255, then Normalize computes (x - mean) / std per channel.
    True
    """
    x = np.asarray(pixel, dtype=np.float64) / 255
    mean, std = np.asarray(IMAGENET_MEAN), np.asarray(IMAGENET_STD)
    answer = np.asarray(answer, dtype=np.float64)
    if answer.shape != (3,):
        return _feedback(False, "Give three numbers, one per channel (R, G, B).")
    if _close(answer, (x - mean) / std):
        return _feedback(True, "ToTensor divides by 255, then Normalize computes (x - mean) / std per channel.")
    if _close(answer, (255 * x - mean) / std):
        return _feedback(False, "Normalize works on ToTensor's output: divide the 0-255 values by 255 first.")
    if _close(answer, (x - std) / mean):
        return _feedback(False, "You swapped them: subtract the mean, then divide by the standard deviation.")
    if _close(answer, x / std - mean) or _close(answer, (x - mean) * std):
        return _feedback(False, "Subtract the mean first, then divide the difference by the std: (x - mean) / std.")
    return _feedback(False, f"Per channel: (value / 255 - mean) / std, with mean {IMAGENET_MEAN} and std {IMAGENET_STD}.")


def check_transform_shape(answer, *, original: tuple[int, int], recipe: str = "weights") -> bool:
    """Check a guess of the tensor shape a recipe makes from a photo of size `original` (W, H).

    `recipe` is ``"weights"`` (``weights.transforms()``: shorter side 520, no
    crop) or ``"seed"`` (Resize 256, CenterCrop 224).

    Examples
    --------
    >>> check_transform_shape((3, 1040, 520), original=(300, 600))
    Correct! The shorter side becomes 520, nothing is cropped, and the tensor is [C, H, W].
    True
    """
    if recipe not in ("weights", "seed"):
        raise ValueError(f"`recipe` must be 'weights' or 'seed', got {recipe!r}")
    side = 520 if recipe == "weights" else 256
    width, height = T.Resize(side)(Image.new("RGB", original)).size
    expected = (3, height, width) if recipe == "weights" else (3, 224, 224)
    answer = _as_tuple(answer)
    if answer == expected:
        how = "nothing is cropped" if recipe == "weights" else "CenterCrop(224) cuts the square"
        return _feedback(True, f"The shorter side becomes {side}, {how}, and the tensor is [C, H, W].")
    if sorted(answer) == sorted(expected) and answer[0] != 3:
        return _feedback(False, "ToTensor puts the channels first: [C, H, W], not [H, W, C].")
    if answer == (3, expected[2], expected[1]):
        return _feedback(False, "Tensors are [C, H, W], height first; PIL's size is (W, H), width first.")
    if recipe == "weights" and answer == (3, 224, 224):
        return _feedback(False, "That is the seed's recipe; weights.transforms() resizes to 520 and does not crop.")
    if side in answer[1:] and answer[1] == answer[2]:
        return _feedback(False, f"Resize({side}) keeps the aspect ratio: only the shorter side becomes {side}.")
    return _feedback(False, f"Resize({side}) the shorter side of the {original[0]}x{original[1]} (W x H) photo, "
                            "then write the shape as [C, H, W].")


def check_kept_fraction(answer, *, original: tuple[int, int]) -> bool:
    """Check a guess of the fraction of a photo's area that the seed's centre crop keeps.

    Examples
    --------
    >>> check_kept_fraction(0.575, original=(640, 480))
    Correct! The crop keeps 224/341 of the width and 224/256 of the height: 0.575 of the photo.
    True
    """
    width, height = T.Resize(256)(Image.new("RGB", original)).size
    expected = 224 / width * 224 / height
    if np.isclose(answer, expected, atol=0.01):
        return _feedback(True, f"The crop keeps 224/{width} of the width and 224/{height} of the height: "
                               f"{expected:.3f} of the photo.")
    if np.isclose(answer, 100 * expected, atol=1):
        return _feedback(False, "That is a percentage; give the fraction between 0 and 1.")
    if np.isclose(answer, 224 * 224 / (original[0] * original[1]), atol=0.01):
        return _feedback(False, f"The crop is taken after Resize(256): compare 224x224 with the resized "
                                f"{width}x{height}, not with the original.")
    return _feedback(False, f"After Resize(256) the photo is {width}x{height}; the crop keeps 224 of each side.")

