import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from segtutor import plot_class_scores, plot_confusion_matrix
from segtutor.display import plot_dice_against_iou, plot_history, plot_pr_curves
from segtutor.metrics import precision_recall_curve
from segtutor.training import History

MATRIX = np.array([[6, 2, 0], [1, 3, 0], [0, 0, 0]])


def test_confusion_matrix_heatmap_labels_counts_and_pixels():
    fig = plot_confusion_matrix(torch.as_tensor(MATRIX), class_names=["sky", "sea", "boat"])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sky", "sea", "boat"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sky", "sea", "boat"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    assert [t.get_text() for t in ax.texts] == ["6", "2", "0", "1", "3", "0", "0", "0", "0"]
    assert np.array_equal(ax.get_images()[0].get_array(), MATRIX)
    assert [t.get_color() for t in ax.texts[:2]] == ["white", "black"]  # dark cells get white text


def test_normalized_heatmap_shows_row_fractions():
    fig = plot_confusion_matrix(MATRIX, normalize=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.00", "0.25", "0.75", "0.00", "", "", ""]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert "rows sum to 1" in ax.get_title()


def test_class_score_bars_heights_and_absent_classes():
    iou, dice = np.array([0.5, 0.25, np.nan]), np.array([2 / 3, 0.4, np.nan])
    fig = plot_class_scores({"IoU": iou, "Dice": dice}, class_names=["sky", "sea", "boat"])
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == pytest.approx([0.5, 0.25, 0, 2 / 3, 0.4, 0])
    centres = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    assert centres == pytest.approx([-0.2, 0.8, 1.8, 0.2, 1.2, 2.2])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["sky", "sea", "boat (absent)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["IoU", "Dice"]


def test_pr_curves_draw_the_steps_and_name_the_ap():
    probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    curve = precision_recall_curve(probs, np.array([[1, 0, 1, 0]]), class_index=1)
    fig = plot_pr_curves({"cat": curve, "flat": (np.array([1.0, 0.5]), np.array([0.0, 1.0]))})
    assert [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes] == [["cat (AP 0.833)"], ["flat (AP 0.500)"]]
    assert [ax.get_title() for ax in fig.axes] == ["cat", "flat"]
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    assert np.array_equal(line.get_xdata(), curve[1]) and np.array_equal(line.get_ydata(), curve[0])
    assert line.get_drawstyle() == "steps-pre"  # precision P_n holds over (R_n-1, R_n], as AP sums it
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("recall", "precision")


def test_pr_curve_areas_differ_in_panel_colour_hatching_and_label():
    flat = (np.array([1.0, 0.5]), np.array([0.0, 1.0]))
    fig = plot_pr_curves({"a": flat, "b": flat, "c": flat})
    areas = [ax.collections[0] for ax in fig.axes]
    assert len(fig.axes) == 3 and all(len(ax.collections) == 1 for ax in fig.axes)  # one area per panel
    assert len({area.get_hatch() for area in areas}) == 3
    assert len({tuple(area.get_facecolor()[0][:3]) for area in areas}) == 3
    assert [tuple(area.get_facecolor()[0][:3]) for area in areas] == [to_rgb(ax.get_lines()[0].get_color()) for ax in fig.axes]
    assert [[t.get_text() for t in ax.texts] for ax in fig.axes] == [["AP 0.500"]] * 3


def test_dice_against_iou_draws_the_identity_and_the_present_classes():
    iou = np.array([0.25, 0.6, np.nan])
    fig = plot_dice_against_iou(iou, 2 * iou / (1 + iou), class_names=["sky", "sea", "boat"])
    ax = fig.axes[0]
    curve, diagonal = ax.get_lines()
    assert np.allclose(curve.get_ydata(), 2 * curve.get_xdata() / (1 + curve.get_xdata()))
    assert np.array_equal(diagonal.get_xdata(), diagonal.get_ydata())
    assert np.allclose(ax.collections[0].get_offsets(), [[0.25, 0.4], [0.6, 0.75]])
    assert [t.get_text() for t in ax.texts] == ["sky", "sea"]


def test_bad_input():
    with pytest.raises(ValueError, match=r"`class_names` must hold 3 names, one per class, got 2"):
        plot_confusion_matrix(MATRIX, class_names=["a", "b"])
    with pytest.raises(ValueError, match=r"`matrix` must be square"):
        plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`scores` must hold at least one score, got an empty dict"):
        plot_class_scores({})
    with pytest.raises(ValueError, match=r"`scores` must map names to per-class arrays of one shape \(C,\), got shapes \{'IoU': \(2,\), 'Dice': \(3,\)\}"):
        plot_class_scores({"IoU": np.zeros(2), "Dice": np.zeros(3)})
    with pytest.raises(ValueError, match=r"`curves` must hold at least one curve, got an empty dict"):
        plot_pr_curves({})
    with pytest.raises(ValueError, match=r"curve 'cat' must have precision and recall of one shape \(K,\), got float64 of shape \(2,\) and float64 of shape \(3,\)"):
        plot_pr_curves({"cat": (np.ones(2), np.ones(3))})
    with pytest.raises(ValueError, match=r"`iou` and `dice` must be per-class arrays of one shape \(C,\), got \(2,\) and \(3,\)"):
        plot_dice_against_iou(np.zeros(2), np.zeros(3))


def test_plot_history_draws_both_curves():
    fig = plot_history(History(loss=[1.5, 0.9, 0.4], miou=[0.2, 0.5, 0.8]))
    assert isinstance(fig, Figure) and not hasattr(fig, "number")  # not a pyplot figure
    loss_ax, miou_ax = fig.axes
    assert loss_ax.get_title() == "training loss" and miou_ax.get_title() == "validation mIoU"
    assert loss_ax.lines[0].get_xydata().tolist() == [[1, 1.5], [2, 0.9], [3, 0.4]]
    assert miou_ax.lines[0].get_ydata().tolist() == [0.2, 0.5, 0.8] and miou_ax.get_ylim() == (0, 1)


def test_plot_history_refuses_bad_input():
    with pytest.raises(TypeError, match=r"^`history` must be a History \(per-epoch loss and miou lists\), got dict$"):
        plot_history({"loss": [1.0]})
    with pytest.raises(ValueError, match=r"`history` must hold at least one epoch, got none"):
        plot_history(History())
