"""Colour palettes: which colour stands for which class, for four datasets and the synthetic scenes.

The names, colours and label-id mappings are data: VOC's come from
torchvision and the VOC devkit's colour map; Cityscapes', ADE20K's and
COCO-Stuff's from the CSV files in ``segtutor/data/``, whose header lines name
their sources.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from typing import TypeAlias

import numpy as np

from .._checks import ArrayOrTensor, check_color, check_labels, check_nonnegative, is_int, to_numpy

__all__ = ["PALETTES", "Palette", "get_palette", "to_train_ids", "voc_colormap"]


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


Classes: TypeAlias = "str | int | Iterable[str | int] | None"
"""Which classes: a name, an id, several of them, or None for every class."""


@dataclass(frozen=True, eq=False)
class Palette:
    """Class names, one colour per class, and how unlabelled pixels look.

    Attributes
    ----------
    name : str
        Lookup name, e.g. ``"voc"``.
    names : tuple of str
        Class names, indexed by class id.
    colors : numpy.ndarray
        uint8 (num_classes, 3) colours, indexed by class id; read-only.
    void_color : tuple of int
        Colour of every id outside ``0 .. num_classes-1``, e.g. ``ignore_index``.
    ignore_index : int
        The id that marks pixels without a label.
    source : str
        Where the names and colours come from.
    train_ids : numpy.ndarray or None
        int64 lookup table from the label ids stored in the dataset's
        annotation files to class ids (``ignore_index`` for ids that are no
        class), read-only; None where the files already hold class ids (VOC).
    """

    name: str
    names: tuple[str, ...]
    colors: np.ndarray
    void_color: tuple[int, int, int]
    ignore_index: int
    source: str
    train_ids: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.colors.dtype != np.uint8 or self.colors.shape != (len(self.names), 3):
            raise ValueError(f"`colors` must be a uint8 array of shape ({len(self.names)}, 3), got "
                             f"{self.colors.dtype} of shape {self.colors.shape}")
        self.colors.setflags(write=False)
        if self.train_ids is not None:
            self.train_ids.setflags(write=False)

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.names)

    @cached_property
    def table(self) -> np.ndarray:
        """uint8 (num_classes + 1, 3) lookup table: the class colours, then the void colour; read-only."""
        table = np.vstack([self.colors, np.array(self.void_color, dtype=np.uint8)])
        table.setflags(write=False)
        return table

    def class_ids(self, classes: Classes = None) -> list[int]:
        """Turn class names and/or ids into sorted class ids.

        Parameters
        ----------
        classes : str, int, iterable of str or int, or None
            Names or ids; None means every class.

        Returns
        -------
        list of int
            Sorted, without repeats.

        Raises
        ------
        TypeError
            If an entry is neither a str nor an int.
        ValueError
            If a name or id is not in the palette.

        Examples
        --------
        >>> get_palette("voc").class_ids(["person", 8, "cat"])
        [8, 15]
        """
        if classes is None:
            return list(range(self.num_classes))
        ids = set()
        for item in [classes] if isinstance(classes, (str, bool, int)) or is_int(classes) else classes:
            if isinstance(item, str) and item in self.names:
                ids.add(self.names.index(item))
            elif is_int(item) and 0 <= item < self.num_classes:
                ids.add(int(item))
            elif isinstance(item, str) or is_int(item):
                raise ValueError(f"`classes` must hold names or ids (0-{self.num_classes - 1}) "
                                 f"of the {self.name} palette's classes, got {item!r}")
            else:
                raise TypeError(f"`classes` must hold class names or ids, got {type(item).__name__}")
        return sorted(ids)


def _read_rows(filename: str) -> list[dict[str, str]]:
    """Read one of the CSV files in ``segtutor/data/``, skipping its ``#`` header lines."""
    text = (files("segtutor") / "data" / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _lookup_table(ids: list[int], train_ids: list[int]) -> np.ndarray:
    table = np.full(max(ids) + 1, 255, dtype=np.int64)
    table[list(ids)] = list(train_ids)
    return table


PaletteLike: TypeAlias = "str | Palette"
"""A palette or its name (see :data:`PALETTES`)."""


def _voc() -> Palette:
    from torchvision.models.segmentation import FCN_ResNet101_Weights

    names = tuple(FCN_ResNet101_Weights.DEFAULT.meta["categories"])
    cmap = voc_colormap(256)
    return Palette(
        name="voc", names=names, colors=cmap[: len(names)], void_color=check_color(cmap[255], name="void_color"),
        ignore_index=255,
        source="names: torchvision weights.meta['categories']; colours: the VOC devkit's bit-interleaved map",
    )


def _cityscapes() -> Palette:
    rows = _read_rows("cityscapes.csv")
    used = sorted((r for r in rows if r["train_id"] != "255"), key=lambda r: int(r["train_id"]))
    return Palette(
        name="cityscapes", names=tuple(r["name"] for r in used),
        colors=np.array([[int(r[c]) for c in "rgb"] for r in used], dtype=np.uint8),
        void_color=(0, 0, 0), ignore_index=255,
        source="cityscapesScripts helpers/labels.py: the 19 train ids, their colours, and the 34 label ids",
        train_ids=_lookup_table([int(r["id"]) for r in rows], [int(r["train_id"]) for r in rows]),
    )


def _ade20k() -> Palette:
    rows = _read_rows("ade20k.csv")
    ids = [int(r["id"]) for r in rows]
    return Palette(
        name="ade20k", names=tuple(r["name"] for r in rows),
        colors=np.array([[int(r[c]) for c in "rgb"] for r in rows], dtype=np.uint8),
        void_color=(0, 0, 0), ignore_index=255,
        source="MIT Scene Parsing objectInfo150.csv; short names and colours: mmsegmentation "
               "(skyscraper recoloured, see data/ade20k.csv); annotation id k is class k-1, 0 is 'other'",
        train_ids=_lookup_table([0, *ids], [255, *(i - 1 for i in ids)]),
    )


def _coco_stuff() -> Palette:
    rows = _read_rows("coco_stuff.csv")
    used = [r for r in rows if r["train_id"] != "255"]
    return Palette(
        name="coco-stuff", names=tuple(r["name"] for r in used),
        colors=voc_colormap(256)[1 : len(used) + 1],
        void_color=(0, 0, 0), ignore_index=255,
        source="github.com/nightrome/cocostuff labels.txt and README (11 unused thing ids); no official "
               "colours, so class k has VOC colour k+1",
        train_ids=_lookup_table([int(r["id"]) for r in rows], [int(r["train_id"]) for r in rows]),
    )


def _scenes() -> Palette:
    from ._scenes import SCENE_CLASSES

    cmap = voc_colormap(256)
    return Palette(
        name="scenes", names=SCENE_CLASSES, colors=cmap[: len(SCENE_CLASSES)],
        void_color=check_color(cmap[255], name="void_color"), ignore_index=255,
        source="segtutor's synthetic scenes (segtutor.SCENE_CLASSES); colours: the VOC map",
    )


PALETTES: dict[str, Palette] = {p.name: p for p in (_voc(), _cityscapes(), _ade20k(), _coco_stuff(), _scenes())}
"""Palettes by name: ``"voc"``, ``"cityscapes"``, ``"ade20k"``, ``"coco-stuff"``, ``"scenes"``."""


def get_palette(palette: PaletteLike) -> Palette:
    """Return a :class:`Palette`, given one or its name.

    Raises
    ------
    TypeError
        If `palette` is neither a name nor a :class:`Palette`.
    ValueError
        If the name is unknown; the message lists the valid names.

    Examples
    --------
    >>> [get_palette(name).num_classes for name in PALETTES]
    [21, 19, 150, 171, 5]
    """
    if isinstance(palette, Palette):
        return palette
    if not isinstance(palette, str):
        raise TypeError(f"`palette` must be a palette name or a Palette, got {type(palette).__name__}")
    if palette not in PALETTES:
        raise ValueError(f"`palette` must be one of {', '.join(PALETTES)}, got {palette!r}")
    return PALETTES[palette]


def to_train_ids(labels: ArrayOrTensor, palette: PaletteLike) -> np.ndarray:
    """Map the label ids of a dataset's annotation files to class ids.

    Cityscapes stores 34 label ids (0-33), of which 19 are classes; ADE20K
    stores 0 for "other" and 1-150 for its classes; COCO-Stuff stores 182
    ids (0-181), 11 of them unused. Ids that are no class become the
    palette's ``ignore_index``, and so do ids beyond the table (such as 255).

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer label ids of shape (H, W) or (N, H, W), as stored in the files.
    palette : str or Palette
        The dataset's palette. VOC files already hold class ids: they come back unchanged.

    Returns
    -------
    numpy.ndarray
        int64 class ids, same shape as `labels`.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor, or `palette` is no palette.
    ValueError
        If `labels` has the wrong rank or negative values, or `palette` is unknown.

    Examples
    --------
    >>> to_train_ids(np.array([[7, 26], [0, 33]]), "cityscapes").tolist()  # road, car; unlabeled, bicycle
    [[0, 13], [255, 18]]
    """
    check_labels(labels)
    check_nonnegative(labels)
    palette = get_palette(palette)
    ids = to_numpy(labels)
    if palette.train_ids is None:
        return ids.astype(np.int64)
    table = np.append(palette.train_ids, palette.ignore_index)
    return np.take(table, ids, mode="clip")
