"""Colour palettes: which colour stands for which class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PALETTES", "Palette", "get_palette", "voc_colormap"]


def voc_colormap(n: int = 256) -> np.ndarray:
    """Return PASCAL VOC's bit-interleaved colour map.

    Bit ``k`` of the class id's three lowest bits goes, in turn, to the
    highest free bit of red, green and blue; then the next three bits, and so
    on. This gives the colours of the VOC devkit's ``labelcolormap``.

    Parameters
    ----------
    n : int, optional
        Number of entries.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape (n, 3).

    Examples
    --------
    >>> voc_colormap(4).tolist()
    [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0]]
    >>> voc_colormap()[255].tolist()  # the "void" border colour
    [224, 224, 192]
    """
    ids = np.arange(n)
    colors = np.zeros((n, 3), dtype=np.int64)
    for bit in range(8):
        for channel in range(3):
            colors[:, channel] |= ((ids >> (3 * bit + channel)) & 1) << (7 - bit)
    return colors.astype(np.uint8)


@dataclass(frozen=True)
class Palette:
    """Class names, one colour per class, and how unlabelled pixels look.

    Attributes
    ----------
    name : str
        Lookup name, e.g. ``"voc"``.
    names : tuple of str
        Class names, indexed by class id.
    colors : numpy.ndarray
        uint8 (num_classes, 3) colours, indexed by class id.
    void_color : tuple of int
        Colour of every id outside ``0 .. num_classes-1``, e.g. ``ignore_index``.
    ignore_index : int
        The id that marks pixels without a label.
    source : str
        Where the names and colours come from.
    """

    name: str
    names: tuple[str, ...]
    colors: np.ndarray
    void_color: tuple[int, int, int]
    ignore_index: int
    source: str

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.names)


def _voc() -> Palette:
    from torchvision.models.segmentation import FCN_ResNet101_Weights

    names = tuple(FCN_ResNet101_Weights.DEFAULT.meta["categories"])
    cmap = voc_colormap(256)
    return Palette(
        name="voc", names=names, colors=cmap[: len(names)], void_color=tuple(int(c) for c in cmap[255]),
        ignore_index=255,
        source="names: torchvision weights.meta['categories']; colours: the VOC devkit's bit-interleaved map",
    )


PALETTES: dict[str, Palette] = {"voc": _voc()}
"""Palettes by name."""


def get_palette(palette) -> Palette:
    """Return a :class:`Palette`, given one or its name.

    Raises
    ------
    TypeError
        If `palette` is neither a name nor a :class:`Palette`.
    ValueError
        If the name is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_palette("voc").num_classes
    21
    """
    if isinstance(palette, Palette):
        return palette
    if not isinstance(palette, str):
        raise TypeError(f"`palette` must be a palette name or a Palette, got {type(palette).__name__}")
    if palette not in PALETTES:
        raise ValueError(f"`palette` must be one of {', '.join(PALETTES)}, got {palette!r}")
    return PALETTES[palette]
