"""The dataset readers: each layout read with exact ids, every bad layout refused with one error naming the file."""

import pickle
import re
import shutil

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.datasets import Cityscapes, VOCSegmentation

from segtutor.data import DATASETS, PALETTES, SegmentationDataset, add_void_border, make_scenes, open_dataset, write_voc

from ._dataset_layouts import STORED_IDS, WRITERS, write_ade20k, write_cityscapes, write_coco_stuff, write_voc_devkit

# Stored label id -> class id, written out by hand from each dataset's documentation (not from segtutor's tables).
EXPECTED_IDS = {
    "voc": {0: 0, 1: 1, 15: 15, 20: 20, 255: 255},
    "cityscapes": {0: 255, 1: 255, 7: 0, 24: 11, 26: 13, 33: 18},
    "ade20k": {0: 255, 1: 0, 3: 2, 150: 149},
    "coco-stuff": {0: 0, 11: 255, 12: 11, 91: 80, 181: 170, 255: 255},
}
CLASSES = {"voc": (21, "person", 15), "cityscapes": (19, "car", 13), "ade20k": (150, "sky", 2), "coco-stuff": (171, "banner", 80)}


def _expected(name, stored):
    assert set(np.unique(stored)) == set(STORED_IDS[name])  # every stored id of the fixture appears in every mask
    return np.vectorize(EXPECTED_IDS[name].get)(stored).astype(np.int64)


def _pin(text):
    return re.escape(str(text))


@pytest.mark.parametrize("name", DATASETS)
def test_every_reader_reads_its_layout_with_the_datasets_class_ids(tmp_path, name):
    stored = WRITERS[name](tmp_path, n=3)
    for split in ("val", "train"):
        dataset = open_dataset(name, tmp_path, split=split)
        assert isinstance(dataset, torch.utils.data.Dataset) and len(dataset) == len(stored[split])
        for index, mask in enumerate(stored[split]):
            image, labels = dataset[index]
            assert image.mode == "RGB" and image.size == (mask.shape[1], mask.shape[0])
            assert labels.dtype == np.int64 and np.array_equal(labels, _expected(name, mask))
    num_classes, class_name, class_id = CLASSES[name]
    assert (dataset.name, dataset.split, dataset.root) == (name, "train", tmp_path)
    assert dataset.num_classes == len(dataset.class_names) == num_classes and dataset.class_names[class_id] == class_name
    assert dataset.ignore_index == 255


def test_known_pixels_of_each_dataset(tmp_path):
    """The first row of the first val mask, by hand: fixture image i's stored ids cycle through STORED_IDS from the i-th on."""
    expected = {
        "voc": [0, 1, 15, 20, 255, 0],  # 2008_000000, i = 0: ids as stored
        "cityscapes": [255, 0, 11, 13, 18, 255],  # frankfurt_000001, i = 1: ego vehicle, road, person, car, bicycle, unlabeled
        "ade20k": [0, 2, 149, 255, 0, 2],  # ADE_val_00000001, i = 1: wall, sky, flag, other, ...
        "coco-stuff": [0, 255, 11, 80, 170, 255],  # 000000000139, i = 139 % 7 = 6: person, street sign, stop sign, banner, wood, unlabelled
    }
    rows = {}
    for name in DATASETS:
        WRITERS[name](tmp_path / name)
        rows[name] = open_dataset(name, tmp_path / name)[0][1][0, :6].tolist()
    assert rows == expected


def test_files_names_the_image_and_its_mask_in_file_name_order(tmp_path):
    write_cityscapes(tmp_path)
    dataset = open_dataset("cityscapes", tmp_path)
    assert [dataset.files(i)[0].name for i in range(3)] == [
        "frankfurt_000001_000019_leftImg8bit.png", "lindau_000000_000019_leftImg8bit.png", "lindau_000002_000019_leftImg8bit.png"]
    image, mask = dataset.files(-1)
    assert mask == tmp_path / "gtFine" / "val" / "lindau" / "lindau_000002_000019_gtFine_labelIds.png"
    assert image == tmp_path / "leftImg8bit" / "val" / "lindau" / "lindau_000002_000019_leftImg8bit.png"
    with pytest.raises(IndexError, match=r"`index` must be in 0\.\.2 for this cityscapes val split, got 3"):
        dataset[3]
    with pytest.raises(TypeError, match=r"`index` must be an int, got float"):
        dataset.files(1.0)
    assert np.array_equal(dataset[np.int64(-3)][1], dataset[0][1])


def test_torchvisions_readers_read_the_same_pairs_from_the_fixtures(tmp_path):
    """An independent reader: torchvision's VOCSegmentation and Cityscapes find the same files and the same stored ids."""
    write_voc_devkit(tmp_path / "voc")
    ours, theirs = open_dataset("voc", tmp_path / "voc"), VOCSegmentation(str(tmp_path / "voc"), year="2012", image_set="val")
    assert len(ours) == len(theirs) == 3
    for (image, labels), (their_image, their_mask) in zip(ours, theirs):
        assert np.array_equal(np.asarray(image), np.asarray(their_image)) and np.array_equal(labels, np.asarray(their_mask))
    write_cityscapes(tmp_path / "cs")
    ours = open_dataset("cityscapes", tmp_path / "cs")
    theirs = Cityscapes(str(tmp_path / "cs"), split="val", mode="fine", target_type="semantic")
    by_file = {path: index for index, path in enumerate(theirs.images)}
    assert sorted(by_file) == sorted(str(ours.files(i)[0]) for i in range(len(ours)))
    for index in range(len(ours)):
        their_image, their_mask = theirs[by_file[str(ours.files(index)[0])]]
        image, labels = ours[index]
        assert np.array_equal(np.asarray(image), np.asarray(their_image))
        assert np.array_equal(labels, _expected("cityscapes", np.asarray(their_mask)))


def test_voc_accepts_the_folder_above_vocdevkit_vocdevkit_and_voc2012(tmp_path):
    write_voc_devkit(tmp_path)
    for root in (tmp_path, tmp_path / "VOCdevkit", tmp_path / "VOCdevkit" / "VOC2012"):
        dataset = open_dataset("voc", root)
        assert len(dataset) == 3 and dataset.root == root
        assert dataset.files(0)[1] == tmp_path / "VOCdevkit" / "VOC2012" / "SegmentationClass" / "2008_000000.png"


def test_ade20k_accepts_the_folder_above_and_the_challenge_folder_itself(tmp_path):
    write_ade20k(tmp_path)
    assert len(open_dataset("ade20k", tmp_path / "ADEChallengeData2016", split="train")) == 1
    assert open_dataset("ade20k", tmp_path).files(2)[0].name == "ADE_val_00000003.jpg"


def test_open_dataset_reads_a_folder_written_by_write_voc(tmp_path):
    images, labels = make_scenes(4, size=48, seed=3)
    root = write_voc(tmp_path, images, labels, val_fraction=0.5)
    dataset = open_dataset("voc", root)
    assert len(dataset) == 2 and dataset.num_classes == 21 and dataset.ignore_index == 255
    for index, scene in enumerate((2, 3)):
        image, mask = dataset[index]
        assert image.mode == "RGB" and image.size == (48, 48)
        assert np.array_equal(mask, add_void_border(labels[scene]).astype(np.int64))
    assert len(open_dataset("voc", root, split="trainval")) == 4


def test_voc_reads_a_mask_saved_as_rgb_colours(tmp_path):
    stored = write_voc_devkit(tmp_path)["val"][0]
    mask_path = open_dataset("voc", tmp_path).files(0)[1]
    Image.open(mask_path).convert("RGB").save(mask_path)
    assert np.array_equal(open_dataset("voc", tmp_path)[0][1], stored)


def test_a_dataset_pickles_for_dataloader_workers_and_batches_one_by_one(tmp_path):
    write_ade20k(tmp_path)
    dataset = pickle.loads(pickle.dumps(open_dataset("ade20k", tmp_path)))
    loader = torch.utils.data.DataLoader(dataset, batch_size=None, collate_fn=lambda item: item)
    assert [labels.shape for _, labels in loader] == [(7, 12), (8, 14), (9, 16)]
    assert repr(dataset) == f"SegmentationDataset('ade20k', split='val': 3 images, 150 classes, root={str(tmp_path)!r})"
    assert isinstance(dataset, SegmentationDataset)


def test_unknown_names_and_splits_are_refused(tmp_path):
    write_cityscapes(tmp_path)
    with pytest.raises(ValueError, match=r"`name` must be one of voc, cityscapes, ade20k, coco-stuff, got 'kitti'"):
        open_dataset("kitti", tmp_path)
    with pytest.raises(TypeError, match=r"`name` must be a str, one of voc, cityscapes, ade20k, coco-stuff, got NoneType"):
        open_dataset(None, tmp_path)
    with pytest.raises(ValueError, match=r"`split` must be 'train' or 'val' for cityscapes, got 'test'"):
        open_dataset("cityscapes", tmp_path, split="test")
    with pytest.raises(ValueError, match=r"`split` must be 'train' or 'val' for ade20k, got 'validation'"):
        open_dataset("ade20k", tmp_path, split="validation")
    with pytest.raises(TypeError, match=r"`split` must be a str, got int"):
        open_dataset("voc", tmp_path, split=1)
    with pytest.raises(ValueError, match=r"`split` must be the name of a split file in ImageSets/Segmentation, such as 'val', got '\.\./val'"):
        open_dataset("voc", tmp_path, split="../val")
    with pytest.raises(FileNotFoundError, match=r"`root` .*nowhere is not a folder"):
        open_dataset("coco-stuff", tmp_path / "nowhere")


def test_voc_layout_errors_name_the_file(tmp_path):
    write_voc_devkit(tmp_path)
    base = tmp_path / "VOCdevkit" / "VOC2012"
    with pytest.raises(FileNotFoundError, match=_pin(f"no split file {base}/ImageSets/Segmentation/test.txt; the split files there are: train, val")):
        open_dataset("voc", tmp_path, split="test")
    with pytest.raises(FileNotFoundError, match=_pin(f"no PASCAL VOC 2012 folder in {base / 'JPEGImages'}: found no JPEGImages/ folder in ")):
        open_dataset("voc", base / "JPEGImages")
    (base / "SegmentationClass" / "2008_000001.png").unlink()
    (base / "SegmentationClass" / "2008_000002.png").unlink()
    with pytest.raises(FileNotFoundError, match=_pin(f"mask {base}/SegmentationClass/2008_000001.png, listed in {base}/ImageSets/Segmentation/val.txt, "
                                                     "does not exist (and 1 more masks)")):
        open_dataset("voc", tmp_path)
    (base / "JPEGImages" / "2008_000000.jpg").unlink()
    with pytest.raises(FileNotFoundError, match=_pin(f"image {base}/JPEGImages/2008_000000.jpg, listed in {base}/ImageSets/Segmentation/val.txt, does not exist")
                       + "$"):
        open_dataset("voc", tmp_path)
    (base / "ImageSets" / "Segmentation" / "val.txt").write_text("\n\n")
    with pytest.raises(ValueError, match=_pin(f"split file {base}/ImageSets/Segmentation/val.txt lists no images")):
        open_dataset("voc", tmp_path)
    shutil.rmtree(base / "ImageSets")
    with pytest.raises(FileNotFoundError, match=_pin(f"no split file {base}/ImageSets/Segmentation/val.txt; the split files there are: none")):
        open_dataset("voc", tmp_path)
    shutil.rmtree(base / "SegmentationClass")
    with pytest.raises(FileNotFoundError, match=_pin(f"missing folder {base}/SegmentationClass: the VOC layout needs it")):
        open_dataset("voc", tmp_path)


@pytest.mark.parametrize("entry", ["../secret", "../../etc/passwd", "/etc/passwd", "sub/2008_000000", "..", "..\\secret"])
def test_a_split_entry_that_escapes_the_root_is_refused_naming_the_file_and_line(tmp_path, entry):
    write_voc_devkit(tmp_path)
    listing = tmp_path / "VOCdevkit" / "VOC2012" / "ImageSets" / "Segmentation" / "val.txt"
    listing.write_text(f"2008_000000\n{entry}\n")
    with pytest.raises(ValueError, match=_pin(f"split file {listing}, line 2: {entry!r} is not an image id; an entry with '/', '..' "
                                              f"or an absolute path would escape {listing.parents[2]}")):
        open_dataset("voc", tmp_path)


def test_paired_layouts_refuse_a_missing_folder_an_image_without_mask_and_a_mask_without_image(tmp_path):
    write_cityscapes(tmp_path)
    images, masks = tmp_path / "leftImg8bit" / "val", tmp_path / "gtFine" / "val"
    (masks / "lindau" / "lindau_000000_000019_gtFine_labelIds.png").rename(masks / "lindau" / "lindau_000000_000019_gtFine_other.png")
    (masks / "lindau" / "lindau_000002_000019_gtFine_labelIds.png").unlink()
    with pytest.raises(FileNotFoundError, match=_pin(f"image {images}/lindau/lindau_000000_000019_leftImg8bit.png has no mask "
                                                     f"{masks}/lindau/lindau_000000_000019_gtFine_labelIds.png (and 1 more images without a mask)")):
        open_dataset("cityscapes", tmp_path)
    shutil.rmtree(images / "lindau")
    (images / "frankfurt" / "frankfurt_000001_000019_leftImg8bit.png").rename(images / "frankfurt" / "x.png")
    with pytest.raises(FileNotFoundError, match=_pin(f"no images (*/*_leftImg8bit.png) in {images}")):
        open_dataset("cityscapes", tmp_path)
    (images / "frankfurt" / "x.png").rename(images / "frankfurt" / "frankfurt_000009_000019_leftImg8bit.png")
    with pytest.raises(FileNotFoundError, match=_pin(f"image {images}/frankfurt/frankfurt_000009_000019_leftImg8bit.png has no mask")):
        open_dataset("cityscapes", tmp_path)
    write_coco_stuff(tmp_path / "coco")
    stuff = tmp_path / "coco" / "stuffthingmaps_trainval2017" / "val2017"
    (tmp_path / "coco" / "images" / "val2017" / "000000000140.jpg").unlink()
    with pytest.raises(FileNotFoundError, match=_pin(f"mask {stuff}/000000000140.png has no image {tmp_path}/coco/images/val2017/000000000140.jpg")
                       + "$"):
        open_dataset("coco-stuff", tmp_path / "coco")
    shutil.rmtree(stuff)
    with pytest.raises(FileNotFoundError, match=_pin(f"missing folder {stuff}: the COCO-Stuff layout needs it")):
        open_dataset("coco-stuff", tmp_path / "coco")
    write_ade20k(tmp_path / "ade")
    shutil.rmtree(tmp_path / "ade" / "ADEChallengeData2016" / "annotations" / "validation")
    with pytest.raises(FileNotFoundError, match=_pin(f"missing folder {tmp_path}/ade/ADEChallengeData2016/annotations/validation: the ADE20K layout needs it")):
        open_dataset("ade20k", tmp_path / "ade")
    with pytest.raises(FileNotFoundError, match=_pin(f"no ADE20K scene parsing folder in {tmp_path}: found no annotations/ folder in "
                                                     f"{tmp_path}/ADEChallengeData2016 or {tmp_path}")):
        open_dataset("ade20k", tmp_path)
    with pytest.raises(FileNotFoundError, match=_pin(f"missing folder {tmp_path}/coco/leftImg8bit: the Cityscapes layout needs it")):
        open_dataset("cityscapes", tmp_path / "coco")


@pytest.mark.parametrize("name", DATASETS)
def test_a_mask_of_another_size_is_refused_when_read_naming_both_files(tmp_path, name):
    WRITERS[name](tmp_path)
    dataset = open_dataset(name, tmp_path)  # the layout is right: opening decodes nothing
    image_path, mask_path = dataset.files(1)
    with Image.open(mask_path) as mask:
        mask.resize((mask.width + 1, mask.height)).save(mask_path)
    with Image.open(image_path) as image:
        width, height = image.size
    with pytest.raises(ValueError, match=_pin(f"mask {mask_path} is {width + 1}x{height} pixels but its image {image_path} is {width}x{height}; "
                                              "a mask must match its image")):
        dataset[1]
    assert dataset[0][1].shape == dataset[0][0].size[::-1]  # the others still read


def test_a_mask_that_is_not_a_png_of_ids_is_refused_naming_it(tmp_path):
    write_cityscapes(tmp_path)
    dataset = open_dataset("cityscapes", tmp_path)
    mask_path = dataset.files(0)[1]
    Image.open(mask_path).convert("RGB").save(mask_path)
    with pytest.raises(ValueError, match=_pin(f"mask {mask_path} has mode 'RGB'; cityscapes masks are 8-bit PNGs of label ids (mode L or P)")):
        dataset[0]


def test_the_class_names_are_the_palettes(tmp_path):
    for name in DATASETS:
        WRITERS[name](tmp_path / name)
        assert open_dataset(name, tmp_path / name).class_names == PALETTES[name].names


def test_a_file_that_cannot_be_decoded_is_refused_when_read_naming_it(tmp_path):
    write_coco_stuff(tmp_path)
    dataset = open_dataset("coco-stuff", tmp_path)
    image_path, mask_path = dataset.files(0)
    image_path.write_bytes(image_path.read_bytes()[:200])
    with pytest.raises(ValueError, match=_pin(f"{image_path} cannot be decoded as an image: ")):
        dataset[0]
    mask_path = dataset.files(1)[1]
    mask_path.write_bytes(b"not a png")
    with pytest.raises(ValueError, match=_pin(f"{mask_path} cannot be decoded as an image: cannot identify image file")):
        dataset[1]
