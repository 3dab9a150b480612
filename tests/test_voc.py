import io
import re

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.datasets import VOCSegmentation

from segtutor import decode_segmap, make_scenes, read_voc, write_voc
from segtutor.data import add_void_border, save_label_png, voc_colormap


def test_void_border_by_hand():
    labels = np.zeros((6, 6), np.int64)
    labels[2:4, 2:4] = 3
    expected = np.zeros((6, 6), np.int64)
    expected[1:5, 1:5] = 255  # every pixel within one step (diagonals too) of the other class
    assert np.array_equal(add_void_border(labels), expected)
    assert np.array_equal(add_void_border(labels, border=2), np.full((6, 6), 255))
    assert np.array_equal(add_void_border(labels, border=1, ignore_index=9)[1], [0, 9, 9, 9, 9, 0])
    assert np.array_equal(add_void_border(np.full((3, 3), 4)), np.full((3, 3), 4))


def test_void_border_refuses_bad_input():
    with pytest.raises(ValueError, match=r"`labels` must be an integer array of shape \(H, W\), got int64 of shape \(1, 2, 2\)"):
        add_void_border(np.zeros((1, 2, 2), np.int64))
    with pytest.raises(ValueError, match=r"`border` must be at least 1, got 0"):
        add_void_border(np.zeros((2, 2), np.int64), border=0)
    with pytest.raises(TypeError, match=r"`border` must be an int, got float"):
        add_void_border(np.zeros((2, 2), np.int64), border=1.0)


@pytest.fixture(scope="module")
def scenes():
    return make_scenes(8, size=64, seed=21)


def test_layout_split_lists_and_palette_pngs(tmp_path, scenes):
    root = write_voc(tmp_path / "VOC", *scenes, val_fraction=0.25)
    ids = [f"scene_{i:06d}" for i in range(8)]
    splits = root / "ImageSets" / "Segmentation"
    assert (splits / "train.txt").read_text().split() == ids[:6]
    assert (splits / "val.txt").read_text().split() == ids[6:]
    assert (splits / "trainval.txt").read_text().split() == ids
    assert sorted(p.name for p in (root / "JPEGImages").iterdir()) == [f"{i}.jpg" for i in ids]
    png = Image.open(root / "SegmentationClass" / "scene_000003.png")
    assert png.format == "PNG" and png.mode == "P"
    assert np.array_equal(np.array(png.getpalette()).reshape(-1, 3), voc_colormap(256))
    assert Image.open(root / "JPEGImages" / "scene_000003.jpg").format == "JPEG"


def test_round_trip_gives_class_ids_with_void_borders(tmp_path, scenes):
    images, labels = scenes
    root = write_voc(tmp_path, images, labels, val_fraction=0.25, border=1)
    read_images, read_labels = read_voc(root, split="trainval")
    assert read_labels.dtype == np.int64 and read_images.dtype == np.uint8
    for i in range(8):
        assert np.array_equal(read_labels[i], add_void_border(labels[i]))
    inside = read_labels != 255
    assert np.array_equal(read_labels[inside], labels[inside])
    assert 0.03 < (~inside).mean() < 0.3
    assert np.abs(read_images.astype(int) - images).mean() < 15  # JPEG is lossy, and the pixel noise suffers most
    buffer = io.BytesIO()
    Image.fromarray(images[0]).save(buffer, format="JPEG", quality=90)
    assert np.array_equal(read_images[0], np.array(Image.open(buffer)))
    val_images, val_labels = read_voc(root, split="val")
    assert np.array_equal(val_labels, read_labels[6:]) and np.array_equal(val_images, read_images[6:])


def test_torchvision_reads_it_as_voc(tmp_path, scenes):
    images, labels = scenes
    write_voc(tmp_path / "VOCdevkit" / "VOC2012", images, labels, val_fraction=0.5)
    dataset = VOCSegmentation(str(tmp_path), year="2012", image_set="val", download=False)
    assert len(dataset) == 4
    image, target = dataset[1]
    assert image.size == (64, 64) and target.mode == "P"
    assert np.array_equal(np.array(target), add_void_border(labels[5]))


def test_write_refuses_bad_input(tmp_path, scenes):
    images, labels = scenes
    with pytest.raises(TypeError, match=r"`images` must be a uint8 array of shape \(N, H, W, 3\), got float64 of shape \(8, 64, 64, 3\)"):
        write_voc(tmp_path, images.astype(float), labels)
    with pytest.raises(ValueError, match=r"`labels` must have shape \(8, 64, 64\) to match `images`, got \(8, 64, 63\)"):
        write_voc(tmp_path, images, labels[..., :63])
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(N, H, W\), got float32"):
        write_voc(tmp_path, images, labels.astype(np.float32))
    with pytest.raises(ValueError, match=r"`labels` values must be class ids in 0..254, got 0..255"):
        write_voc(tmp_path, images, np.where(labels == 4, 255, labels))
    with pytest.raises(ValueError, match=r"`val_fraction` must be in \[0, 1\), got 1.0"):
        write_voc(tmp_path, images, labels, val_fraction=1.0)


def test_read_refuses_a_missing_split(tmp_path, scenes):
    root = write_voc(tmp_path, *scenes)
    with pytest.raises(FileNotFoundError, match=r"no split file .*test.txt; the split files there are: train, trainval, val"):
        read_voc(root, split="test")
    with pytest.raises(FileNotFoundError, match=r"the split files there are: none"):
        read_voc(tmp_path / "elsewhere")


def test_png_colours_are_the_scenes_palette(tmp_path, scenes):
    """Opened as RGB, a written class map looks exactly as decode_segmap colours it with the "scenes" palette."""
    root = write_voc(tmp_path, *scenes)
    png = Image.open(root / "SegmentationClass" / "scene_000002.png")
    assert np.array_equal(np.array(png.convert("RGB")), decode_segmap(np.array(png), "scenes"))


# --- issue 11: a void label that does not fit the labels' dtype ---

def test_void_border_refuses_an_ignore_index_the_dtype_cannot_hold():
    labels = np.array([[0, 0, 1, 1]], np.uint8)
    with pytest.raises(ValueError, match=r"`ignore_index` must fit `labels`' dtype uint8 \(0..255\), got 300"):
        add_void_border(labels, ignore_index=300)  # used to wrap to 44, a real class id
    with pytest.raises(ValueError, match=r"`ignore_index` must fit `labels`' dtype int8 \(-128..127\), got 255"):
        add_void_border(labels.astype(np.int8))
    with pytest.raises(TypeError, match=r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"):
        add_void_border(labels, ignore_index=None)  # used to give an object array holding None
    assert add_void_border(labels.astype(np.int8), ignore_index=-1).tolist() == [[0, -1, -1, 1]]
    assert add_void_border(labels.astype(np.int16), ignore_index=300).tolist() == [[0, 300, 300, 1]]
    result = add_void_border(labels, ignore_index=np.int64(255), border=np.uint8(1))
    assert result.dtype == np.uint8 and result.tolist() == [[0, 255, 255, 1]]


def test_read_turns_rgb_colour_masks_into_class_ids(tmp_path, scenes):
    images, labels = scenes
    root = write_voc(tmp_path, images, labels)
    expected = read_voc(root, split="trainval")[1]
    for path in (root / "SegmentationClass").iterdir():  # as a tool that saves masks as colours would
        Image.open(path).convert("RGB").save(path)
    assert Image.open(root / "SegmentationClass" / "scene_000000.png").mode == "RGB"
    read_labels = read_voc(root, split="trainval")[1]
    assert read_labels.shape == (8, 64, 64) and read_labels.dtype == np.int64
    assert np.array_equal(read_labels, expected)


def test_rgb_mask_ids_above_the_voc_classes_round_trip(tmp_path):
    root = write_voc(tmp_path, np.zeros((1, 2, 4, 3), np.uint8), np.zeros((1, 2, 4), np.int64), val_fraction=0.0)
    ids = np.array([[0, 21, 100, 200], [254, 255, 15, 7]])
    Image.fromarray(voc_colormap(256)[ids]).save(root / "SegmentationClass" / "scene_000000.png")
    assert read_voc(root)[1][0].tolist() == ids.tolist()


def test_read_refuses_unknown_colours_other_modes_and_mismatched_sizes(tmp_path, scenes):
    root = write_voc(tmp_path, *scenes)
    path = root / "SegmentationClass" / "scene_000001.png"
    colours = np.array(Image.open(path).convert("RGB"))
    colours[3, 4] = (1, 2, 3)
    Image.fromarray(colours).save(path)
    with pytest.raises(ValueError, match=r"mask .*scene_000001\.png has 1 pixels whose colour is not in VOC's colour map, e\.g\. \(1, 2, 3\)"):
        read_voc(root)
    Image.fromarray(colours).convert("RGBA").save(path)
    with pytest.raises(ValueError, match=r"mask .*scene_000001\.png has mode 'RGBA'; read_voc reads palette \(P\) or grey \(L\)"):
        read_voc(root)
    Image.new("P", (64, 63)).save(path)
    with pytest.raises(ValueError, match=r"mask .*scene_000001\.png is 64x63 pixels but its image .*scene_000001\.jpg "
                                         r"is 64x64; a mask must match its image"):
        read_voc(root)


def test_save_label_png_refuses_non_integer_empty_and_out_of_range_maps(tmp_path):
    path = tmp_path / "mask.png"
    for labels, described in ((np.array([[0.0, 1.7]]), "float64"), (np.array([[0, np.nan]]), "float64"),
                              (np.array([[True, False]]), "bool"), (torch.tensor([[1.5]]), "float32")):
        with pytest.raises(TypeError, match=rf"`labels` must be an integer array of shape \(H, W\), got {described} of shape"):
            save_label_png(labels, path)
    with pytest.raises(ValueError, match=r"`labels` must not be empty, got shape \(0, 3\)"):
        save_label_png(np.zeros((0, 3), np.int64), path)
    with pytest.raises(ValueError, match=r"`labels` must hold class ids in 0..255, got values in -1..3"):
        save_label_png(np.array([[-1, 3]]), path)
    with pytest.raises(ValueError, match=r"`path` must end in .png, got '.*mask\.jpg'"):
        save_label_png(np.array([[1, 3]]), tmp_path / "mask.jpg")
    assert not path.exists() and not (tmp_path / "mask.jpg").exists()
    save_label_png(torch.tensor([[1, 300 - 45]], dtype=torch.uint8), path)
    assert np.asarray(Image.open(path)).tolist() == [[1, 255]]


@pytest.mark.parametrize("entry", ["../../outside/secret", "/etc/secret", "a/../../secret", ".."])
def test_read_refuses_split_entries_that_leave_the_root(tmp_path, scenes, entry):
    # The same check as open_dataset's (one reader of VOC's split files): nothing outside `root` is read.
    root = write_voc(tmp_path / "voc", *scenes)
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.fromarray(scenes[0][0]).save(outside / "secret.jpg")
    save_label_png(scenes[1][0], outside / "secret.png")
    listing = root / "ImageSets" / "Segmentation" / "val.txt"
    listing.write_text(listing.read_text() + entry + "\n")
    line = len(listing.read_text().splitlines())
    with pytest.raises(ValueError, match=rf"^split file {re.escape(str(listing))}, line {line}: {re.escape(repr(entry))} is not an "
                                         rf"image id; an entry with '/', '\.\.' or an absolute path would escape {re.escape(str(root))}$"):
        read_voc(root, split="val")
    with pytest.raises(ValueError, match=r"^`split` must be the name of a split file in ImageSets/Segmentation, such as 'val', got '\.\./val'$"):
        read_voc(root, split="../val")


def test_read_names_a_truncated_file(tmp_path, scenes):
    root = write_voc(tmp_path, *scenes)
    first = (root / "ImageSets" / "Segmentation" / "val.txt").read_text().split()[0]
    for path in (root / "JPEGImages" / f"{first}.jpg", root / "SegmentationClass" / f"{first}.png"):
        intact = path.read_bytes()
        path.write_bytes(intact[: len(intact) // 2])
        with pytest.raises(ValueError, match=rf"^{re.escape(str(path))} cannot be decoded as an image: ") as caught:
            read_voc(root, split="val")
        assert isinstance(caught.value.__cause__, OSError)
        path.write_bytes(intact)
