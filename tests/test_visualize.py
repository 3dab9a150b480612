import numpy as np
import pytest
import torch

from segtutor import decode_segmap, show_images

from .test_palettes import SEED_VOC_COLORS


def seed_decode_segmap(image, nc=21):
    """The seed notes' per-class loop, kept verbatim as the reference."""
    label_colors = np.array(SEED_VOC_COLORS)
    r = np.zeros_like(image).astype(np.uint8)
    g = np.zeros_like(image).astype(np.uint8)
    b = np.zeros_like(image).astype(np.uint8)
    for l in range(0, nc):
        idx = image == l
        r[idx] = label_colors[l, 0]
        g[idx] = label_colors[l, 1]
        b[idx] = label_colors[l, 2]
    return np.stack([r, g, b], axis=2)


def test_equals_the_seed_loop_pixel_for_pixel():
    labels = np.random.default_rng(0).integers(0, 21, size=(64, 80))
    rgb = decode_segmap(labels)
    assert rgb.dtype == np.uint8 and rgb.shape == (64, 80, 3)
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


def test_bad_labels_are_refused():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), got float32 of shape \(3, 4, 4\)"):
        decode_segmap(np.zeros((3, 4, 4), np.float32))
    with pytest.raises(TypeError, match=r"`labels` must be an integer array .*, got list"):
        decode_segmap([[0, 1]])
    with pytest.raises(ValueError, match=r"`labels` must be an integer array .*, got int64 of shape \(4,\)"):
        decode_segmap(np.zeros(4, np.int64))
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -1"):
        decode_segmap(np.array([[0, -1]]))


def test_show_images_titles_and_pixels():
    red = np.zeros((2, 3, 3), np.uint8)
    red[..., 0] = 255
    fig = show_images({"red": red, "map": decode_segmap(np.array([[8, 15]]))})
    assert [ax.get_title() for ax in fig.axes] == ["red", "map"]
    assert np.array_equal(fig.axes[0].get_images()[0].get_array(), red)


def test_show_images_needs_a_panel():
    with pytest.raises(ValueError, match=r"`panels` must hold at least one image, got an empty dict"):
        show_images({})
