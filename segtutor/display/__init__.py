"""Display: class maps in colour, overlays and legends, contours, superpixels, metric plots."""

from ._contours import class_contours, show_contours
from ._metric_plots import plot_class_scores, plot_confusion_matrix, plot_dice_against_iou, plot_history, plot_pr_curves
from ._overlays import ClassShare, add_legend, class_shares, overlay, show_overlay
from ._predictions import NOISE_TITLE, show_predictions, weights_state
from ._superpixels import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries
from ._visualize import decode_segmap, encode_segmap, grayscale_mask, show_images, show_palette

__all__ = [
    "add_legend",
    "class_contours",
    "class_shares",
    "ClassShare",
    "decode_segmap",
    "encode_segmap",
    "grayscale_mask",
    "mean_color_image",
    "NOISE_TITLE",
    "overlay",
    "plot_class_scores",
    "plot_confusion_matrix",
    "plot_dice_against_iou",
    "plot_history",
    "plot_pr_curves",
    "show_contours",
    "show_images",
    "show_overlay",
    "show_palette",
    "show_predictions",
    "slic_superpixels",
    "smooth_labels",
    "superpixel_boundaries",
    "weights_state",
]
