"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise.
"""

from __future__ import annotations

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

from .contours import class_contours
from .models import get_spec
from .overlays import class_shares, overlay
from .palettes import get_palette, to_train_ids
from .preprocessing import IMAGENET_MEAN, IMAGENET_STD
from .superpixels import smooth_labels

__all__ = [
    "check_class_channel",
    "check_class_color",
    "check_class_map",
    "check_confidence",
    "check_grey_value",
    "check_kept_fraction",
    "check_majority_class",
    "check_normalized_pixel",
    "check_output_keys",
    "check_output_shape",
    "check_overlay_pixel",
    "check_pixel_share",
    "check_polygon_count",
    "check_probabilities",
    "check_resize_size",
    "check_squeeze_shape",
    "check_train_id",
    "check_transform_shape",
]


def _feedback(correct: bool, message: str) -> bool:
    print(("Correct! " if correct else "Not yet. ") + message)
    return correct


def check_resize_size(answer, *, original: tuple[int, int], resize: int = 256) -> bool:
    """Check a guess of an image's (W, H) after ``T.Resize(resize)``.

    Examples
    --------
    >>> check_resize_size((341, 256), original=(640, 480))
    Correct! Resize(256) scales the shorter side to 256 and keeps the aspect ratio.
    True
    """
    expected = T.Resize(resize)(Image.new("RGB", original)).size
    if tuple(answer) == expected:
        return _feedback(True, f"Resize({resize}) scales the shorter side to {resize} and keeps the aspect ratio.")
    if tuple(answer) == (resize, resize):
        return _feedback(False, f"Resize({resize}) with one number does not make a square: it scales the shorter side to {resize}.")
    if resize not in tuple(answer):
        return _feedback(False, f"One side must become {resize}: which side is the shorter one in {original}?")
    return _feedback(False, "The shorter side is right; scale the longer side by the same factor and round down.")


def check_output_keys(answer, *, model_name: str) -> bool:
    """Check a guess of the keys in a model's output ``OrderedDict``.

    Examples
    --------
    >>> check_output_keys(["out"], model_name="lraspp_mobilenet_v3_large")
    Correct! lraspp_mobilenet_v3_large returns ['out'].
    True
    """
    expected = ["out", "aux"] if get_spec(model_name).has_aux else ["out"]
    if list(answer) == expected:
        return _feedback(True, f"{model_name} returns {expected}.")
    if list(answer) == ["out"]:
        return _feedback(False, f"{model_name} has an auxiliary head, so its output holds 'aux' beside 'out'.")
    return _feedback(False, f"Print list(output.keys()) for {model_name} and compare: the keys come in a fixed order.")


def check_class_color(answer, *, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of a class's (R, G, B) colour in a palette.

    Examples
    --------
    >>> check_class_color((64, 0, 0), class_name="cat")
    Correct! 'cat' is class 8 and has colour (64, 0, 0).
    True
    """
    palette = get_palette(palette)
    if class_name not in palette.names:
        raise ValueError(f"`class_name` must be one of {', '.join(palette.names)}, got {class_name!r}")
    index = palette.names.index(class_name)
    expected = tuple(int(c) for c in palette.colors[index])
    if tuple(answer) == expected:
        return _feedback(True, f"{class_name!r} is class {index} and has colour {expected}.")
    return _feedback(False, f"Look up row {index} ({class_name!r}'s class id) of the palette's colours, not another row.")


def check_grey_value(answer, *, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of the grey value a class gets in a grayscale mask.

    Examples
    --------
    >>> check_grey_value(15, class_name="person")
    Correct! In a grayscale mask the grey value is the class id: 'person' is 15.
    True
    """
    palette = get_palette(palette)
    expected = palette.class_ids(class_name)[0]
    if answer == expected:
        return _feedback(True, f"In a grayscale mask the grey value is the class id: {class_name!r} is {expected}.")
    if isinstance(answer, (tuple, list)):
        return _feedback(False, "A grayscale mask has one number per pixel, not an (R, G, B) colour.")
    if answer == 255:
        return _feedback(False, "255 (white) marks unlabelled pixels in VOC; the grey value of a class is its id.")
    return _feedback(False, f"Find {class_name!r} in the palette's names: its position is its id and its grey value.")


def check_polygon_count(answer, *, labels, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of how many polygons :func:`segtutor.class_contours` gives a class.

    Examples
    --------
    >>> ring = np.full((5, 5), 8)
    >>> ring[2, 2] = 0  # a cat ring around one background pixel
    >>> check_polygon_count(2, labels=ring, class_name="cat")
    Correct! 'cat' has 2 polygons: every separate region, and every hole, is outlined on its own.
    True
    """
    palette = get_palette(palette)
    class_id = palette.class_ids(class_name)[0]
    expected = len(class_contours(labels, classes=class_id, palette=palette).get(class_id, []))
    if answer == expected:
        return _feedback(True, f"{class_name!r} has {expected} polygons: every separate region, and every hole, "
                               "is outlined on its own.")
    if answer < expected:
        return _feedback(False, "Count the holes too: a hole's border is a polygon of its own. Pixels that touch "
                                "only at a corner are separate regions.")
    return _feedback(False, "Too many: pixels that share an edge belong to one region, which has one outer polygon.")


def check_majority_class(answer, *, labels) -> bool:
    """Check a guess of the class a single superpixel covering `labels` gets by majority vote.

    Examples
    --------
    >>> check_majority_class(8, labels=np.array([[8, 8, 15], [0, 8, 15]]))
    Correct! Class 8 has the most pixels, so the whole superpixel becomes 8.
    True
    """
    labels = np.asarray(labels)
    expected = int(smooth_labels(labels, np.zeros_like(labels))[0, 0])
    ids, counts = np.unique(labels, return_counts=True)
    if answer == expected:
        return _feedback(True, f"Class {expected} has the most pixels, so the whole superpixel becomes {expected}.")
    if answer in ids.tolist() and counts[ids.tolist().index(answer)] == counts.max():
        return _feedback(False, "That class ties for the most pixels; ties go to the smaller class id.")
    return _feedback(False, "Count the pixels of each class id; the most frequent one wins the vote.")


def check_train_id(answer, *, label_id: int, palette: str = "cityscapes") -> bool:
    """Check a guess of the class id (train id) a dataset's stored label id maps to.

    Examples
    --------
    >>> check_train_id(13, label_id=26)
    Correct! Label id 26 is 'car', train id 13.
    True
    """
    palette = get_palette(palette)
    expected = int(to_train_ids(np.array([[label_id]]), palette)[0, 0])
    name = palette.names[expected] if expected < palette.num_classes else "ignored"
    if answer == expected:
        return _feedback(True, f"Label id {label_id} is {name!r}, train id {expected}.")
    if answer == label_id:
        return _feedback(False, "The files store label ids, the model predicts train ids: they differ. "
                                "Look it up in palette.train_ids.")
    return _feedback(False, f"Read entry {label_id} of get_palette({palette.name!r}).train_ids.")


def check_overlay_pixel(answer, *, image_color, class_name: str, alpha: float, palette: str = "voc") -> bool:
    """Check a guess of one overlay pixel: `image_color` under `class_name`'s colour at `alpha`.

    Examples
    --------
    >>> check_overlay_pixel((123, 107, 107), image_color=(100, 100, 100), class_name="person", alpha=0.25)
    Correct! (1 - alpha) * image + alpha * colour, rounded: (123, 107, 107).
    True
    """
    palette = get_palette(palette)
    image = np.array([[image_color]], dtype=np.uint8)
    labels = np.array([palette.class_ids(class_name)])
    expected = tuple(overlay(image, labels, alpha=alpha, palette=palette)[0, 0].tolist())
    swapped = tuple(overlay(image, labels, alpha=1 - alpha, palette=palette)[0, 0].tolist())
    if tuple(answer) == expected:
        return _feedback(True, f"(1 - alpha) * image + alpha * colour, rounded: {expected}.")
    if tuple(answer) == swapped:
        return _feedback(False, "alpha weighs the class colour, and 1 - alpha the image: you swapped them.")
    return _feedback(False, f"Mix channel by channel: (1 - {alpha}) * image + {alpha} * the class colour.")


def check_pixel_share(answer, *, labels, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of a class's share of the pixels, as a fraction between 0 and 1.

    Examples
    --------
    >>> check_pixel_share(0.25, labels=np.array([[15, 0, 255, 0]]), class_name="person")
    Correct! 'person' covers 1 of 4 pixels: 0.25.
    True
    """
    palette = get_palette(palette)
    labels = np.asarray(labels)
    class_id = palette.class_ids(class_name)[0]
    count = int((labels == class_id).sum())
    expected = count / labels.size
    if np.isclose(answer, expected):
        return _feedback(True, f"{class_name!r} covers {count} of {labels.size} pixels: {expected:.3g}.")
    if np.isclose(answer, 100 * expected):
        return _feedback(False, "That is a percentage; give the share as a fraction between 0 and 1.")
    void = sum(s.share for s in class_shares(labels, palette=palette) if s.name == "void")
    if void and np.isclose(answer, expected / (1 - void)):
        return _feedback(False, "Shares count all pixels, unlabelled (void) ones too.")
    return _feedback(False, f"Count the pixels equal to {class_id} and divide by the number of pixels.")


def _as_tuple(answer) -> tuple:
    return tuple(int(v) for v in answer) if isinstance(answer, (tuple, list, torch.Size, np.ndarray)) else (answer,)


def _close(answer: np.ndarray, reference: np.ndarray) -> bool:
    """Equal up to rounding to two decimals (or 0.1 % for large values)."""
    return np.allclose(answer, reference, rtol=1e-3, atol=5e-3)


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


def check_output_shape(answer, *, model_name: str, input_shape: tuple[int, int, int, int]) -> bool:
    """Check a guess of the shape of ``output['out']`` for a batch of shape `input_shape`.

    Examples
    --------
    >>> check_output_shape((4, 21, 320, 480), model_name="fcn_resnet101", input_shape=(4, 3, 320, 480))
    Correct! [N, C, H, W]: 4 images, 21 class scores per pixel, at the input's 320x480 (H x W).
    True
    """
    n, _, h, w = input_shape
    c = len(get_spec(model_name).categories)
    answer = _as_tuple(answer)
    if answer == (n, c, h, w):
        return _feedback(True, f"[N, C, H, W]: {n} images, {c} class scores per pixel, at the input's {h}x{w} (H x W).")
    if answer == (n, 3, h, w):
        return _feedback(False, f"C is the number of classes ({c}), not the input's 3 colour channels.")
    if answer == (c, h, w):
        return _feedback(False, "The batch axis N stays in the output, even for a batch of one.")
    if answer == (n, h, w, c):
        return _feedback(False, "PyTorch puts the channels (here: classes) before height and width: [N, C, H, W].")
    if len(answer) == 4 and answer[:2] == (n, c) and answer[2:] != (h, w):
        return _feedback(False, f"The head upsamples its scores back to the input's size, {h}x{w} (H x W).")
    return _feedback(False, "Think [N, C, H, W]: N from the batch, C from the classes, H and W from the input.")


def check_class_channel(answer, *, class_name: str, model_name: str = "fcn_resnet101") -> bool:
    """Check a guess of the channel of ``output['out']`` that holds a class's scores.

    Examples
    --------
    >>> check_class_channel(15, class_name="person")
    Correct! Channel 15 of the C axis holds the scores of 'person': its index in weights.meta['categories'].
    True
    """
    names = get_spec(model_name).categories
    if class_name not in names:
        raise ValueError(f"`class_name` must be one of {', '.join(names)}, got {class_name!r}")
    expected = names.index(class_name)
    if answer == expected:
        return _feedback(True, f"Channel {expected} of the C axis holds the scores of {class_name!r}: "
                               "its index in weights.meta['categories'].")
    if answer == expected + 1:
        return _feedback(False, "Counting starts at 0, and channel 0 is '__background__'.")
    if answer == expected - 1:
        return _feedback(False, "Channel 0 is '__background__': the object classes start at channel 1.")
    return _feedback(False, f"Find {class_name!r} in weights.meta['categories']: its index is its channel.")


def _same(answer: torch.Tensor, reference: torch.Tensor) -> bool:
    return answer.shape == reference.shape and torch.allclose(answer, reference, atol=1e-5)


def check_probabilities(answer, *, logits) -> bool:
    """Check probabilities computed from ``[N, C, H, W]`` logits: softmax over the class axis.

    Examples
    --------
    >>> logits = torch.tensor([[[[2.0]], [[0.0]]], [[[0.0]], [[1.0]]]])  # N=2, C=2, H=W=1
    >>> check_probabilities(logits.softmax(dim=1), logits=logits)
    Correct! softmax(dim=1): at every pixel the C probabilities are positive and sum to 1.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    answer = torch.as_tensor(np.asarray(answer, dtype=np.float32))
    if _same(answer, logits.softmax(dim=1)):
        return _feedback(True, "softmax(dim=1): at every pixel the C probabilities are positive and sum to 1.")
    if answer.shape != logits.shape:
        return _feedback(False, f"Probabilities keep the logits' shape {tuple(logits.shape)}: one per class and pixel.")
    if _same(answer, logits):
        return _feedback(False, "Those are the logits themselves: apply softmax to turn them into probabilities.")
    axes = {0: "the batch axis N", 2: "the height axis H", 3: "the width axis W"}
    for dim, axis in axes.items():
        if _same(answer, logits.softmax(dim=dim)):
            return _feedback(False, f"Your values sum to 1 over {axis} (dim={dim}); the classes are dim=1.")
    if _same(answer, logits / logits.sum(dim=1, keepdim=True)):
        return _feedback(False, "Dividing by the sum is not softmax: exponentiate first, which also handles negative logits.")
    return _feedback(False, "Use logits.softmax(dim=1): exponentiate, then divide by the sum over the classes.")


def _per_image(answer, reference: torch.Tensor):
    """`answer` as a tensor shaped like `reference` ([N, H, W]); an (H, W) answer counts for N = 1."""
    answer = torch.as_tensor(np.asarray(answer)).to(reference.dtype)
    if answer.ndim == 2 and reference.shape[0] == 1:
        answer = answer.unsqueeze(0)
    return answer if answer.shape == reference.shape else None


def check_class_map(answer, *, logits) -> bool:
    """Check a class map (argmax over the class axis) worked out from ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.5, 2.0]], [[1.5, 2.0]]]])  # N=1, C=2, H=1, W=2: a tie at the right pixel
    >>> check_class_map([[1, 0]], logits=logits)
    Correct! At every pixel the class with the highest score wins; a tie goes to the lowest class id.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    expected = logits.argmax(dim=1)
    mine = _per_image(answer, expected)
    if mine is None:
        return _feedback(False, f"The class map has one class id per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                                "for each image.")
    if torch.equal(mine, expected):
        return _feedback(True, "At every pixel the class with the highest score wins; a tie goes to the lowest class id.")
    if torch.equal(mine, logits.argmin(dim=1)):
        return _feedback(False, "Those are the lowest scores: argmax picks the highest.")
    n, r, c = (int(i) for i in (mine != expected).nonzero()[0])
    scores = [round(float(v), 4) for v in logits[n, :, r, c]]
    if scores.count(max(scores)) > 1:
        return _feedback(False, f"Pixel (row {r}, column {c}) is a tie, scores {scores}: argmax returns the first "
                                "maximum, the lowest class id.")
    return _feedback(False, f"Pixel (row {r}, column {c}) has class scores {scores}: the index of the highest is "
                            "its class.")


def check_squeeze_shape(answer, *, shape: tuple[int, ...]) -> bool:
    """Check a guess of the shape of the seed's ``torch.argmax(out.squeeze(), dim=0)`` for `out` of `shape`.

    Examples
    --------
    >>> check_squeeze_shape((4, 5), shape=(1, 21, 4, 5))
    Correct! squeeze() drops every axis of size 1, here (1, 21, 4, 5) -> (21, 4, 5); argmax(dim=0) then drops axis 0.
    True
    """
    squeezed = tuple(s for s in shape if s != 1)
    expected = squeezed[1:]
    answer = _as_tuple(answer)
    n, _, h, w = shape
    if answer == expected:
        which = " (the batch axis: not a class map; use argmax(dim=1))" if n > 1 else ""
        return _feedback(True, f"squeeze() drops every axis of size 1, here {tuple(shape)} -> {squeezed}; "
                               f"argmax(dim=0) then drops axis 0{which}.")
    if answer == (h, w) and n > 1:
        return _feedback(False, f"squeeze() removes only axes of size 1: the batch axis N={n} stays, so dim=0 is "
                                "the batch axis, not the classes.")
    if answer in ((h, w), (n, h, w)) and 1 in (h, w):
        return _feedback(False, "squeeze() drops every axis of size 1, and that includes H or W when it is 1.")
    return _feedback(False, "First write the shape after squeeze() (drop every 1), then drop axis 0 for argmax(dim=0).")


def check_confidence(answer, *, logits) -> bool:
    """Check a confidence map: the highest softmax probability at each pixel of ``[N, C, H, W]`` logits.

    For a batch of one, an ``(H, W)`` answer is accepted as well as ``(1, H, W)``.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]]]])  # N=1, C=2, H=1, W=2
    >>> check_confidence([[0.5, 0.7311]], logits=logits)
    Correct! The confidence is the largest softmax probability: between 1/C and 1.
    True
    """
    logits = torch.as_tensor(logits, dtype=torch.float32)
    expected = logits.softmax(dim=1).amax(dim=1)
    mine = _per_image(answer, expected)
    if mine is None:
        return _feedback(False, f"The confidence map has one number per pixel: shape (H, W) = {tuple(logits.shape[2:])} "
                                "for each image.")
    if torch.allclose(mine, expected, atol=1e-3):
        return _feedback(True, "The confidence is the largest softmax probability: between 1/C and 1.")
    if torch.allclose(mine, logits.amax(dim=1), atol=1e-3):
        return _feedback(False, "That is the highest logit, not a probability: apply softmax(dim=1) first.")
    if torch.equal(mine, logits.argmax(dim=1).to(mine.dtype)):
        return _feedback(False, "That is which class wins (argmax); the confidence is how sure: its probability.")
    for dim in (0, 2, 3):
        if torch.allclose(mine, logits.softmax(dim=dim).amax(dim=1), atol=1e-3):
            return _feedback(False, f"softmax must run over the classes (dim=1), not dim={dim}.")
    return _feedback(False, "Take logits.softmax(dim=1), then the maximum over the class axis: .amax(dim=1).")
