"""Exercise checkers for notebook 03 · preprocessing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

from ..data import IMAGENET_MEAN, IMAGENET_STD, seed_transform
from ._common import _call, _checked, _close, _coding, _ints_answer, _is_number, _number_answer, _rng, _Stop

__all__ = ["check_kept_fraction", "check_normalized_pixel", "check_seed_transform", "check_transform_shape"]


def check_normalized_pixel(answer: Any, *, pixel: tuple[int, int, int]) -> bool:
    """Check a guess of an (R, G, B) uint8 pixel's three values after ``ToTensor`` and ``Normalize``.

    Examples
    --------
    >>> check_normalized_pixel((434.6, 1069.4, 887.1), pixel=(100, 240, 200))
    Not yet. Normalize works on ToTensor's output: divide the 0-255 values by 255 first.
    False
    """
    def check():
        if isinstance(answer, (np.ndarray, torch.Tensor)):
            values = answer.tolist()
        else:
            values = answer
        if not isinstance(values, (tuple, list)) or len(values) != 3 or not all(_is_number(v) for v in values):
            raise _Stop("Give three numbers, one per channel (R, G, B).")
        x = np.asarray(pixel, dtype=np.float64) / 255
        mean, std = np.asarray(IMAGENET_MEAN), np.asarray(IMAGENET_STD)
        mine = np.asarray(values, dtype=np.float64)
        if _close(mine, (x - mean) / std):
            return "ToTensor divides by 255, then Normalize computes (x - mean) / std per channel."
        if _close(mine, (255 * x - mean) / std):
            raise _Stop("Normalize works on ToTensor's output: divide the 0-255 values by 255 first.")
        if _close(mine, (x - std) / mean):
            raise _Stop("You swapped them: subtract the mean, then divide by the standard deviation.")
        if _close(mine, x / std - mean) or _close(mine, (x - mean) * std):
            raise _Stop("Subtract the mean first, then divide the difference by the std: (x - mean) / std.")
        raise _Stop(f"Per channel: (value / 255 - mean) / std, with mean {IMAGENET_MEAN} and std {IMAGENET_STD}.")
    return _checked(check)


def check_transform_shape(answer: Any, *, original: tuple[int, int], recipe: str = "weights") -> bool:
    """Check a guess of the tensor shape a recipe makes from a photo of size `original` (W, H).

    `recipe` is ``"weights"`` (``weights.transforms()``: shorter side 520, no
    crop) or ``"seed"`` (Resize 256, CenterCrop 224).

    Examples
    --------
    >>> check_transform_shape((3, 520, 1040), original=(300, 600))
    Not yet. Tensors are [C, H, W], height first; PIL's size is (W, H), width first.
    False
    """
    if recipe not in ("weights", "seed"):
        raise ValueError(f"`recipe` must be 'weights' or 'seed', got {recipe!r}")
    side = 520 if recipe == "weights" else 256
    width, height = T.Resize(side)(Image.new("RGB", original)).size
    expected = (3, height, width) if recipe == "weights" else (3, 224, 224)

    def check():
        answer_ = _ints_answer(answer, "the shape")
        if answer_ == expected:
            how = "nothing is cropped" if recipe == "weights" else "CenterCrop(224) cuts the square"
            return f"The shorter side becomes {side}, {how}, and the tensor is [C, H, W]."
        if sorted(answer_) == sorted(expected) and answer_[0] != 3:
            raise _Stop("ToTensor puts the channels first: [C, H, W], not [H, W, C].")
        if answer_ == (3, expected[2], expected[1]):
            raise _Stop("Tensors are [C, H, W], height first; PIL's size is (W, H), width first.")
        if recipe == "weights" and answer_ == (3, 224, 224):
            raise _Stop(f"That is the seed's recipe; weights.transforms() resizes the shorter side to {side} and does not crop.")
        if len(answer_) == 3 and side in answer_[1:] and answer_[1] == answer_[2]:
            raise _Stop(f"Resize({side}) keeps the aspect ratio: only the shorter side becomes {side}.")
        raise _Stop(f"Resize({side}) the shorter side of the {original[0]}x{original[1]} (W x H) photo, "
                    "then write the shape as [C, H, W].")
    return _checked(check)


def check_kept_fraction(answer: Any, *, original: tuple[int, int]) -> bool:
    """Check a guess of the fraction of a photo's area that the seed's centre crop keeps.

    Examples
    --------
    >>> check_kept_fraction(38.3, original=(300, 600))
    Not yet. That is a percentage; give the fraction between 0 and 1.
    False
    """
    def check():
        _number_answer(answer, "the fraction")
        width, height = T.Resize(256)(Image.new("RGB", original)).size
        expected = 224 / width * 224 / height
        if np.isclose(answer, expected, atol=0.01):
            return (f"The crop keeps 224/{width} of the width and 224/{height} of the height: "
                    f"{expected:.3f} of the photo.")
        if np.isclose(answer, 100 * expected, atol=1):
            raise _Stop("That is a percentage; give the fraction between 0 and 1.")
        if np.isclose(answer, 224 * 224 / (original[0] * original[1]), atol=0.01):
            raise _Stop("The crop is taken after Resize(256): compare the 224x224 crop with the resized photo, "
                        "not with the original.")
        raise _Stop("Work out the photo's size after Resize(256) first; the crop keeps 224 pixels of each side.")
    return _checked(check)


def _within_a_grey_level(mine: torch.Tensor, expected: torch.Tensor) -> bool:
    """Equal up to one grey level (1/255 before Normalize), as resizing a tensor instead of a PIL image can give.

    torchvision.transforms.v2 with ToImage first resizes the uint8 tensor with its own antialiasing: the same
    recipe, within one grey level of the PIL resize.
    """
    std = torch.tensor(IMAGENET_STD, dtype=torch.float32)[:, None, None]
    return bool(((mine - expected) * std).abs().max() <= 1 / 255 + 1e-4)


_SEED_SIZES = [(451, 300), (300, 451), (256, 256), (640, 480)]  # (W, H) of the photos tried


def _variants(image: Image.Image) -> dict[str, torch.Tensor]:
    """What typical mistakes make of `image`, by the feedback they get."""
    norm = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)
    return {
        "Resize(256) with one number keeps the aspect ratio; Resize((256, 256)) squashes the photo":
            T.Compose([T.Resize((256, 256)), T.CenterCrop(224), T.ToTensor(), norm])(image),
        "Normalize after ToTensor: subtract the ImageNet mean and divide by the std, channel by channel":
            T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])(image),
        "Normalize(mean, std) takes the mean first: you swapped them":
            T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize(IMAGENET_STD, IMAGENET_MEAN)])(image),
    }


def check_seed_transform(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(image)``: the seed's preprocessing of one RGB PIL image.

    It must return the float32 ``[3, 224, 224]`` tensor that Resize(256),
    CenterCrop(224), ToTensor and Normalize (ImageNet mean and std) make,
    within one grey level (1/255 before Normalize), so that a
    ``torchvision.transforms.v2`` pipeline passes too. The checker calls it on
    fresh random photos of several sizes.

    Parameters
    ----------
    function : callable
        Your ``function(image)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def transform(image):  # keeps the bytes
    ...     return T.PILToTensor()(image)
    >>> check_seed_transform(transform, seed=0)
    Not yet. Return floats, got torch.uint8: ToTensor turns 0-255 bytes into floats in [0, 1] (on a 451x300 photo).
    False
    """
    def check():
        rng = _rng(seed)
        for width, height in _SEED_SIZES:
            image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype="uint8"))
            case = f"on a {width}x{height} photo"
            expected = seed_transform()(image)
            mine = _call(function, image.copy())
            if not isinstance(mine, torch.Tensor):
                raise _Stop(f"Return a torch.Tensor (ToTensor makes one), got {type(mine).__name__} ({case}).")
            if not mine.is_floating_point():
                raise _Stop(f"Return floats, got {mine.dtype}: ToTensor turns 0-255 bytes into floats in [0, 1] ({case}).")
            if tuple(mine.shape) == (1, 3, 224, 224):
                raise _Stop(f"Return one image, [3, H, W]: the batch axis is added later, with unsqueeze(0) ({case}).")
            if tuple(mine.shape) == (224, 224, 3):
                raise _Stop(f"Tensors put the channels first: [3, H, W], as ToTensor returns them ({case}).")
            if tuple(mine.shape) != (3, 224, 224):
                raise _Stop(f"The result must be [3, 224, 224], got {list(mine.shape)}: print the size after each of "
                            f"your steps ({case}).")
            if _within_a_grey_level(mine.float(), expected):
                continue
            for message, variant in _variants(image).items():
                if _within_a_grey_level(mine.float(), variant):
                    raise _Stop(f"{message} ({case}).")
            raise _Stop(f"Your values differ from the seed's by more than one grey level: compare each of your steps "
                        f"with the recipe in the lesson ({case}).")
        return "Your transform matches the seed's on every photo tried."
    return _coding(check)
