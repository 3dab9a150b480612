import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib import patheffects
from skimage import measure

from segtutor.display import class_contours, show_contours


def _blocks() -> np.ndarray:
    labels = np.zeros((6, 7), dtype=np.int64)
    labels[0:2, 0:3] = 8   # a cat block in the top-left corner, touching the border
    labels[3:6, 4:7] = 15  # a person block in the bottom-right corner
    labels[4, 5] = 0       # ... with a one-pixel hole
    return labels


def test_one_pixel_gives_a_closed_diamond_between_pixel_centres():
    labels = np.zeros((3, 3), dtype=np.int64)
    labels[1, 1] = 8
    (polygon,) = class_contours(labels, classes=8)[8]
    assert polygon.tolist() == [[1.5, 1.0], [1.0, 0.5], [0.5, 1.0], [1.0, 1.5], [1.5, 1.0]]


def test_polygons_are_closed_and_rasterise_back_to_the_mask():
    labels = _blocks()
    contours = class_contours(labels, classes=["cat"])
    assert list(contours) == [8] and len(contours[8]) == 1
    polygon = contours[8][0]
    assert np.array_equal(polygon[0], polygon[-1])
    assert polygon.min() == -0.5  # the block touches the border, and its outline is still closed
    assert np.array_equal(measure.grid_points_in_poly(labels.shape, polygon), labels == 8)


def test_a_hole_is_a_polygon_of_its_own():
    contours = class_contours(torch.as_tensor(_blocks()))
    assert sorted(contours) == [0, 8, 15]
    outer, hole = sorted(contours[15], key=len, reverse=True)
    inside = measure.grid_points_in_poly((6, 7), outer) & ~measure.grid_points_in_poly((6, 7), hole)
    assert np.array_equal(inside, _blocks() == 15)
    assert len(contours[0]) == 2  # background: the big region and the hole's pixel


def test_classes_that_are_absent_are_left_out():
    assert class_contours(_blocks(), classes=["dog", "cat"]).keys() == {8}
    assert class_contours(np.full((2, 2), 255), palette="cityscapes") == {}


def test_bad_input_is_refused():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\), got float64 of shape \(6, 7\)"):
        class_contours(_blocks().astype(float))
    with pytest.raises(ValueError, match=r"`labels` must be an integer array of shape \(H, W\), got int64 of shape \(1, 6, 7\)"):
        class_contours(_blocks()[None])
    with pytest.raises(ValueError, match=r"`labels` must be non-negative, got minimum -2"):
        class_contours(np.array([[-2, 0]]))
    with pytest.raises(ValueError, match=r"`classes` must hold names or ids \(0-18\) of the cityscapes palette's classes, got 'cat'"):
        class_contours(_blocks(), classes="cat", palette="cityscapes")
    with pytest.raises(ValueError, match=r"`image` and `labels` must have the same height and width, got \(H, W\) = \(6, 6\) and \(6, 7\)"):
        show_contours(np.zeros((6, 6, 3), np.uint8), _blocks())


def test_show_contours_draws_every_polygon_in_its_class_colour():
    plt.close("all")
    image = np.full((6, 7, 3), 255, np.uint8)
    fig = show_contours(image, _blocks(), classes=["cat", "person"])
    assert plt.get_fignums() == []
    ax = fig.axes[0]
    assert np.array_equal(ax.get_images()[0].get_array(), image)
    contours = class_contours(_blocks(), classes=["cat", "person"])
    expected = [(polygon, color) for class_id, color in ((8, (64, 0, 0)), (15, (192, 128, 128)))
                for polygon in contours[class_id]]
    assert len(ax.lines) == len(expected) == 3
    for line, (polygon, color) in zip(ax.lines, expected):
        assert np.array_equal(line.get_xydata(), polygon[:, ::-1])  # matplotlib wants (x, y) = (column, row)
        assert np.allclose(line.get_color(), np.array(color) / 255)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cat (1 polygon)", "person (2 polygons)"]


def test_every_outline_has_a_contrasting_edge():
    fig = show_contours(np.zeros((6, 7, 3), np.uint8), _blocks(), classes=["cat", "person"])
    edges = []
    for line in fig.axes[0].lines:
        stroke, normal = line.get_path_effects()
        assert isinstance(stroke, patheffects.Stroke) and isinstance(normal, patheffects.Normal)
        edges.append((stroke._gc["foreground"], stroke._gc["linewidth"]))
    # cat (64, 0, 0) is dark: white edge; person (192, 128, 128) is light: black edge; 2 points wider than the line
    assert edges == [("white", 4.0), ("black", 4.0), ("black", 4.0)]
