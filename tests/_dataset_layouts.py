"""Small generated datasets in the exact on-disk layouts of PASCAL VOC 2012, Cityscapes, ADE20K and COCO-Stuff 164k.

Each ``write_*`` function writes `n` validation images (and one training image)
into `root`, with masks whose pixels cycle through `STORED_IDS[name]`, the
label ids *as the dataset's files store them*, so that a test can check the
reader's id mapping on known pixels. Images have different, non-square sizes,
as in ADE20K and COCO. Each returns the stored masks of its splits, by split,
in the reader's order (sorted by file name).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from segtutor.data import save_label_png

STORED_IDS = {
    "voc": [0, 1, 15, 20, 255],  # background, aeroplane, person, tvmonitor, void
    "cityscapes": [0, 1, 7, 24, 26, 33],  # unlabeled, ego vehicle, road, person, car, bicycle
    "ade20k": [0, 1, 3, 150],  # other, wall, sky, flag
    "coco-stuff": [0, 11, 12, 91, 181, 255],  # person, street sign (never used), stop sign, banner, wood, unlabelled
}
"""The label ids each fixture's masks hold, as stored in the dataset's files."""


def _size(i: int) -> tuple[int, int]:
    """(width, height) of image `i`: non-square and different from one image to the next."""
    return 10 + 2 * i, 6 + i


def _stored_mask(name: str, i: int) -> np.ndarray:
    width, height = _size(i)
    ids = np.array(STORED_IDS[name], dtype=np.uint8)
    return ids[(np.arange(height * width) + i) % len(ids)].reshape(height, width)


def _image(i: int) -> Image.Image:
    width, height = _size(i)
    return Image.fromarray(np.random.default_rng(i).integers(0, 256, (height, width, 3), dtype=np.uint8))


def _grey_png(mask: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(mask, mode="L").save(path)


def _save(image: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".jpg":
        image.save(path, quality=95)
    else:
        image.save(path)


def write_voc_devkit(root: Path, n: int = 3) -> dict[str, list[np.ndarray]]:
    """``root/VOCdevkit/VOC2012``: JPEGImages (one photo in no split, as in VOC), palette PNGs, split files."""
    base = Path(root) / "VOCdevkit" / "VOC2012"
    splits = {"train": [f"2007_{i:06d}" for i in range(n, n + 1)], "val": [f"2008_{i:06d}" for i in range(n)]}
    masks: dict[str, list[np.ndarray]] = {}
    for split, ids in splits.items():
        masks[split] = []
        for image_id in ids:
            i = int(image_id[5:])
            _save(_image(i), base / "JPEGImages" / f"{image_id}.jpg")
            (base / "SegmentationClass").mkdir(parents=True, exist_ok=True)
            save_label_png(_stored_mask("voc", i), base / "SegmentationClass" / f"{image_id}.png")
            masks[split].append(_stored_mask("voc", i))
        (base / "ImageSets" / "Segmentation").mkdir(parents=True, exist_ok=True)
        (base / "ImageSets" / "Segmentation" / f"{split}.txt").write_text("".join(f"{i}\n" for i in ids))
    _save(_image(99), base / "JPEGImages" / "2012_000099.jpg")  # a detection-only photo, in no segmentation split
    return masks


def write_cityscapes(root: Path, n: int = 3) -> dict[str, list[np.ndarray]]:
    """``leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png`` and the gtFine files beside the labelIds."""
    files = {"train": [("aachen", n)], "val": [("frankfurt" if i % 2 else "lindau", i) for i in range(n)]}
    masks: dict[str, list[np.ndarray]] = {}
    for split, items in files.items():
        found = {}
        for city, i in items:
            stem = f"{city}_{i:06d}_000019"
            _save(_image(i), Path(root) / "leftImg8bit" / split / city / f"{stem}_leftImg8bit.png")
            gt = Path(root) / "gtFine" / split / city
            _grey_png(_stored_mask("cityscapes", i), gt / f"{stem}_gtFine_labelIds.png")
            _grey_png(np.zeros_like(_stored_mask("cityscapes", i)), gt / f"{stem}_gtFine_instanceIds.png")
            _save(_image(i), gt / f"{stem}_gtFine_color.png")
            (gt / f"{stem}_gtFine_polygons.json").write_text(json.dumps({"imgHeight": _size(i)[1], "imgWidth": _size(i)[0], "objects": []}))
            found[f"{city}/{stem}"] = _stored_mask("cityscapes", i)
        masks[split] = [found[key] for key in sorted(found)]
    return masks


def write_ade20k(root: Path, n: int = 3) -> dict[str, list[np.ndarray]]:
    """``root/ADEChallengeData2016/{images,annotations}/{training,validation}/ADE_<split>_<8 digits>.{jpg,png}``."""
    base = Path(root) / "ADEChallengeData2016"
    masks: dict[str, list[np.ndarray]] = {}
    for split, folder, numbers in (("train", "training", [n + 1]), ("val", "validation", list(range(1, n + 1)))):
        tag = "train" if split == "train" else "val"
        for number in numbers:
            _save(_image(number), base / "images" / folder / f"ADE_{tag}_{number:08d}.jpg")
            _grey_png(_stored_mask("ade20k", number), base / "annotations" / folder / f"ADE_{tag}_{number:08d}.png")
        masks[split] = [_stored_mask("ade20k", number) for number in numbers]
    (base / "objectInfo150.txt").write_text("Idx\tRatio\tTrain\tVal\tName\n1\t0.1576\t11664\t1172\twall\n")
    return masks


def write_coco_stuff(root: Path, n: int = 3) -> dict[str, list[np.ndarray]]:
    """``images/{train2017,val2017}/<12 digits>.jpg`` and ``stuffthingmaps_trainval2017/{train2017,val2017}/<12 digits>.png``."""
    masks: dict[str, list[np.ndarray]] = {}
    for split, numbers in (("train", [9 + n]), ("val", [139 + i for i in range(n)])):
        for number in numbers:
            _save(_image(number % 7), Path(root) / "images" / f"{split}2017" / f"{number:012d}.jpg")
            _grey_png(_stored_mask("coco-stuff", number % 7), Path(root) / "stuffthingmaps_trainval2017" / f"{split}2017" / f"{number:012d}.png")
        masks[split] = [_stored_mask("coco-stuff", number % 7) for number in numbers]
    return masks


WRITERS = {"voc": write_voc_devkit, "cityscapes": write_cityscapes, "ade20k": write_ade20k, "coco-stuff": write_coco_stuff}
"""The fixture writer of each dataset, by :func:`segtutor.data.open_dataset`'s name."""
