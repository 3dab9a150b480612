"""Segments as contours: the outline polygons of each class, found by scikit-image."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from skimage import measure

from .._checks import ArrayOrTensor, ImageLike, as_image_array, check_labels, check_nonnegative, check_same_size, to_numpy
from ..data import get_palette
from ..data._palettes import Classes, PaletteLike

__all__ = ["class_contours", "show_contours"]


def class_contours(labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc") -> dict[int, list[np.ndarray]]:
    """Outline each class of a class map with closed polygons.

    For each class, ``skimage.measure.find_contours`` traces the 0.5
    iso-line of the class's 0/1 mask. The mask is padded with a ring of
    zeros first, so that regions touching the image border give closed
    polygons too. Vertices lie half-way between a pixel of the class and
    one outside it.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W).
    classes : str, int or iterable of them, optional
        Names or ids of the classes to outline; all classes by default.
    palette : str or Palette, optional
        The palette that names the classes.

    Returns
    -------
    dict of int to list of numpy.ndarray
        For each class present, in class-id order, its polygons: float64
        arrays of shape (K, 2) holding (row, column) vertices, first vertex
        repeated last. Holes in a region are polygons of their own.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` is not 2-D or has negative values, or a class is unknown.

    Examples
    --------
    >>> labels = np.zeros((3, 3), dtype=np.int64)
    >>> labels[1, 1] = 8  # one cat pixel
    >>> class_contours(labels, classes="cat")[8][0].tolist()
    [[1.5, 1.0], [1.0, 0.5], [0.5, 1.0], [1.0, 1.5], [1.5, 1.0]]
    """
    check_labels(labels, ndims=(2,))
    check_nonnegative(labels)
    palette = get_palette(palette)
    labels = to_numpy(labels)
    present = set(np.unique(labels).tolist())
    contours = {}
    for class_id in palette.class_ids(classes):
        if class_id in present:
            mask = np.pad(labels == class_id, 1).astype(np.float64)
            contours[class_id] = [polygon - 1.0 for polygon in measure.find_contours(mask, 0.5)]
    return contours


def show_contours(image: ImageLike, labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc",
                  linewidth: float = 2.0, width: float = 6.0) -> Figure:
    """Draw each class's outline, in the class colour, on the image, edged so that it stands out.

    A class colour can be close to the photo's (VOC's pink *person* on skin
    or an orange suit), so every line is drawn over a wider stroke of black
    or white, whichever contrasts more with the class colour (black under
    colours whose luminance 0.299 R + 0.587 G + 0.114 B is above one half).

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        The photo: a PIL image or a uint8 array of shape (H, W, 3).
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W), the same size as `image`.
    classes : str, int or iterable of them, optional
        Names or ids of the classes to outline; all classes by default.
    palette : str or Palette, optional
        The palette that colours and names the classes.
    linewidth : float, optional
        Width of the outlines in points.
    width : float, optional
        Width of the image in inches; the legend adds half as much.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: the image, one line per polygon (see :func:`class_contours`)
        with its contrasting edge, and a legend ``"name (k polygons)"`` per class.

    Raises
    ------
    TypeError, ValueError
        As :func:`class_contours`, or if `image` is not an RGB image of the
        same size as `labels`.

    Examples
    --------
    >>> labels = np.zeros((4, 4), dtype=np.int64)
    >>> labels[:2, :2] = labels[3, 3] = 8  # two cat regions
    >>> fig = show_contours(np.zeros((4, 4, 3), np.uint8), labels, classes="cat")
    >>> len(fig.axes[0].lines), fig.axes[0].get_legend().get_texts()[0].get_text()
    (2, 'cat (2 polygons)')
    """
    check_labels(labels, ndims=(2,))
    image = as_image_array(image)
    check_same_size(image, labels)
    palette = get_palette(palette)
    fig = Figure(figsize=(width * 1.5, width * image.shape[0] / image.shape[1]), layout="constrained")
    ax = fig.subplots()
    ax.imshow(image)
    ax.axis("off")
    handles = []
    for class_id, polygons in class_contours(labels, classes=classes, palette=palette).items():
        color = palette.colors[class_id] / 255
        edge = [patheffects.Stroke(linewidth=linewidth + 2.0, foreground=_edge_color(color)), patheffects.Normal()]
        for polygon in polygons:
            ax.plot(polygon[:, 1], polygon[:, 0], color=color, linewidth=linewidth, path_effects=edge)
        noun = "polygon" if len(polygons) == 1 else "polygons"
        handles.append(Line2D([], [], color=color, linewidth=linewidth, path_effects=edge,
                              label=f"{palette.names[class_id]} ({len(polygons)} {noun})"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return fig


def _edge_color(color: np.ndarray) -> str:
    """Black under a light colour, white under a dark one (luminance of RGB in [0, 1], ITU-R BT.601 weights)."""
    return "black" if float(np.dot(color, (0.299, 0.587, 0.114))) > 0.5 else "white"
