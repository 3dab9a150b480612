"""Turning class maps into pictures."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch  # noqa: F401 - the doctests use it
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from .._checks import ArrayOrTensor, check_labels, check_nonnegative, describe_array, to_numpy
from ..data import get_palette
from ..data._palettes import Palette, PaletteLike

__all__ = ["decode_segmap", "encode_segmap", "grayscale_mask", "show_images", "show_palette"]


def decode_segmap(labels: ArrayOrTensor, palette: PaletteLike = "voc") -> np.ndarray:
    """Colour a class map: every class id becomes its palette colour.

    One lookup-table gather replaces the seed's loop over classes. The
    table has one row per class plus a last row for the void colour, each
    colour packed into one little-endian uint32 (R, G, B, 0):
    ``np.take(table, labels, mode="clip")`` (``table[labels]`` with every id
    past the end sent to the last row) colours every pixel at once, moving 4
    bytes per pixel instead of copying 3. PIL's raw encoder then packs the
    (R, G, B, 0) words into (R, G, B) bytes. About twice as fast as gathering
    3-byte rows: see ``benchmarks/bench_decode_segmap.py``.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) or (N, H, W).
    palette : str or Palette, optional
        The palette, by name or object.

    Returns
    -------
    numpy.ndarray
        uint8 colour image of shape ``labels.shape + (3,)``, C-contiguous and
        writable. Ids outside the palette (such as 255, or any uint64 id up
        to 2**64 - 1) get the palette's void colour.

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
    check_nonnegative(labels)
    palette = get_palette(palette)
    labels = to_numpy(labels)
    void = palette.num_classes
    if np.iinfo(labels.dtype).max > np.iinfo(np.intp).max:  # uint64: take() would wrap ids >= 2**63 to negatives
        labels = np.minimum(labels, void)
    if labels.size == 0:
        return np.take(palette.table, labels, axis=0, mode="clip")
    words = np.take(_packed_table(palette), labels, mode="clip")
    rows = Image.frombuffer("RGBX", (labels.shape[-1], labels.size // labels.shape[-1]), words, "raw", "RGBX", 0, 1)
    rgb = np.empty(labels.shape + (3,), np.uint8)
    rgb.reshape(-1)[:] = np.frombuffer(rows.tobytes("raw", "RGB"), np.uint8)
    return rgb


@lru_cache(maxsize=32)
def _packed_table(palette: Palette) -> np.ndarray:
    """A palette's colour table (classes, then void) as little-endian uint32 words whose bytes are R, G, B, 0."""
    channels = np.zeros((palette.num_classes + 1, 4), np.uint8)
    channels[:, :3] = palette.table
    packed = channels.view("<u4").reshape(-1)
    packed.setflags(write=False)
    return packed


def encode_segmap(rgb: np.ndarray, palette: PaletteLike = "voc") -> np.ndarray:
    """Turn a coloured class map back into class ids: the inverse of :func:`decode_segmap`.

    Parameters
    ----------
    rgb : numpy.ndarray
        uint8 colour image of shape (H, W, 3) or (N, H, W, 3).
    palette : str or Palette, optional
        The palette, by name or object.

    Returns
    -------
    numpy.ndarray
        int64 class ids of shape ``rgb.shape[:-1]``; the void colour becomes
        the palette's ``ignore_index``.

    Raises
    ------
    TypeError
        If `rgb` is not a uint8 array.
    ValueError
        If `rgb` has the wrong shape, or holds a colour that is not in the palette.

    Examples
    --------
    >>> encode_segmap(np.array([[[64, 0, 0], [224, 224, 192]]], dtype=np.uint8)).tolist()
    [[8, 255]]
    """
    message = f"`rgb` must be a uint8 array of shape (H, W, 3) or (N, H, W, 3), got {describe_array(rgb)}"
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8:
        raise TypeError(message)
    if rgb.ndim not in (3, 4) or rgb.shape[-1] != 3:
        raise ValueError(message)
    palette = get_palette(palette)
    keys, codes = _color_codes(palette.table), _color_codes(rgb)
    order = np.argsort(keys)
    found = np.minimum(np.searchsorted(keys, codes, sorter=order), len(keys) - 1)
    ids = order[found]
    unknown = keys[ids] != codes
    if unknown.any():
        example = tuple(int(c) for c in rgb[unknown][0])
        raise ValueError(f"`rgb` holds {int(unknown.sum())} pixels whose colour is not in the "
                         f"{palette.name} palette, e.g. {example}")
    return np.where(ids == palette.num_classes, palette.ignore_index, ids)


def _color_codes(rgb: np.ndarray) -> np.ndarray:
    """Pack (..., 3) uint8 colours into one int64 per colour: ``R * 65536 + G * 256 + B``."""
    rgb = rgb.astype(np.int64)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def grayscale_mask(labels: ArrayOrTensor) -> np.ndarray:
    """Write a class map as a grayscale image: the class id is the grey value.

    This is the seed's "grayscale mask" form of a segmentation. The values
    are the ids themselves, so for VOC's 21 classes the image is very dark;
    :func:`show_images` stretches the grey range to show it.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) or (N, H, W) with values 0-255.

    Returns
    -------
    numpy.ndarray
        uint8 grey image, same shape as `labels`.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` has the wrong rank, or values outside 0-255.

    Examples
    --------
    >>> grayscale_mask(torch.tensor([[0, 8], [15, 255]]))
    array([[  0,   8],
           [ 15, 255]], dtype=uint8)
    """
    check_labels(labels)
    check_nonnegative(labels)
    labels = to_numpy(labels)
    if labels.size and labels.max() > 255:
        raise ValueError(f"`labels` must fit a uint8 grey value (0-255), got maximum {labels.max()}")
    return labels.astype(np.uint8)


def show_images(panels: dict, *, width: float = 4.0, colorbar: bool = True) -> Figure:
    """Show images side by side, each with its title; a 2-D array gets a colourbar.

    Parameters
    ----------
    panels : dict of str to image
        Title to PIL image or array, in display order: (H, W, 3) colour
        images, or (H, W) arrays, shown in grey from their minimum to maximum.
    width : float, optional
        Width of each panel in inches.
    colorbar : bool, optional
        Add a colourbar beside each (H, W) panel, so that its grey values can
        be read (a 2-D array is a continuous map, or class ids as grey values).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, not registered with pyplot. Jupyter draws it when it is a
        cell's last value, once ``%matplotlib inline`` has run in the kernel;
        before that it shows only ``<Figure size ...>``.

    Raises
    ------
    ValueError
        If `panels` is empty.

    Examples
    --------
    >>> fig = show_images({"black": np.zeros((2, 2, 3), np.uint8), "white": np.full((2, 2, 3), 255, np.uint8)})
    >>> [ax.get_title() for ax in fig.axes]
    ['black', 'white']
    >>> fig = show_images({"confidence": np.array([[0.25, 1.0]])})
    >>> fig.axes[0].images[0].colorbar.mappable.get_clim()
    (0.25, 1.0)
    """
    if not panels:
        raise ValueError("`panels` must hold at least one image, got an empty dict")
    fig = Figure(figsize=(width * len(panels), width), layout="constrained")
    for ax, (title, image) in zip(fig.subplots(1, len(panels), squeeze=False)[0], panels.items()):
        image = np.asarray(image)
        shown = ax.imshow(image, cmap="gray" if image.ndim == 2 else None, interpolation="nearest")
        ax.set_title(title)
        ax.axis("off")
        if colorbar and image.ndim == 2:
            fig.colorbar(shown, ax=ax, shrink=0.8)
    return fig


def show_palette(palette: PaletteLike = "voc", *, rows: int = 25) -> Figure:
    """Show a palette: one swatch per class with its id and name, then the void colour.

    Parameters
    ----------
    palette : str or Palette, optional
        The palette, by name or object.
    rows : int, optional
        Swatches per column.

    Returns
    -------
    matplotlib.figure.Figure
        One axes holding ``num_classes + 1`` rectangles, in class-id order,
        the last one for the void colour.

    Raises
    ------
    TypeError, ValueError
        If `palette` is neither a known name nor a Palette.

    Examples
    --------
    >>> fig = show_palette("cityscapes")
    >>> len(fig.axes[0].patches), fig.axes[0].texts[0].get_text(), fig.axes[0].texts[-1].get_text()
    (20, '0 road', '255 void')
    """
    palette = get_palette(palette)
    entries = [*zip(range(palette.num_classes), palette.names, palette.colors),
               (palette.ignore_index, "void", np.array(palette.void_color))]
    columns = math.ceil(len(entries) / rows)
    fig = Figure(figsize=(2.6 * columns, 0.22 * min(rows, len(entries)) + 0.5), layout="constrained")
    ax = fig.subplots()
    for position, (class_id, name, color) in enumerate(entries):
        column, row = divmod(position, rows)
        ax.add_patch(Rectangle((column, -row), 0.15, 0.8, facecolor=np.asarray(color) / 255, edgecolor="black", linewidth=0.5))
        ax.text(column + 0.2, -row + 0.4, f"{class_id} {name}", va="center", fontsize=8)
    ax.set(xlim=(0, columns), ylim=(-min(rows, len(entries)) + 0.9, 0.9), title=f"{palette.name}: {palette.num_classes} classes + void")
    ax.axis("off")
    return fig
