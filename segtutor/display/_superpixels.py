"""Superpixels: SLIC groups of similar neighbouring pixels, and what they do to a class map."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from skimage import color, segmentation

from .._checks import ArrayOrTensor, ImageLike, as_image_array, check_color, check_int, check_labels, check_nonnegative, check_same_size, to_numpy

__all__ = ["mean_color_image", "slic_superpixels", "smooth_labels", "superpixel_boundaries"]


def slic_superpixels(image: ImageLike, *, n_segments: int = 100, compactness: float = 10.0) -> np.ndarray:
    """Group an image's pixels into superpixels with SLIC (scikit-image).

    SLIC clusters pixels by colour (in CIELAB) and position, starting from a
    regular grid of about `n_segments` centres; it involves no randomness.

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3).
    n_segments : int, optional
        About how many superpixels to make.
    compactness : float, optional
        Weight of position against colour: larger gives squarer superpixels.

    Returns
    -------
    numpy.ndarray
        int64 superpixel ids of shape (H, W), numbered from 0.

    Raises
    ------
    TypeError
        If `image` is not an RGB image, `n_segments` not an int or
        `compactness` not a number.
    ValueError
        If `n_segments` or `compactness` is not positive, or `image` has the
        wrong shape or is empty.

    Examples
    --------
    >>> image = np.zeros((4, 6, 3), np.uint8)
    >>> image[:, 3:] = 255  # a black half and a white half
    >>> slic_superpixels(image, n_segments=2).tolist()[0]
    [0, 0, 0, 1, 1, 1]
    """
    image = as_image_array(image)
    if image.size == 0:
        raise ValueError(f"`image` must not be empty, got uint8 of shape {image.shape}")
    n_segments = check_int(n_segments, name="n_segments")
    if isinstance(compactness, bool) or not isinstance(compactness, numbers.Real):
        raise TypeError(f"`compactness` must be a number, got {type(compactness).__name__}")
    if n_segments < 1 or not compactness > 0:
        raise ValueError(f"`n_segments` and `compactness` must be positive, got {n_segments} and {compactness}")
    segments = segmentation.slic(image, n_segments=n_segments, compactness=float(compactness), start_label=0)
    return segments.astype(np.int64)


def _check_segments(image_or_labels: np.ndarray, segments: np.ndarray, *, names: tuple[str, str]) -> np.ndarray:
    check_labels(segments, name="segments", ndims=(2,))
    check_nonnegative(segments, name="segments")
    check_same_size(image_or_labels, segments, names=names)
    return to_numpy(segments)


def mean_color_image(image: ImageLike, segments: np.ndarray) -> np.ndarray:
    """Paint every superpixel with its mean colour (``skimage.color.label2rgb``, ``kind="avg"``).

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3).
    segments : numpy.ndarray or torch.Tensor
        Integer superpixel ids of shape (H, W), e.g. from :func:`slic_superpixels`.

    Returns
    -------
    numpy.ndarray
        uint8 image of shape (H, W, 3); means are rounded to the nearest integer.

    Raises
    ------
    TypeError
        If `image` is not an RGB image or `segments` not an integer array.
    ValueError
        If `segments` is not 2-D, has negative values, or differs in size from `image`.

    Examples
    --------
    >>> image = np.array([[[0, 0, 0], [10, 20, 30], [200, 200, 200]]], dtype=np.uint8)
    >>> mean_color_image(image, np.array([[0, 0, 1]])).tolist()
    [[[5, 10, 15], [5, 10, 15], [200, 200, 200]]]
    """
    image = as_image_array(image)
    segments = _check_segments(image, segments, names=("image", "segments"))
    means = color.label2rgb(segments, image.astype(np.float64), kind="avg", bg_label=-1)
    return np.rint(means).astype(np.uint8)


def superpixel_boundaries(image: ImageLike, segments: np.ndarray, *, boundary_color: Sequence[int] = (255, 255, 0)) -> np.ndarray:
    """Draw the borders between superpixels on the image (``skimage.segmentation.mark_boundaries``).

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3).
    segments : numpy.ndarray or torch.Tensor
        Integer superpixel ids of shape (H, W).
    boundary_color : tuple of int, optional
        RGB colour of the borders: three ints in 0..255 (NumPy ints too).

    Returns
    -------
    numpy.ndarray
        uint8 image of shape (H, W, 3): the image, with every pixel that touches
        another superpixel in `boundary_color`.

    Raises
    ------
    TypeError, ValueError
        As :func:`mean_color_image`; also if `boundary_color` is not three
        ints (TypeError) or has a value outside 0..255 (ValueError), which
        would otherwise wrap to another colour.

    Examples
    --------
    >>> image = np.zeros((1, 4, 3), np.uint8)
    >>> superpixel_boundaries(image, np.array([[0, 0, 1, 1]]))[0, :, 0].tolist()
    [0, 255, 255, 0]
    """
    image = as_image_array(image)
    segments = _check_segments(image, segments, names=("image", "segments"))
    boundary_color = check_color(boundary_color, name="boundary_color")
    marked = segmentation.mark_boundaries(image, segments, color=tuple(c / 255 for c in boundary_color), mode="thick")
    return np.rint(marked * 255).astype(np.uint8)


def smooth_labels(labels: ArrayOrTensor, segments: np.ndarray) -> np.ndarray:
    """Give every pixel of a superpixel the class most of its pixels have (majority vote).

    Superpixels follow colour edges, so the vote removes specks and ragged
    borders from a noisy class map, as long as a superpixel does not straddle
    two objects. Ties go to the smaller class id.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W), e.g. a model's argmax.
    segments : numpy.ndarray or torch.Tensor
        Integer superpixel ids of shape (H, W).

    Returns
    -------
    numpy.ndarray
        int64 class map of shape (H, W), constant on every superpixel.

    Raises
    ------
    TypeError
        If `labels` or `segments` is not an integer array or tensor.
    ValueError
        If either is not 2-D or has negative values, or their sizes differ.

    Notes
    -----
    The vote needs memory in proportion to the number of pixels, whatever
    the ids' size: when the ids are large (say 10**12), it counts only the
    (superpixel, class) pairs that occur instead of a table of every pair.

    Examples
    --------
    >>> labels = np.array([[0, 8, 8, 0, 0, 15]])
    >>> smooth_labels(labels, np.array([[0, 0, 0, 1, 1, 1]])).tolist()
    [[8, 8, 8, 0, 0, 0]]
    """
    check_labels(labels, ndims=(2,))
    check_nonnegative(labels)
    labels = to_numpy(labels)
    segments = _check_segments(labels, segments, names=("labels", "segments"))
    if labels.size == 0:
        return labels.astype(np.int64)
    labels, segments = labels.astype(np.int64), segments.astype(np.int64)
    num_ids, num_segments = int(labels.max()) + 1, int(segments.max()) + 1
    if num_ids * num_segments <= 4 * labels.size + 65_536:  # a vote table no bigger than a few copies of the input
        votes = np.bincount((segments * num_ids + labels).ravel(), minlength=num_segments * num_ids)
        return votes.reshape(-1, num_ids).argmax(axis=1)[segments]
    return _sparse_vote(labels, segments)


def _sparse_vote(labels: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """The majority vote over the (segment, class) pairs that occur: memory grows with the pixels, not the ids."""
    class_ids, class_of_pixel = np.unique(labels.ravel(), return_inverse=True)
    segment_of_pixel = np.unique(segments.ravel(), return_inverse=True)[1]
    pairs, votes = np.unique(segment_of_pixel * len(class_ids) + class_of_pixel, return_counts=True)
    segment, label = np.divmod(pairs, len(class_ids))
    order = np.lexsort((label, -votes, segment))  # per segment: most votes first, ties to the smaller class id
    first = order[np.r_[True, segment[order][1:] != segment[order][:-1]]]  # one winning pair per segment, in order
    return class_ids[label[first]][segment_of_pixel].reshape(labels.shape)
