"""The PASCAL VOC folder layout: JPEG images, palette PNG class maps, split lists.

``write_voc`` lays out a dataset as the VOC devkit does, so lessons can show
(and torchvision's ``VOCSegmentation`` can read) the real thing::

    root/
        JPEGImages/<id>.jpg                 RGB photo
        SegmentationClass/<id>.png          palette PNG: pixel value = class id
        ImageSets/Segmentation/train.txt    one id per line; also val.txt, trainval.txt

In VOC's class maps a thin band around every object is 255, "void": the
annotators could not tell where the object ends, so those pixels are left
out of training and scoring (``ignore_index=255``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image
from skimage.morphology import dilation, erosion

from .._checks import StrPath, check_ignore_index, check_int, check_labels, describe_array, to_numpy
from ._palettes import voc_colormap

__all__ = ["add_void_border", "read_voc", "save_label_png", "write_voc"]

_SPLITS = Path("ImageSets") / "Segmentation"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def add_void_border(labels: np.ndarray, *, border: int = 1, ignore_index: int = 255) -> np.ndarray:
    """Mark the pixels near a boundary between two classes as void, as VOC does.

    A pixel becomes `ignore_index` when a pixel of another class lies within
    `border` pixels of it (rows, columns or diagonally). The band is thus
    ``2 * border`` pixels wide and straddles the boundary.

    Parameters
    ----------
    labels : numpy.ndarray
        Integer class map of shape (H, W).
    border : int, optional
        Width of the band on each side of a boundary, at least 1.
    ignore_index : int, optional
        The void label; it must fit the dtype of `labels` (255 does not fit int8).

    Returns
    -------
    numpy.ndarray
        A copy of `labels`, of the same dtype, with the band set to `ignore_index`.

    Raises
    ------
    TypeError
        If `labels` is not an integer array, or `border` or `ignore_index` is not an int.
    ValueError
        If `labels` is not 2-D, `border` < 1, or `ignore_index` does not fit
        the dtype of `labels` (it would wrap to another value).

    Examples
    --------
    >>> add_void_border(np.array([[0, 0, 0, 1, 1, 1]]))
    array([[  0,   0, 255, 255,   1,   1]])
    """
    check_labels(labels, ndims=(2,))
    border = check_int(border, name="border", minimum=1)
    ignore_index = check_ignore_index(ignore_index)
    labels = to_numpy(labels)
    info = np.iinfo(labels.dtype)
    if not info.min <= ignore_index <= info.max:
        raise ValueError(f"`ignore_index` must fit `labels`' dtype {labels.dtype} ({info.min}..{info.max}), got {ignore_index}")
    footprint = np.ones((2 * border + 1, 2 * border + 1), dtype=bool)
    near_boundary = dilation(labels, footprint) != erosion(labels, footprint)
    return np.where(near_boundary, np.asarray(ignore_index, labels.dtype), labels)


def write_voc(root: StrPath, images: np.ndarray, labels: np.ndarray, *, val_fraction: float = 0.25, border: int = 1,
              quality: int = 90) -> Path:
    """Write images and class maps in the PASCAL VOC segmentation layout.

    Ids are ``scene_000000``, ``scene_000001``, ...; the last
    ``round(n * val_fraction)`` of them form the ``val`` split, the others
    ``train``; ``trainval`` lists all.

    Parameters
    ----------
    root : str or os.PathLike
        The dataset folder (VOC's ``VOCdevkit/VOC2012``); created if missing.
    images : numpy.ndarray
        uint8 RGB images of shape (N, H, W, 3), e.g. from :func:`segtutor.make_scenes`.
    labels : numpy.ndarray
        Integer class maps of shape (N, H, W) with ids 0..254.
    val_fraction : float, optional
        Share of the images in the ``val`` split, in [0, 1).
    border : int, optional
        Void band width on each side of class boundaries; see :func:`add_void_border`.
    quality : int, optional
        JPEG quality of the images.

    Returns
    -------
    pathlib.Path
        `root`.

    Raises
    ------
    TypeError
        If `images` is not a uint8 array or `labels` not an integer array.
    ValueError
        If the shapes do not match, a label is outside 0..254, or
        `val_fraction` is outside [0, 1).

    Examples
    --------
    >>> import tempfile
    >>> from segtutor import make_scenes
    >>> root = write_voc(tempfile.mkdtemp(), *make_scenes(4, size=48))
    >>> sorted(p.name for p in root.iterdir())
    ['ImageSets', 'JPEGImages', 'SegmentationClass']
    """
    _check_pairs(images, labels)
    if not 0 <= val_fraction < 1:
        raise ValueError(f"`val_fraction` must be in [0, 1), got {val_fraction}")
    root = Path(root)
    for folder in ("JPEGImages", "SegmentationClass", _SPLITS):
        (root / folder).mkdir(parents=True, exist_ok=True)
    ids = [f"scene_{i:06d}" for i in range(len(images))]
    for image_id, image, class_map in zip(ids, images, labels):
        Image.fromarray(image).save(root / "JPEGImages" / f"{image_id}.jpg", quality=quality)
        save_label_png(add_void_border(class_map, border=border), root / "SegmentationClass" / f"{image_id}.png")
    num_train = len(ids) - round(len(ids) * val_fraction)
    for split, members in (("train", ids[:num_train]), ("val", ids[num_train:]), ("trainval", ids)):
        (root / _SPLITS / f"{split}.txt").write_text("".join(f"{i}\n" for i in members))
    return root


def _check_pairs(images: Any, labels: Any) -> None:
    message = f"`images` must be a uint8 array of shape (N, H, W, 3), got {describe_array(images)}"
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8:
        raise TypeError(message)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(message)
    check_labels(labels, ndims=(3,))
    if labels.shape != images.shape[:3]:
        raise ValueError(f"`labels` must have shape {images.shape[:3]} to match `images`, got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() > 254):
        raise ValueError(f"`labels` values must be class ids in 0..254, got {labels.min()}..{labels.max()}")


def read_voc(root: StrPath, *, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Read one split of a dataset in the PASCAL VOC segmentation layout.

    Parameters
    ----------
    root : str or os.PathLike
        The folder holding ``JPEGImages``, ``SegmentationClass`` and ``ImageSets``.
    split : str, optional
        Name of a list in ``ImageSets/Segmentation``, e.g. ``"train"`` or ``"val"``.

    Returns
    -------
    images : numpy.ndarray
        uint8 RGB images of shape (N, H, W, 3).
    labels : numpy.ndarray
        int64 class maps of shape (N, H, W): the PNGs' palette indices, i.e.
        the class ids, with 255 on the void borders. (Opening such a PNG
        with ``.convert("RGB")`` would give colours instead of ids.) A mask
        saved as RGB colours is turned back into ids through
        :func:`segtutor.data.voc_colormap`.

    Raises
    ------
    FileNotFoundError
        If the split file does not exist (the message names the split files
        there), or a listed image or mask does not.
    ValueError
        If `split` is not a plain name, the split file lists no images or an
        entry that would leave `root` (``../x``, ``a/b``, an absolute path),
        its images differ in size, a file cannot be decoded (truncated, not
        an image; the message names it), a mask differs in size from its
        image, or a mask is neither a palette (P) nor a grey (L) PNG of class
        ids nor an RGB PNG in VOC's colours.

    Examples
    --------
    >>> import tempfile
    >>> from segtutor import make_scenes
    >>> root = write_voc(tempfile.mkdtemp(), *make_scenes(4, size=48))
    >>> images, labels = read_voc(root, split="val")
    >>> images.shape, labels.dtype, sorted(np.unique(labels))[-1]
    ((1, 48, 48, 3), dtype('int64'), np.int64(255))
    """
    listing, ids = split_ids(Path(root), split)
    pairs = [_read_pair(Path(root), i) for i in ids]
    images, labels = [image for image, _ in pairs], [mask for _, mask in pairs]
    if len({image.shape for image in images}) > 1:
        raise ValueError(f"`split` {split!r} holds images of different sizes; read_voc stacks only equal sizes")
    return np.stack(images), np.stack(labels)


def check_split_name(split: str) -> None:
    """Refuse a VOC split name that is not a plain file name (``../val``, ``/tmp/x``)."""
    if not _PLAIN_NAME.fullmatch(split):
        raise ValueError(f"`split` must be the name of a split file in ImageSets/Segmentation, such as 'val', got {split!r}")


def split_ids(base: Path, split: str) -> tuple[Path, list[str]]:
    """The split file ``base/ImageSets/Segmentation/<split>.txt`` and its ids, each checked to stay inside `base`.

    The one reader of VOC's split files (:func:`read_voc` and :func:`segtutor.data.open_dataset`).
    """
    check_split_name(split)
    listing = base / _SPLITS / f"{split}.txt"
    if not listing.is_file():
        found = sorted(p.stem for p in listing.parent.glob("*.txt")) if listing.parent.is_dir() else []
        raise FileNotFoundError(f"no split file {listing}; the split files there are: {', '.join(found) or 'none'}")
    ids: list[str] = []
    for number, line in enumerate(listing.read_text().splitlines(), start=1):
        entry = line.strip()
        if entry and (entry in (".", "..") or Path(entry).name != entry or "\\" in entry or os.path.isabs(entry)):
            raise ValueError(f"split file {listing}, line {number}: {entry!r} is not an image id; "
                             f"an entry with '/', '..' or an absolute path would escape {base}")
        if entry:
            ids.append(entry)
    if not ids:
        raise ValueError(f"split file {listing} lists no images")
    return listing, ids


@contextmanager
def decoding(path: Path) -> Iterator[Image.Image]:
    """Open an image file; a file PIL cannot decode (truncated, not an image) is a ValueError naming it."""
    try:
        with Image.open(path) as opened:
            yield opened
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ValueError(f"{path} cannot be decoded as an image: {error}") from error


def _read_pair(root: Path, image_id: str) -> tuple[np.ndarray, np.ndarray]:
    """One photo as uint8 (H, W, 3) and its mask as int64 (H, W) class ids."""
    image_path, mask_path = root / "JPEGImages" / f"{image_id}.jpg", root / "SegmentationClass" / f"{image_id}.png"
    with decoding(image_path) as opened:
        image = np.asarray(opened.convert("RGB"))
    with decoding(mask_path) as mask:
        if mask.size != (image.shape[1], image.shape[0]):
            raise ValueError(f"mask {mask_path} is {mask.width}x{mask.height} pixels but its image {image_path} "
                             f"is {image.shape[1]}x{image.shape[0]}; a mask must match its image")
        if mask.mode in ("P", "L"):
            return image, np.asarray(mask, dtype=np.int64)
        if mask.mode == "RGB":
            return image, _colours_to_ids(np.asarray(mask), mask_path)
        raise ValueError(f"mask {mask_path} has mode {mask.mode!r}; read_voc reads palette (P) or grey (L) PNGs "
                         "of class ids, or RGB PNGs in VOC's colours")


def _colours_to_ids(rgb: np.ndarray, path: Path) -> np.ndarray:
    """Invert VOC's 256-colour map, which gives every id its own colour."""
    def pack(colours: np.ndarray) -> np.ndarray:
        return colours.astype(np.int64) @ np.array([65536, 256, 1])

    keys, codes = pack(voc_colormap(256)), pack(rgb)
    order = np.argsort(keys)
    ids = order[np.minimum(np.searchsorted(keys, codes, sorter=order), 255)]
    unknown = keys[ids] != codes
    if unknown.any():
        raise ValueError(f"mask {path} has {int(unknown.sum())} pixels whose colour is not in VOC's colour map, "
                         f"e.g. {tuple(int(c) for c in rgb[unknown][0])}")
    return ids.astype(np.int64)


def save_label_png(labels: npt.ArrayLike | torch.Tensor, path: StrPath | IO[bytes]) -> None:
    """Write a class map as a palette PNG: pixel values are class ids, colours the VOC map.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer class map of shape (H, W) with ids in 0..255 (bool is not an integer here).
    path : str, os.PathLike or binary file
        Where to write; a path must end in ``.png``.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` is not 2-D, is empty or holds an id outside 0..255, or
        `path` does not end in ``.png``.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "mask.png")
    >>> save_label_png(np.array([[0, 15], [255, 8]]), path)
    >>> np.asarray(Image.open(path)).tolist()
    [[0, 15], [255, 8]]
    """
    given = labels if isinstance(labels, torch.Tensor) else np.asarray(labels)
    check_labels(given, ndims=(2,))
    ids = to_numpy(given)
    if ids.size == 0:
        raise ValueError(f"`labels` must not be empty, got shape {ids.shape}")
    if ids.min() < 0 or ids.max() > 255:
        raise ValueError(f"`labels` must hold class ids in 0..255, got values in {ids.min()}..{ids.max()}")
    if isinstance(path, (str, os.PathLike)) and Path(path).suffix.lower() != ".png":
        raise ValueError(f"`path` must end in .png, got '{path}'")
    image = Image.fromarray(ids.astype(np.uint8), mode="L").convert("P")
    image.putpalette(voc_colormap(256).ravel().tolist())
    image.save(path, format="PNG")
