import numpy as np
import pytest
import torch

from segtutor import class_names, get_palette
from segtutor.data import PALETTES, Palette, to_train_ids, voc_colormap

from .seed_reference import SEED_VOC_COLORS

# cityscapesScripts helpers/labels.py: (label id, name, colour) of the 19 train ids, in train-id order.
CITYSCAPES_TRAIN = [
    (7, "road", (128, 64, 128)), (8, "sidewalk", (244, 35, 232)), (11, "building", (70, 70, 70)),
    (12, "wall", (102, 102, 156)), (13, "fence", (190, 153, 153)), (17, "pole", (153, 153, 153)),
    (19, "traffic light", (250, 170, 30)), (20, "traffic sign", (220, 220, 0)),
    (21, "vegetation", (107, 142, 35)), (22, "terrain", (152, 251, 152)), (23, "sky", (70, 130, 180)),
    (24, "person", (220, 20, 60)), (25, "rider", (255, 0, 0)), (26, "car", (0, 0, 142)),
    (27, "truck", (0, 0, 70)), (28, "bus", (0, 60, 100)), (31, "train", (0, 80, 100)),
    (32, "motorcycle", (0, 0, 230)), (33, "bicycle", (119, 11, 32)),
]

# github.com/nightrome/cocostuff README: the 11 COCO thing classes without segmentation
# annotations, with their 1-based labels.txt index (the PNG value is one less).
COCO_UNUSED = {12: "street sign", 26: "hat", 29: "shoe", 30: "eye glasses", 45: "plate", 66: "mirror",
               68: "window", 69: "desk", 71: "door", 83: "blender", 91: "hair brush"}


def test_bit_interleaved_map_reproduces_the_seed_table():
    assert voc_colormap(21).tolist() == [list(c) for c in SEED_VOC_COLORS]


def test_colormap_entries_are_distinct():
    assert len({tuple(c) for c in voc_colormap(256)}) == 256


def test_voc_palette_reads_names_from_the_weights():
    voc = get_palette("voc")
    assert voc.names == tuple(class_names("fcn_resnet101"))
    assert voc.num_classes == 21 and voc.ignore_index == 255
    assert voc.void_color == (224, 224, 192)
    assert voc.train_ids is None
    assert get_palette(voc) is voc


def test_the_four_datasets_by_name():
    assert list(PALETTES) == ["voc", "cityscapes", "ade20k", "coco-stuff", "scenes"]
    assert [get_palette(name).num_classes for name in PALETTES] == [21, 19, 150, 171, 5]
    assert get_palette("scenes").names == ("background", "disc", "square", "triangle", "ring")
    assert all(get_palette(name).source for name in PALETTES)


@pytest.mark.parametrize("name", list(PALETTES))
def test_class_colours_are_distinct_and_differ_from_void(name):
    palette = get_palette(name)
    colors = {tuple(c) for c in palette.colors.tolist()}
    assert len(colors) == palette.num_classes
    assert palette.void_color not in colors
    assert palette.colors.dtype == np.uint8 and not palette.colors.flags.writeable


def test_cityscapes_train_ids_colours_and_label_id_mapping():
    city = get_palette("cityscapes")
    assert city.names == tuple(name for _, name, _ in CITYSCAPES_TRAIN)
    assert [tuple(c) for c in city.colors.tolist()] == [color for _, _, color in CITYSCAPES_TRAIN]
    expected = np.full(34, 255)
    expected[[label_id for label_id, _, _ in CITYSCAPES_TRAIN]] = np.arange(19)
    assert city.train_ids.tolist() == expected.tolist()
    assert city.void_color == (0, 0, 0) and not city.train_ids.flags.writeable


def test_ade20k_names_colours_and_zero_is_other():
    ade = get_palette("ade20k")
    assert ade.names[:4] == ("wall", "building", "sky", "floor") and ade.names[-1] == "flag"
    assert ade.names[44] == "chest of drawers" and ade.names[7] == "bed"  # mmseg has "bed " with a space
    assert tuple(ade.colors[0]) == (120, 120, 120) and tuple(ade.colors[149]) == (92, 0, 255)
    assert tuple(ade.colors[6]) == (140, 140, 140) and tuple(ade.colors[48]) == (140, 140, 200)  # road; skyscraper
    assert ade.train_ids.tolist() == [255, *range(150)]


def test_coco_stuff_uses_171_of_182_ids():
    coco = get_palette("coco-stuff")
    assert coco.train_ids.shape == (182,)
    unused = np.flatnonzero(coco.train_ids == 255)
    assert (unused + 1).tolist() == sorted(COCO_UNUSED)
    used = np.delete(coco.train_ids, unused)
    assert used.tolist() == list(range(171))
    assert coco.names[:3] == ("person", "bicycle", "car") and coco.names[-1] == "wood"
    assert not set(COCO_UNUSED.values()) & set(coco.names)
    assert coco.colors.tolist() == voc_colormap(172)[1:].tolist()


def test_to_train_ids_maps_stored_ids_and_sends_the_rest_to_ignore():
    assert to_train_ids(np.array([[7, 26, 0], [33, 255, 34]]), "cityscapes").tolist() == [[0, 13, 255], [18, 255, 255]]
    assert to_train_ids(torch.tensor([[0, 1, 150, 151]]), "ade20k").tolist() == [[255, 0, 149, 255]]
    assert to_train_ids(np.array([[0, 11, 12, 181]], dtype=np.uint8), "coco-stuff").tolist() == [[0, 255, 11, 170]]
    result = to_train_ids(np.array([[3, 255]], dtype=np.uint8), "voc")
    assert result.tolist() == [[3, 255]] and result.dtype == np.int64


def test_to_train_ids_refuses_bad_labels():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), got float64 of shape \(2, 2\)"):
        to_train_ids(np.zeros((2, 2)), "cityscapes")
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -1"):
        to_train_ids(np.array([[-1, 7]]), "cityscapes")


def test_class_ids_from_names_and_ids():
    voc = get_palette("voc")
    assert voc.class_ids() == list(range(21))
    assert voc.class_ids("cat") == [8]
    assert voc.class_ids([15, "cat", np.int64(8)]) == [8, 15]
    assert voc.class_ids([]) == []


def test_class_ids_refuses_unknown_classes():
    voc = get_palette("voc")
    with pytest.raises(ValueError, match=r"`classes` must hold names or ids \(0-20\) of the voc palette's classes, got 'unicorn'"):
        voc.class_ids(["cat", "unicorn"])
    with pytest.raises(ValueError, match=r"`classes` must hold names or ids \(0-20\) of the voc palette's classes, got 21"):
        voc.class_ids(21)
    with pytest.raises(TypeError, match=r"`classes` must hold class names or ids, got float"):
        voc.class_ids([8.0])
    with pytest.raises(TypeError, match=r"`classes` must hold class names or ids, got bool"):
        voc.class_ids([True])


def test_palette_checks_its_colours():
    with pytest.raises(ValueError, match=r"`colors` must be a uint8 array of shape \(2, 3\), got int64 of shape \(2, 3\)"):
        Palette("x", ("a", "b"), np.zeros((2, 3), np.int64), (0, 0, 0), 255, "test")


def test_unknown_palette_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"`palette` must be one of voc, cityscapes, ade20k, coco-stuff, scenes, got 'vok'"):
        get_palette("vok")
    with pytest.raises(TypeError, match=r"`palette` must be a palette name or a Palette, got int"):
        get_palette(21)
