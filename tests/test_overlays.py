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


class _RedIsClassZero(torch.nn.Module):
    """Class 0 where a pixel is red, class 1 elsewhere: its class map shows the orientation it was given."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(1.0))

    def forward(self, x):
        from collections import OrderedDict

        return OrderedDict(out=self.scale * torch.stack([x[:, 0], 1 - x[:, 0]], dim=1))


def test_segment_overlay_and_load_image_agree_on_a_square_photo_with_an_exif_orientation(tmp_path):
    # A square photo, red in its stored top-left quadrant, tagged "rotate 90 degrees clockwise to view"
    # (orientation 6): shown upright, the red quadrant is the top-right one. Square, so a map in one
    # orientation fits a picture in the other and nothing else would catch the mix-up.
    from segtutor import load_image, segment

    stored = np.zeros((32, 32, 3), dtype=np.uint8)
    stored[:16, :16] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "square.png"
    Image.fromarray(stored).save(path, exif=exif)
    shown = np.rot90(stored, k=-1)  # 90 degrees clockwise
    assert shown[0, 31].tolist() == [255, 0, 0] and shown[0, 0].tolist() == [0, 0, 0]

    def to_tensor(image):
        return torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1).float() / 255

    labels = segment(Image.open(path), model=_RedIsClassZero(), preprocessing=to_tensor)
    assert np.array_equal(labels, np.where(shown[..., 0] == 255, 0, 1))
    assert np.array_equal(overlay(Image.open(path), labels, alpha=0.0), shown)
    assert np.array_equal(np.asarray(load_image(Image.open(path))), shown)
    from segtutor._checks import upright  # the one place it is done

    assert np.array_equal(np.asarray(upright(Image.open(path))), shown)
    on_top = overlay(Image.open(path), labels, alpha=1.0, classes=[0])  # class 0 (background) is black in VOC
    assert (on_top[..., 0] == 255).sum() == 0 and np.array_equal(on_top[16:, :], shown[16:, :])
