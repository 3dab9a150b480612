"""Overlays: a class map's colours blended over the photo, and a legend that says which colour is which class."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch

from .._checks import (
    ArrayOrTensor,
    ImageLike,
    as_image_array,
    check_color,
    check_fraction,
    check_labels,
    check_nonnegative,
    check_same_size,
    to_numpy,
)
from ..data import get_palette
from ..data._palettes import Classes, PaletteLike
from ._visualize import decode_segmap, show_images

__all__ = ["ClassShare", "add_legend", "class_shares", "overlay", "show_overlay"]


class ClassShare(NamedTuple):
    """One legend entry: a class, its colour, and its share of the pixels."""

    class_id: int
    name: str
    color: tuple[int, int, int]
    share: float


def overlay(image: ImageLike, labels: ArrayOrTensor, *, alpha: float = 0.5, classes: Classes = None, palette: PaletteLike = "voc") -> np.ndarray:
    """Blend each pixel's class colour over the image.

    Every pixel of a chosen class becomes ``(1 - alpha) * image + alpha *
    colour``, rounded to the nearest integer. Other pixels, and pixels
    without a class (ids outside the palette, such as 255), keep the image.

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3). A PIL
        image is turned upright by its EXIF orientation tag first, as
        :func:`segtutor.load_image` and so :func:`segtutor.segment` do.
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W), the same size as `image`.
    alpha : float, optional
        Opacity of the colours: 0 shows only the image, 1 only the colours.
    classes : str, int or iterable of them, optional
        Names or ids of the classes to colour; all classes by default.
    palette : str or Palette, optional
        The palette, by name or object.

    Returns
    -------
    numpy.ndarray
        uint8 image of shape (H, W, 3).

    Raises
    ------
    TypeError
        If `labels` is not an integer array, `image` is not an RGB image, or
        `alpha` is not a number.
    ValueError
        If `labels` is not 2-D or has negative values, the sizes of `image`
        and `labels` differ, `alpha` is outside [0, 1], or a class is unknown.

    Examples
    --------
    >>> image = np.full((1, 2, 3), 100, dtype=np.uint8)
    >>> overlay(image, np.array([[15, 255]]), alpha=0.5).tolist()  # person (192, 128, 128); void
    [[[146, 114, 114], [100, 100, 100]]]
    """
    check_labels(labels, ndims=(2,))
    check_nonnegative(labels)
    image = as_image_array(image)
    check_same_size(image, labels)
    alpha = check_fraction(alpha, name="alpha")
    palette = get_palette(palette)
    labels = to_numpy(labels)
    chosen = np.isin(labels, palette.class_ids(classes))
    blend = np.rint((1.0 - alpha) * image + alpha * decode_segmap(labels, palette)).astype(np.uint8)
    return np.where(chosen[..., None], blend, image)


def class_shares(labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc") -> list[ClassShare]:
    """List the classes present in a class map, each with its share of the pixels.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) or (N, H, W).
    classes : str, int or iterable of them, optional
        Only list these classes. By default every class present is listed,
        and pixels without a class (ids outside the palette) as one ``"void"``
        entry with id ``ignore_index``.
    palette : str or Palette, optional
        The palette, by name or object.

    Returns
    -------
    list of ClassShare
        Largest share first (ties in class-id order); shares are fractions of
        all pixels, so without `classes` they add up to 1.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` has the wrong rank or negative values, or a class is unknown.

    Examples
    --------
    >>> class_shares(np.array([[0, 0, 8, 255]]))
    [ClassShare(class_id=0, name='__background__', color=(0, 0, 0), share=0.5), \
ClassShare(class_id=8, name='cat', color=(64, 0, 0), share=0.25), \
ClassShare(class_id=255, name='void', color=(224, 224, 192), share=0.25)]
    """
    check_labels(labels)
    check_nonnegative(labels)
    palette = get_palette(palette)
    labels = to_numpy(labels)
    n = palette.num_classes
    counts = np.bincount(np.minimum(labels, n).ravel(), minlength=n + 1) / max(labels.size, 1)
    shares = [ClassShare(i, palette.names[i], check_color(palette.colors[i], name="color"), float(counts[i]))
              for i in palette.class_ids(classes) if counts[i] > 0]
    if classes is None and counts[n] > 0:
        shares.append(ClassShare(palette.ignore_index, "void", check_color(palette.void_color, name="void_color"), float(counts[n])))
    return sorted(shares, key=lambda entry: -entry.share)


def add_legend(ax: Axes, labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc", **legend_kwargs: Any) -> Legend:
    """Add a legend of the classes present, with their pixel shares, beside an axes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to attach the legend to; it goes to the right of it.
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) or (N, H, W).
    classes : str, int or iterable of them, optional
        Only list these classes (see :func:`class_shares`).
    palette : str or Palette, optional
        The palette, by name or object.
    **legend_kwargs
        Passed on to :meth:`matplotlib.axes.Axes.legend`.

    Returns
    -------
    matplotlib.legend.Legend
        One entry per class, labelled ``"name  12.5%"``.

    Raises
    ------
    TypeError, ValueError
        As :func:`class_shares`.

    Examples
    --------
    >>> ax = Figure().subplots()
    >>> [t.get_text() for t in add_legend(ax, np.array([[0, 8, 8, 8]])).get_texts()]
    ['cat  75.0%', '__background__  25.0%']
    """
    handles = [Patch(facecolor="#" + bytes(entry.color).hex(), edgecolor="black", label=f"{entry.name}  {entry.share:.1%}")
               for entry in class_shares(labels, classes=classes, palette=palette)]
    options = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0, "title": "class  pixels"}
    return ax.legend(handles=handles, **{**options, **legend_kwargs})


def show_overlay(image: ImageLike, labels: ArrayOrTensor, *, alpha: float = 0.5, classes: Classes = None,
                 palette: PaletteLike = "voc", width: float = 4.0) -> Figure:
    """Show image | coloured class map | overlay, with a legend of the classes present.

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3). A PIL
        image is turned upright by its EXIF orientation tag first, as
        :func:`segtutor.load_image` and so :func:`segtutor.segment` do.
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W), the same size as `image`.
    alpha, classes, palette
        As :func:`overlay`; `classes` also limits the legend.
    width : float, optional
        Width of each panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels titled ``"image"``, ``"class map"`` and ``"overlay"``,
        with the legend beside the last one.

    Raises
    ------
    TypeError, ValueError
        As :func:`overlay`.

    Examples
    --------
    >>> fig = show_overlay(np.zeros((2, 2, 3), np.uint8), np.array([[0, 15], [15, 15]]))
    >>> [ax.get_title() for ax in fig.axes], [t.get_text() for t in fig.axes[2].get_legend().get_texts()]
    (['image', 'class map', 'overlay'], ['person  75.0%', '__background__  25.0%'])
    """
    blended = overlay(image, labels, alpha=alpha, classes=classes, palette=palette)
    fig = show_images({"image": image, "class map": decode_segmap(labels, palette), "overlay": blended}, width=width)
    add_legend(fig.axes[2], labels, classes=classes, palette=palette)
    return fig
