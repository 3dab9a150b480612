"""Readers for the four datasets' own folder layouts: (image, class map) pairs in each dataset's ids.

:func:`open_dataset` checks a folder against the layout of PASCAL VOC 2012,
Cityscapes, ADE20K scene parsing or COCO-Stuff 164k and returns a map-style
:class:`SegmentationDataset`. Every check that needs no decoding runs at that
moment, before any work starts: each folder and the split file exist, no split
entry escapes the folder, every image has its mask (and, where the layout pairs
them folder by folder, every mask its image). Each failure is one error that
names the file. Decoding waits for ``dataset[i]``: checking that each mask has
its image's size would mean opening every file (seconds to minutes for 2,000
images), so a mask of another size is refused when it is read, naming both files.

The class maps come back in the dataset's own class ids (the ones its
benchmark scores, see :data:`segtutor.data.PALETTES`) with 255 for pixels
without a label. The files of Cityscapes, ADE20K and COCO-Stuff store other
ids; the readers map them with :func:`segtutor.data.to_train_ids`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeAlias, get_args

import numpy as np
from PIL import Image
from torch.utils.data import Dataset

from .._checks import StrPath, check_int
from ._palettes import PALETTES, to_train_ids
from ._voc import _colours_to_ids, check_split_name, decoding, split_ids

__all__ = ["DATASETS", "DatasetName", "SegmentationDataset", "open_dataset"]

DatasetName: TypeAlias = Literal["voc", "cityscapes", "ade20k", "coco-stuff"]
"""The datasets :func:`open_dataset` reads."""
DATASETS: tuple[str, ...] = get_args(DatasetName)
"""Their names, in the order the course meets them: ``("voc", "cityscapes", "ade20k", "coco-stuff")``."""

Pairs: TypeAlias = "list[tuple[Path, Path]]"


class SegmentationDataset(Dataset[tuple[Image.Image, np.ndarray]]):
    """One split of a dataset on disk: ``dataset[i]`` is ``(RGB image, class map)``.

    Made by :func:`open_dataset`, which checks the layout first and passes the
    checked (image file, mask file) `pairs`; it keeps only the file names, so it
    is cheap to pickle into DataLoader workers.

    Attributes
    ----------
    name : str
        ``"voc"``, ``"cityscapes"``, ``"ade20k"`` or ``"coco-stuff"``.
    split : str
        The split read, e.g. ``"val"``.
    root : pathlib.Path
        The folder given to :func:`open_dataset`.
    class_names : tuple of str
        The dataset's class names, indexed by class id.
    num_classes : int
        ``len(class_names)``: 21, 19, 150 or 171.
    ignore_index : int
        The value of pixels without a label in the class maps: 255.
    """

    def __init__(self, name: DatasetName, root: StrPath, *, split: str = "val", pairs: Pairs) -> None:
        palette = PALETTES[name]
        self.name, self.split, self.root = name, split, Path(root)
        self.class_names, self.num_classes, self.ignore_index = palette.names, palette.num_classes, palette.ignore_index
        self._pairs = list(pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return (f"SegmentationDataset({self.name!r}, split={self.split!r}: {len(self)} images, "
                f"{self.num_classes} classes, root={str(self.root)!r})")

    def files(self, index: int) -> tuple[Path, Path]:
        """The image file and the mask file of item `index`, e.g. for an error message.

        Raises
        ------
        TypeError
            If `index` is not an int.
        IndexError
            If `index` is outside ``-len(self) .. len(self)-1``.
        """
        index = check_int(index, name="index")
        if not -len(self) <= index < len(self):
            raise IndexError(f"`index` must be in 0..{len(self) - 1} for this {self.name} {self.split} split, got {index}")
        return self._pairs[index]

    def __getitem__(self, index: int) -> tuple[Image.Image, np.ndarray]:
        """Item `index`: the RGB PIL image and its int64 (H, W) class map in the dataset's ids, 255 unlabelled.

        Raises
        ------
        ValueError
            If a file cannot be decoded, the mask's size differs from its image's, or the mask
            is not a PNG of ids (mode L or P; VOC also takes RGB masks in VOC's colours).
            The message names the files.
        """
        image_path, mask_path = self.files(index)
        with decoding(image_path) as opened:
            image = opened.convert("RGB")
        with decoding(mask_path) as mask:
            if mask.size != image.size:
                raise ValueError(f"mask {mask_path} is {mask.width}x{mask.height} pixels but its image {image_path} "
                                 f"is {image.width}x{image.height}; a mask must match its image")
            if mask.mode == "RGB" and self.name == "voc":
                return image, _colours_to_ids(np.asarray(mask), mask_path)
            if mask.mode not in ("L", "P"):
                raise ValueError(f"mask {mask_path} has mode {mask.mode!r}; {self.name} masks are 8-bit PNGs of label ids (mode L or P)")
            ids = np.asarray(mask, dtype=np.int64)
        return image, ids if self.name == "voc" else to_train_ids(ids, self.name)


def open_dataset(name: DatasetName, root: StrPath, *, split: str = "val") -> SegmentationDataset:
    """Open one split of PASCAL VOC 2012, Cityscapes, ADE20K or COCO-Stuff 164k in its own folder layout.

    ``"voc"``: PASCAL VOC 2012, from the PASCAL VOC project's site
        (host.robots.ox.ac.uk/pascal/VOC/voc2012). Its images come from Flickr
        and are subject to Flickr's terms of use. `root` is the folder holding
        ``VOCdevkit/VOC2012``, or ``VOC2012`` itself, or a folder written by
        :func:`segtutor.data.write_voc`: ``JPEGImages/<id>.jpg``,
        ``SegmentationClass/<id>.png`` (palette PNGs whose pixel values are the
        class ids 0-20, 255 on the void borders) and
        ``ImageSets/Segmentation/<split>.txt`` (one id a line; any split file
        there, e.g. ``train``, ``val``, ``trainval``). The layout torchvision's
        ``VOCSegmentation`` reads. Ids as stored, 21 classes, background 0.
    ``"cityscapes"``: from the Cityscapes site (cityscapes-dataset.com), after
        registration; its licence allows non-commercial research and teaching,
        no redistribution. `root` holds ``leftImg8bit/<split>/<city>/<name>_leftImg8bit.png``
        and ``gtFine/<split>/<city>/<name>_gtFine_labelIds.png``; splits
        ``train`` and ``val``. The files store the 34 label ids; they come
        back as the 19 train ids, every other id 255.
    ``"ade20k"``: the MIT Scene Parsing benchmark (sceneparsing.csail.mit.edu,
        ``ADEChallengeData2016.zip``); annotations under a BSD 3-Clause
        licence, images (from the SUN and Places databases) for non-commercial
        research and education. `root` holds ``ADEChallengeData2016`` or is it:
        ``images/{training,validation}/*.jpg`` and ``annotations/{training,validation}/*.png``;
        split ``train`` means ``training``, ``val`` ``validation``. The files
        store 0 for "other" and 1-150 for the classes; they come back shifted
        by one, 150 classes 0-149, "other" 255.
    ``"coco-stuff"``: COCO-Stuff 164k (github.com/nightrome/cocostuff);
        annotations under CC BY 4.0, images (cocodataset.org) subject to
        Flickr's terms of use. `root` holds ``images/{train2017,val2017}/*.jpg``
        and ``stuffthingmaps_trainval2017/{train2017,val2017}/*.png``; splits
        ``train`` and ``val``. The files store 182 ids 0-181 (label index in
        ``labels.txt`` minus one; 11 thing ids are never used) and 255
        unlabelled; they come back as the 171 used ids numbered in order
        (0-170), as mmsegmentation's COCO-Stuff 164k converter does.

    Parameters
    ----------
    name : {"voc", "cityscapes", "ade20k", "coco-stuff"}
        The dataset.
    root : str or os.PathLike
        Its folder, as above.
    split : str, optional
        ``"val"`` (the default) or ``"train"``; VOC takes any split file's name.

    Returns
    -------
    SegmentationDataset
        ``dataset[i]`` is ``(RGB PIL image, int64 (H, W) class map)``.

    Raises
    ------
    TypeError
        If `name` or `split` is not a str.
    ValueError
        If `name` or `split` is unknown, or a split file's entry is not a plain
        id (``../`` or an absolute path would escape `root`); the message names the file.
    FileNotFoundError
        If `root`, a folder of the layout or the split file is missing, or an
        image has no mask (or a mask no image); the message names the first such file.

    Examples
    --------
    >>> import tempfile
    >>> from segtutor.data import make_scenes, write_voc
    >>> root = write_voc(tempfile.mkdtemp(), *make_scenes(4, size=48))
    >>> dataset = open_dataset("voc", root, split="val")
    >>> image, labels = dataset[0]
    >>> len(dataset), image.size, labels.dtype, dataset.num_classes
    (1, (48, 48), dtype('int64'), 21)
    """
    if not isinstance(name, str):
        raise TypeError(f"`name` must be a str, one of {', '.join(DATASETS)}, got {type(name).__name__}")
    if name not in DATASETS:
        raise ValueError(f"`name` must be one of {', '.join(DATASETS)}, got {name!r}")
    if not isinstance(split, str):
        raise TypeError(f"`split` must be a str, got {type(split).__name__}")
    if name != "voc" and split not in ("train", "val"):
        raise ValueError(f"`split` must be 'train' or 'val' for {name}, got {split!r}")
    if name == "voc":
        check_split_name(split)
    folder = Path(root)
    if not folder.is_dir():
        raise FileNotFoundError(f"`root` {folder} is not a folder")
    pairs = {"voc": _voc_pairs, "cityscapes": _cityscapes_pairs, "ade20k": _ade20k_pairs, "coco-stuff": _coco_stuff_pairs}[name](folder, split)
    return SegmentationDataset(name, folder, split=split, pairs=pairs)


def _base(root: Path, inner: tuple[str, ...], marker: str, title: str) -> Path:
    """The first of `root`/`inner`... and `root` that holds the folder `marker`."""
    candidates = [root / path for path in inner] + [root]
    for candidate in candidates:
        if (candidate / marker).is_dir():
            return candidate
    where = " or ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"no {title} folder in {root}: found no {marker}/ folder in {where}")


def _folder(path: Path, title: str) -> Path:
    if not path.is_dir():
        raise FileNotFoundError(f"missing folder {path}: the {title} layout needs it")
    return path


def _more(count: int, what: str) -> str:
    return f" (and {count - 1} more {what})" if count > 1 else ""


def _voc_pairs(root: Path, split: str) -> Pairs:
    base = _base(root, ("VOCdevkit/VOC2012", "VOC2012"), "JPEGImages", "PASCAL VOC 2012")
    images, masks = _folder(base / "JPEGImages", "VOC"), _folder(base / "SegmentationClass", "VOC")
    listing, ids = split_ids(base, split)
    pairs = [(images / f"{i}.jpg", masks / f"{i}.png") for i in ids]
    for column, kind in ((0, "image"), (1, "mask")):
        missing = [pair[column] for pair in pairs if not pair[column].is_file()]
        if missing:
            raise FileNotFoundError(f"{kind} {missing[0]}, listed in {listing}, does not exist{_more(len(missing), kind + 's')}")
    return pairs


def _paired(images: Path, masks: Path, pattern: str, image_suffix: str, mask_suffix: str) -> Pairs:
    """Pair the files ``images/<pattern><image_suffix>`` and ``masks/<pattern><mask_suffix>`` by name."""
    def by_key(folder: Path, suffix: str) -> dict[str, Path]:
        return {p.relative_to(folder).as_posix().removesuffix(suffix): p for p in folder.glob(pattern + suffix) if p.is_file()}

    found_images, found_masks = by_key(images, image_suffix), by_key(masks, mask_suffix)
    if not found_images:
        raise FileNotFoundError(f"no images ({pattern}{image_suffix}) in {images}")
    lone = sorted(found_images.keys() - found_masks.keys())
    if lone:
        raise FileNotFoundError(f"image {found_images[lone[0]]} has no mask {masks / (lone[0] + mask_suffix)}"
                                f"{_more(len(lone), 'images without a mask')}")
    orphans = sorted(found_masks.keys() - found_images.keys())
    if orphans:
        raise FileNotFoundError(f"mask {found_masks[orphans[0]]} has no image {images / (orphans[0] + image_suffix)}"
                                f"{_more(len(orphans), 'masks without an image')}")
    return [(found_images[key], found_masks[key]) for key in sorted(found_images)]


def _cityscapes_pairs(root: Path, split: str) -> Pairs:
    images = _folder(_folder(root / "leftImg8bit", "Cityscapes") / split, "Cityscapes")
    masks = _folder(_folder(root / "gtFine", "Cityscapes") / split, "Cityscapes")
    return _paired(images, masks, "*/*", "_leftImg8bit.png", "_gtFine_labelIds.png")


def _ade20k_pairs(root: Path, split: str) -> Pairs:
    base = _base(root, ("ADEChallengeData2016",), "annotations", "ADE20K scene parsing")
    folder = {"train": "training", "val": "validation"}[split]
    images = _folder(_folder(base / "images", "ADE20K") / folder, "ADE20K")
    return _paired(images, _folder(base / "annotations" / folder, "ADE20K"), "*", ".jpg", ".png")


def _coco_stuff_pairs(root: Path, split: str) -> Pairs:
    images = _folder(_folder(root / "images", "COCO-Stuff") / f"{split}2017", "COCO-Stuff")
    masks = _folder(_folder(root / "stuffthingmaps_trainval2017", "COCO-Stuff") / f"{split}2017", "COCO-Stuff")
    return _paired(images, masks, "*", ".jpg", ".png")
