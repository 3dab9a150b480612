import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from segtutor import decode_segmap, get_palette, show_images
from segtutor.data import PALETTES
from segtutor.display import encode_segmap, grayscale_mask, show_palette

from .seed_reference import seed_decode_segmap


def test_equals_the_seed_loop_pixel_for_pixel():
    labels = np.random.default_rng(0).integers(0, 21, size=(64, 80))
    rgb = decode_segmap(labels)
    assert rgb.dtype == np.uint8 and rgb.shape == (64, 80, 3) and rgb.flags.c_contiguous
    assert np.array_equal(rgb, seed_decode_segmap(labels))


def test_batches_and_tensors():
    labels = np.random.default_rng(1).integers(0, 21, size=(2, 5, 6))
    rgb = decode_segmap(torch.as_tensor(labels))
    assert rgb.shape == (2, 5, 6, 3)
    for i in range(2):
        assert np.array_equal(rgb[i], seed_decode_segmap(labels[i]))


def test_out_of_palette_ids_get_the_void_colour():
    rgb = decode_segmap(np.array([[21, 255], [1000, 0]], dtype=np.int32))
    assert rgb.tolist() == [[[224, 224, 192]] * 2, [[224, 224, 192], [0, 0, 0]]]
    assert decode_segmap(np.array([[65535]], dtype=np.uint16)).tolist() == [[[224, 224, 192]]]


def test_other_palettes_by_name():
    assert decode_segmap(np.array([[0, 13, 255]]), "cityscapes").tolist() == [[[128, 64, 128], [0, 0, 142], [0, 0, 0]]]
    assert decode_segmap(np.array([[0, 149, 150]]), "ade20k").tolist() == [[[120, 120, 120], [92, 0, 255], [0, 0, 0]]]
    assert decode_segmap(np.array([[0, 170]]), "coco-stuff").tolist() == [[[128, 0, 0], [192, 160, 64]]]  # VOC colours 1 and 171


def test_bad_labels_are_refused():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), got float32 of shape \(3, 4, 4\)"):
        decode_segmap(np.zeros((3, 4, 4), np.float32))
    with pytest.raises(TypeError, match=r"`labels` must be an integer array .*, got list"):
        decode_segmap([[0, 1]])
    with pytest.raises(TypeError, match=r"`labels` must be an integer array .*, got bool of shape \(2, 2\)"):
        decode_segmap(torch.zeros(2, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"`labels` must be an integer array .*, got int64 of shape \(4,\)"):
        decode_segmap(np.zeros(4, np.int64))
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -1"):
        decode_segmap(np.array([[0, -1]]))
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -3"):
        decode_segmap(torch.tensor([[0, -3]]))
    with pytest.raises(ValueError, match=r"`palette` must be one of voc, cityscapes, ade20k, coco-stuff, scenes, got 'city'"):
        decode_segmap(np.zeros((2, 2), np.int64), "city")


def test_encode_inverts_decode_by_hand():
    rgb = np.array([[[0, 0, 0], [64, 0, 0]], [[192, 128, 128], [224, 224, 192]]], dtype=np.uint8)
    labels = encode_segmap(rgb)
    assert labels.tolist() == [[0, 8], [15, 255]] and labels.dtype == np.int64
    assert encode_segmap(decode_segmap(np.array([[21, 1000]]))).tolist() == [[255, 255]]  # every void id becomes 255


def test_encode_refuses_foreign_colours_and_bad_arrays():
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[1, 1] = (1, 2, 3)
    with pytest.raises(ValueError, match=r"`rgb` holds 1 pixels whose colour is not in the voc palette, e.g. \(1, 2, 3\)"):
        encode_segmap(rgb)
    with pytest.raises(TypeError, match=r"`rgb` must be a uint8 array of shape \(H, W, 3\) or \(N, H, W, 3\), got float64 of shape \(2, 2, 3\)"):
        encode_segmap(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match=r"`rgb` must be a uint8 array .*, got uint8 of shape \(2, 2, 4\)"):
        encode_segmap(np.zeros((2, 2, 4), np.uint8))


@pytest.mark.parametrize("name", list(PALETTES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_decoding_then_encoding_recovers_the_labels(name, data):
    palette = get_palette(name)
    ids = st.sampled_from([*range(palette.num_classes), palette.ignore_index])
    labels = data.draw(arrays(np.int64, array_shapes(min_dims=2, max_dims=3, max_side=6), elements=ids))
    assert np.array_equal(encode_segmap(decode_segmap(labels, name), name), labels)


def test_grayscale_mask_keeps_the_ids_as_grey_values():
    gray = grayscale_mask(torch.tensor([[0, 8], [15, 255]]))
    assert gray.dtype == np.uint8 and gray.tolist() == [[0, 8], [15, 255]]
    assert grayscale_mask(np.zeros((2, 3, 4), np.int32)).shape == (2, 3, 4)


def test_grayscale_mask_refuses_ids_above_255():
    with pytest.raises(ValueError, match=r"`labels` must fit a uint8 grey value \(0-255\), got maximum 256"):
        grayscale_mask(np.array([[0, 256]]))
    with pytest.raises(TypeError, match=r"`labels` must be an integer array .*, got float64 of shape \(1, 2\)"):
        grayscale_mask(np.array([[0.0, 1.0]]))


def test_show_images_titles_and_pixels():
    red = np.zeros((2, 3, 3), np.uint8)
    red[..., 0] = 255
    fig = show_images({"red": red, "map": decode_segmap(np.array([[8, 15]]))})
    assert [ax.get_title() for ax in fig.axes] == ["red", "map"]
    assert np.array_equal(fig.axes[0].get_images()[0].get_array(), red)


def test_show_images_shows_2d_arrays_in_grey():
    fig = show_images({"gray": grayscale_mask(np.array([[0, 20]])), "rgb": np.zeros((1, 2, 3), np.uint8)})
    assert fig.axes[0].get_images()[0].get_cmap().name == "gray"


def test_show_images_gives_each_2d_panel_a_colourbar_of_its_range():
    fig = show_images({"rgb": np.zeros((1, 2, 3), np.uint8), "gray": grayscale_mask(np.array([[3, 20]])),
                       "confidence": np.array([[0.5, 0.75]])})
    rgb, gray, confidence = (ax.get_images()[0] for ax in fig.axes[:3])
    assert rgb.colorbar is None
    assert gray.colorbar.mappable.get_clim() == (3, 20) and confidence.colorbar.mappable.get_clim() == (0.5, 0.75)
    assert len(fig.axes) == 5  # three panels and two colourbars
    assert show_images({"gray": np.array([[0, 1]])}, colorbar=False).axes[0].get_images()[0].colorbar is None


def test_show_images_needs_a_panel():
    with pytest.raises(ValueError, match=r"`panels` must hold at least one image, got an empty dict"):
        show_images({})


@pytest.mark.parametrize("name", list(PALETTES))
def test_show_palette_draws_every_class_and_void(name):
    palette = get_palette(name)
    ax = show_palette(name).axes[0]
    colors = [tuple(np.rint(np.array(p.get_facecolor()[:3]) * 255).astype(int)) for p in ax.patches]
    assert colors == [*map(tuple, palette.colors.tolist()), palette.void_color]
    assert [t.get_text() for t in ax.texts][:2] == [f"0 {palette.names[0]}", f"1 {palette.names[1]}"]


def _loop_reference(labels, palette):
    """The seed's loop, generalised to any palette: class colours, void colour everywhere else."""
    palette = get_palette(palette)
    rgb = np.empty(labels.shape + (3,), np.uint8)
    rgb[...] = palette.void_color
    for class_id, color in enumerate(palette.colors):
        rgb[labels == class_id] = color
    return rgb


def test_uint64_ids_past_2_to_the_63_are_void_not_background():
    labels = np.array([[0, 2**63], [2**64 - 1, 2**63 + 8]], dtype=np.uint64)
    assert decode_segmap(labels).tolist() == [[[0, 0, 0], [224, 224, 192]], [[224, 224, 192]] * 2]
    assert decode_segmap(np.array([[[2**63 - 1, 1]]], dtype=np.uint64), "cityscapes").tolist() == [[[[0, 0, 0], [244, 35, 232]]]]


@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (3, 1), (5, 7), (2, 3, 5), (3, 33, 17), (520, 520)])
@pytest.mark.parametrize("name", ["voc", "ade20k"])
def test_every_shape_matches_the_loop_and_is_a_writable_contiguous_array(shape, name):
    labels = np.random.default_rng(sum(shape)).integers(0, get_palette(name).num_classes + 40, size=shape)
    rgb = decode_segmap(labels, name)
    assert rgb.dtype == np.uint8 and rgb.shape == shape + (3,) and rgb.flags.c_contiguous and rgb.flags.writeable
    assert np.array_equal(rgb, _loop_reference(labels, name))


@pytest.mark.parametrize("make", [lambda a: a.T, lambda a: a[::-1, ::2], lambda a: a.astype(">i8"), lambda a: a.astype(np.uint8),
                                  lambda a: a.astype(np.int16)], ids=["transposed", "flipped", "big-endian", "uint8", "int16"])
def test_strided_and_narrow_inputs_decode_the_same(make):
    labels = np.random.default_rng(4).integers(0, 30, size=(12, 9))
    assert np.array_equal(decode_segmap(make(labels)), _loop_reference(make(labels).astype(np.int64), "voc"))


def test_an_empty_map_decodes_to_an_empty_picture():
    assert decode_segmap(np.zeros((0, 4), np.int64)).shape == (0, 4, 3)
    assert decode_segmap(np.zeros((2, 3, 0), np.int64)).shape == (2, 3, 0, 3)
