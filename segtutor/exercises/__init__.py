"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise. One module per lesson.
"""

from .pipeline import check_class_color, check_output_keys, check_resize_size
from .forms import check_grey_value, check_majority_class, check_polygon_count
from .preprocessing import check_kept_fraction, check_normalized_pixel, check_transform_shape
from .model_output import check_class_channel, check_output_shape, check_probabilities
from .argmax import check_class_map, check_confidence, check_squeeze_shape
from .colouring import check_overlay_pixel, check_pixel_share, check_train_id
from .metrics import check_average_precision, check_dice, check_mean_iou

__all__ = [
    "check_average_precision",
    "check_class_channel",
    "check_class_color",
    "check_class_map",
    "check_confidence",
    "check_dice",
    "check_grey_value",
    "check_kept_fraction",
    "check_majority_class",
    "check_mean_iou",
    "check_normalized_pixel",
    "check_output_keys",
    "check_output_shape",
    "check_overlay_pixel",
    "check_pixel_share",
    "check_polygon_count",
    "check_probabilities",
    "check_resize_size",
    "check_squeeze_shape",
    "check_train_id",
    "check_transform_shape",
]
