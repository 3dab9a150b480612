import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from PIL import Image

from segtutor import add_legend, decode_segmap, overlay, show_overlay
from segtutor.display import ClassShare, class_shares

GREY = np.full((2, 2, 3), 100, dtype=np.uint8)
LABELS = np.array([[0, 8], [15, 255]])  # background, cat (64, 0, 0), person (192, 128, 128), void


def test_overlay_blends_by_hand():
    assert overlay(GREY, LABELS, alpha=0.25).tolist() == [
        [[75, 75, 75], [91, 75, 75]],       # 0.75 * 100 + 0.25 * colour
        [[123, 107, 107], [100, 100, 100]],  # void keeps the image
    ]


def test_alpha_zero_is_the_image_and_one_the_class_colours():
    assert np.array_equal(overlay(GREY, LABELS, alpha=0.0), GREY)
    expected = decode_segmap(LABELS)
    expected[1, 1] = 100
    assert np.array_equal(overlay(GREY, LABELS, alpha=1.0), expected)


def test_only_the_chosen_classes_are_coloured():
    result = overlay(GREY, LABELS, alpha=1.0, classes=["cat", 15])
    assert result.tolist() == [[[100, 100, 100], [64, 0, 0]], [[192, 128, 128], [100, 100, 100]]]


def test_accepts_pil_images_tensor_labels_and_other_palettes():
    image = Image.fromarray(GREY)
    result = overlay(image, torch.tensor([[13, 0], [0, 255]]), alpha=1.0, palette="cityscapes")
    assert result.dtype == np.uint8 and result.shape == (2, 2, 3)
    assert result[0, 0].tolist() == [0, 0, 142] and result[1, 0].tolist() == [128, 64, 128]


def test_bad_labels_are_refused():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\), got float32 of shape \(2, 2\)"):
        overlay(GREY, LABELS.astype(np.float32))
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -1"):
        overlay(GREY, np.array([[0, -1], [0, 0]]))
    with pytest.raises(ValueError, match=r"`labels` must be an integer array of shape \(H, W\), got int64 of shape \(1, 2, 2\)"):
        overlay(GREY, LABELS[None])


def test_image_and_labels_must_match_in_size():
    with pytest.raises(ValueError, match=r"`image` and `labels` must have the same height and width, got \(H, W\) = \(2, 2\) and \(2, 3\)"):
        overlay(GREY, np.zeros((2, 3), np.int64))


def test_bad_images_are_refused():
    with pytest.raises(TypeError, match=r"`image` must be a PIL image or a uint8 array of shape \(H, W, 3\), got float64 of shape \(2, 2, 3\)"):
        overlay(GREY / 255, LABELS)
    with pytest.raises(ValueError, match=r"`image` must be a PIL image or a uint8 array of shape \(H, W, 3\), got uint8 of shape \(2, 2\)"):
        overlay(GREY[..., 0], LABELS)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan")])
def test_alpha_outside_zero_one_is_refused(alpha):
    with pytest.raises(ValueError, match=rf"`alpha` must be a number in \[0, 1\], got {alpha}"):
        overlay(GREY, LABELS, alpha=alpha)


@pytest.mark.parametrize("alpha", ["0.5", True, None])
def test_alpha_must_be_a_number(alpha):
    with pytest.raises(TypeError, match=rf"`alpha` must be a number in \[0, 1\], got {type(alpha).__name__}"):
        overlay(GREY, LABELS, alpha=alpha)


def test_unknown_palette_and_class_are_refused():
    with pytest.raises(ValueError, match=r"`palette` must be one of voc, cityscapes, ade20k, coco-stuff, scenes, got 'pascal'"):
        overlay(GREY, LABELS, palette="pascal")
    with pytest.raises(ValueError, match=r"`classes` must hold names or ids \(0-20\) of the voc palette's classes, got 'kitten'"):
        overlay(GREY, LABELS, classes=["kitten"])


def test_class_shares_by_hand():
    labels = np.array([[8, 8, 8, 0], [15, 15, 255, 21]])
    assert class_shares(labels) == [
        ClassShare(8, "cat", (64, 0, 0), 0.375),
        ClassShare(15, "person", (192, 128, 128), 0.25),
        ClassShare(255, "void", (224, 224, 192), 0.25),  # 255 and 21 together
        ClassShare(0, "__background__", (0, 0, 0), 0.125),
    ]
    assert class_shares(labels, classes=["person", "dog"]) == [ClassShare(15, "person", (192, 128, 128), 0.25)]


def test_class_shares_of_a_batch_and_another_palette():
    shares = class_shares(torch.tensor([[[0, 0]], [[0, 10]]]), palette="cityscapes")
    assert [(s.name, s.share) for s in shares] == [("road", 0.75), ("sky", 0.25)]


def test_legend_lists_only_present_classes_with_their_shares():
    ax = Figure().subplots()
    legend = add_legend(ax, np.array([[8, 8, 8, 0]]))
    assert [t.get_text() for t in legend.get_texts()] == ["cat  75.0%", "__background__  25.0%"]
    assert [tuple(p.get_facecolor()[:3]) for p in legend.get_patches()] == [(64 / 255, 0, 0), (0, 0, 0)]


def test_show_overlay_panels_and_legend():
    plt.close("all")
    image = np.random.default_rng(0).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    labels = np.zeros((4, 5), np.int64)
    labels[1:3, 1:4] = 15
    fig = show_overlay(image, labels, alpha=0.5, classes="person")
    assert isinstance(fig, Figure) and plt.get_fignums() == []
    assert [ax.get_title() for ax in fig.axes] == ["image", "class map", "overlay"]
    arrays = [ax.get_images()[0].get_array() for ax in fig.axes]
    assert np.array_equal(arrays[0], image)
    assert np.array_equal(arrays[1], decode_segmap(labels))
    assert np.array_equal(arrays[2], overlay(image, labels, alpha=0.5, classes="person"))
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()] == ["person  30.0%"]
