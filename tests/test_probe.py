import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from segtutor.widgets._probe import (
    MIN_LONG_SIDE,
    crosshair,
    enlarge,
    enlarge_factor,
    panels_picture,
    pixel_at,
    probe_html,
    readable,
    readout_html,
    top_classes,
)

W, K, G = [255] * 3, [0] * 3, [9] * 3  # white, black, the picture's grey


def test_enlarge_repeats_every_pixel_into_a_block():
    picture = np.arange(6, dtype=np.uint8).reshape(2, 3)
    big = enlarge(picture, 3)
    assert big.shape == (6, 9) and big.dtype == np.uint8
    assert np.array_equal(big, np.kron(picture, np.ones((3, 3), np.uint8)))
    rgb = np.random.default_rng(0).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    assert np.array_equal(enlarge(rgb, 2)[::2, ::2], rgb) and np.array_equal(enlarge(rgb, 2)[1::2, 1::2], rgb)
    assert enlarge(rgb, 1) is rgb


@given(st.integers(1, 2000), st.integers(1, 2000))
def test_enlarge_factor_is_the_smallest_that_reaches_the_long_side(height, width):
    factor = enlarge_factor((height, width))
    long_side = max(height, width)
    assert long_side * factor >= MIN_LONG_SIDE
    assert factor == 1 or long_side * (factor - 1) < MIN_LONG_SIDE


def test_readable_enlarges_a_128_px_scene_and_leaves_a_photo_alone():
    scene, factor = readable(np.zeros((128, 128, 3), np.uint8))
    assert scene.shape == (384, 384, 3) and factor == 3
    photo = np.zeros((300, 451, 3), np.uint8)
    picture, factor = readable(photo)
    assert picture is photo and factor == 1


def test_crosshair_by_hand_at_factor_1():
    shown = crosshair(np.full((7, 7, 3), 9, np.uint8), 3, 3)
    expected = np.full((7, 7, 3), 9, np.uint8)
    for outside in (0, 1, 5, 6):  # the lines stop one pixel short of the chosen pixel
        expected[3, outside], expected[outside, 3] = W, W
        expected[2, outside] = expected[4, outside] = expected[outside, 2] = expected[outside, 4] = K
    assert np.array_equal(shown, expected)


def test_crosshair_by_hand_at_factor_2_near_a_corner():
    shown = crosshair(np.full((6, 8, 3), 9, np.uint8), 0, 3, factor=2)
    # pixel (0, 3) is the block rows 0-1, columns 6-7; its centre is display (1, 7); the gap spans one block around it
    assert shown[1].tolist() == [W, W, W, W, G, G, G, G]
    assert shown[0].tolist() == shown[2].tolist() == [K, K, K, K, G, G, G, G]
    assert shown[:, 7].tolist() == [G, G, G, G, W, W]
    assert shown[:, 6].tolist() == [G, G, G, G, K, K] and shown[4:, 5].tolist() == [G, G]
    assert (shown[3:, :6] == 9).all()


def test_crosshair_copies_and_checks_its_pixel():
    picture = np.zeros((4, 4, 3), np.uint8)
    crosshair(picture, 0, 0)
    assert not picture.any()
    with pytest.raises(ValueError, match=r"the pixel \(`row`, `col`\) must lie in an image of 2x2 \(H x W\), got \(2, 0\)"):
        crosshair(picture, 2, 0, factor=2)
    with pytest.raises(TypeError, match=r"`row` must be an int, got float"):
        crosshair(picture, 1.0, 0)


def test_panels_picture_enlarges_every_panel_alike_and_marks_each():
    panels = [np.full((100, 80, 3), v, np.uint8) for v in (10, 20)]
    picture, factor = panels_picture(panels, pixel=(10, 70))
    assert factor == 4 and picture.shape == (400, 640, 3)
    assert np.array_equal(picture[:, :320], crosshair(enlarge(panels[0], 4), 10, 70, factor=4))
    assert np.array_equal(picture[:, 320:], crosshair(enlarge(panels[1], 4), 10, 70, factor=4))
    assert np.array_equal(panels_picture(panels)[0], np.hstack([enlarge(p, 4) for p in panels]))


def test_top_classes_sorts_breaks_ties_by_id_and_skips_unseen_pixels():
    probs = np.zeros((4, 1, 2), np.float32)
    probs[:, 0, 0] = [0.2, 0.4, 0.2, 0.2]
    probs[:, 0, 1] = np.nan
    assert top_classes(probs, 0, 0) == [(1, pytest.approx(0.4)), (0, pytest.approx(0.2)), (2, pytest.approx(0.2))]
    assert top_classes(probs, 0, 0, k=10)[-1][0] == 3 and len(top_classes(probs, 0, 0, k=10)) == 4
    assert top_classes(probs, 0, 1) == []
    with pytest.raises(TypeError, match=r"`probs` must be a float array of shape \(C, H, W\), got int64 of shape \(2, 2\)"):
        top_classes(np.zeros((2, 2), np.int64), 0, 0)
    with pytest.raises(ValueError, match=r"`k` must be at least 1, got 0"):
        top_classes(probs, 0, 0, k=0)


def test_probe_html_by_hand():
    probs = np.zeros((3, 2, 2), np.float32)
    probs[:, 1, 0] = [0.125, 0.25, 0.625]
    probs[:, 0, 0] = np.nan
    labels = np.array([[255, 0], [2, 0]])
    names = ["background", "cat & dog", "person"]
    assert probe_html(labels, probs, 1, 0, names=names) == (
        "<b>person</b> (id 2) · top 3: person 62.5%, cat &amp; dog 25.0%, background 12.5%")
    assert probe_html(labels, probs, 0, 0, names=names, title="A · fcn") == (
        "A · fcn: <i>not seen by the model</i> (label 255: outside what it was shown)")


def test_readout_html_names_the_pixel_then_each_line():
    assert readout_html(3, 5, []) == "<b>pixel: row 3, column 5</b>"
    assert readout_html(3, 5, ["x", "y"]) == "<b>pixel: row 3, column 5</b><br>x<br>y"


@pytest.mark.parametrize("x, y, panels, expected", [
    (0, 0, 1, (0, 0)), (2.9, 5.5, 1, (1, 0)), (29, 14, 1, (4, 9)),  # factor 3, image 5 x 10
    (30, 15, 1, (4, 9)), (-4, -1, 1, (0, 0)),  # ipyevents rounds: the far edge and outside clip into the image
    (30 + 4, 7, 3, (2, 1)), (60 + 29, 14, 3, (4, 9)), (90, 15, 3, (4, 9)),  # second and third panel: same pixel
])
def test_pixel_at_maps_a_click_to_the_original_pixel(x, y, panels, expected):
    assert pixel_at(x, y, factor=3, shape=(5, 10), panels=panels) == expected
