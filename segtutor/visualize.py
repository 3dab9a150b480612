"""Turning class maps into pictures."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from ._checks import check_labels
from .palettes import get_palette

__all__ = ["decode_segmap", "show_images"]


def decode_segmap(labels, palette="voc") -> np.ndarray:
    """Colour a class map: every class id becomes its palette colour.

    One lookup-table indexing replaces the seed's loop over classes: the
    table has one row per class plus a last row for the void colour, and
    ``table[labels]`` colours every pixel at once.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) or (N, H, W).
    palette : str or Palette, optional
        The palette, by name or object.

    Returns
    -------
    numpy.ndarray
        uint8 colour image of shape ``labels.shape + (3,)``. Ids outside the
        palette (such as 255) get the palette's void colour.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` has the wrong rank or negative values.

    Examples
    --------
    >>> decode_segmap(np.array([[0, 8], [15, 255]])).tolist()
    [[[0, 0, 0], [64, 0, 0]], [[192, 128, 128], [224, 224, 192]]]
    """
    check_labels(labels)
    palette = get_palette(palette)
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    if labels.size and labels.min() < 0:
        raise ValueError(f"`labels` must be non-negative, got minimum {labels.min()}")
    table = np.vstack([palette.colors, np.array(palette.void_color, dtype=np.uint8)])
    return table[np.minimum(labels, palette.num_classes)]


def show_images(panels: dict, *, width: float = 4.0) -> Figure:
    """Show images side by side, each with its title.

    Parameters
    ----------
    panels : dict of str to image
        Title to PIL image or array (H, W, 3), in display order.
    width : float, optional
        Width of each panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; Jupyter displays it when it is a cell's last value.

    Raises
    ------
    ValueError
        If `panels` is empty.

    Examples
    --------
    >>> fig = show_images({"black": np.zeros((2, 2, 3), np.uint8), "white": np.full((2, 2, 3), 255, np.uint8)})
    >>> [ax.get_title() for ax in fig.axes]
    ['black', 'white']
    """
    if not panels:
        raise ValueError("`panels` must hold at least one image, got an empty dict")
    fig = Figure(figsize=(width * len(panels), width), layout="constrained")
    for ax, (title, image) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        ax.imshow(np.asarray(image))
        ax.set_title(title)
        ax.axis("off")
    return fig
