"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise.
"""

from __future__ import annotations

import numpy as np
import torchvision.transforms as T
from PIL import Image

from .contours import class_contours
from .metrics import confusion_matrix, iou_from_confusion
from .models import get_spec
from .overlays import class_shares, overlay
from .palettes import get_palette, to_train_ids
from .precision_recall import precision_recall_curve
from .superpixels import smooth_labels

__all__ = [
    "check_average_precision",
    "check_class_color",
    "check_dice",
    "check_grey_value",
    "check_majority_class",
    "check_mean_iou",
    "check_output_keys",
    "check_overlay_pixel",
    "check_pixel_share",
    "check_polygon_count",
    "check_resize_size",
    "check_train_id",
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


def _close(answer, expected: float) -> bool:
    return bool(np.isclose(float(answer), expected, rtol=0, atol=1e-3))


def check_dice(answer, *, pred, target, class_index: int) -> bool:
    """Check a computed Dice score of one class of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_dice(0.8, pred=np.array([1, 1, 0, 0]), target=np.array([1, 1, 1, 0]), class_index=1)
    Correct! Dice = 2|A∩B| / (|A| + |B|) = 2·2 / (2 + 3) = 0.800.
    True
    """
    a, b = np.asarray(pred) == class_index, np.asarray(target) == class_index
    both, either, sizes = int((a & b).sum()), int((a | b).sum()), int(a.sum() + b.sum())
    expected = 2 * both / sizes
    if _close(answer, expected):
        return _feedback(True, f"Dice = 2|A∩B| / (|A| + |B|) = 2·{both} / ({a.sum()} + {b.sum()}) = {expected:.3f}.")
    if _close(answer, 2 * either / sizes):
        return _feedback(False, "That is the seed notes' formula, with |A∪B| in the numerator: it can exceed 1. Use |A∩B|.")
    if _close(answer, both / either):
        return _feedback(False, "That is the IoU, |A∩B| / |A∪B|. Dice divides 2|A∩B| by |A| + |B|.")
    if _close(answer, both / sizes):
        return _feedback(False, "Almost: the numerator is 2|A∩B|, twice the overlap, so that a perfect match scores 1.")
    return _feedback(False, f"Count |A∩B| (pixels that are class {class_index} in both maps), |A| and |B|, then compute 2|A∩B| / (|A| + |B|).")


def check_mean_iou(answer, *, pred, target, num_classes: int) -> bool:
    """Check a computed mean IoU of two class maps (3 decimals are enough).

    Examples
    --------
    >>> check_mean_iou(0.5, pred=np.array([0, 1, 1]), target=np.array([0, 0, 1]), num_classes=3)
    Correct! The IoUs of the 2 present classes average to 0.500; absent classes are left out.
    True
    """
    matrix = confusion_matrix(np.asarray(pred), np.asarray(target), num_classes=num_classes)
    scores = iou_from_confusion(matrix)
    expected = float(np.nanmean(scores))
    present = int((~np.isnan(scores)).sum())
    if _close(answer, expected):
        return _feedback(True, f"The IoUs of the {present} present classes average to {expected:.3f}; absent classes are left out.")
    if present < num_classes and _close(answer, np.nansum(scores) / num_classes):
        return _feedback(False, "A class absent from both maps has no IoU (NaN): leave it out of the mean instead of counting it as 0.")
    if _close(answer, np.trace(matrix) / matrix.sum()):
        return _feedback(False, "That is the pixel accuracy, a micro average over pixels. mIoU averages the per-class IoUs (macro).")
    return _feedback(False, "Compute TP / (TP + FP + FN) for each class present in either map, then average those IoUs.")


def check_average_precision(answer, *, scores, positives) -> bool:
    """Check a computed average precision of pixel scores against binary labels (3 decimals are enough).

    Examples
    --------
    >>> check_average_precision(0.75, scores=[0.9, 0.8, 0.7, 0.6], positives=[1, 0, 0, 1])
    Correct! AP = Σ (R_n − R_n−1) · P_n = 0.750: each rise in recall times the precision reached there.
    True
    """
    scores, positives = np.asarray(scores, dtype=np.float64), np.asarray(positives, dtype=np.int64)
    probs = np.stack([1 - scores, scores])[:, None, :]
    precision, recall, _ = precision_recall_curve(probs, positives[None, :], class_index=1)
    expected = float(np.sum(np.diff(recall) * precision[1:]))
    if _close(answer, expected):
        return _feedback(True, f"AP = Σ (R_n − R_n−1) · P_n = {expected:.3f}: each rise in recall times the precision reached there.")
    if _close(answer, positives.mean()):
        return _feedback(False, "That is the precision when every pixel is called positive: the curve's last point, not the area under it.")
    if _close(answer, np.sum(np.diff(recall) * (precision[1:] + precision[:-1]) / 2)):
        return _feedback(False, "That joins the points with straight lines (trapezoids). AP sums rectangles: each recall step times its precision.")
    if _close(answer, precision[1:].mean()):
        return _feedback(False, "Average the precision only at the ranks where a positive is found (where recall rises), not at every rank.")
    return _feedback(False, "Sort the pixels by score, high to low; at each positive, note the precision so far; AP is their mean.")
