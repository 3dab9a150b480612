import numpy as np
import pytest

from segtutor import PALETTES, class_names, get_palette, voc_colormap

# The seed notes' hand-typed table for VOC classes 0-20.
SEED_VOC_COLORS = [
    (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
    (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0), (64, 128, 0),
    (192, 128, 0), (64, 0, 128), (192, 0, 128), (64, 128, 128), (192, 128, 128),
    (0, 64, 0), (128, 64, 0), (0, 192, 0), (128, 192, 0), (0, 64, 128),
]


def test_bit_interleaved_map_reproduces_the_seed_table():
    assert voc_colormap(21).tolist() == [list(c) for c in SEED_VOC_COLORS]


def test_colormap_entries_are_distinct():
    assert len({tuple(c) for c in voc_colormap(256)}) == 256


def test_voc_palette_reads_names_from_the_weights():
    voc = get_palette("voc")
    assert voc.names == tuple(class_names("fcn_resnet101"))
    assert voc.num_classes == 21 and voc.ignore_index == 255
    assert voc.void_color == (224, 224, 192)
    assert get_palette(voc) is voc
    assert list(PALETTES) == ["voc"]


def test_unknown_palette_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"`palette` must be one of voc, got 'vok'"):
        get_palette("vok")
    with pytest.raises(TypeError, match=r"`palette` must be a palette name or a Palette, got int"):
        get_palette(21)
