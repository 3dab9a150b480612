"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise. One module per lesson.
"""

from .pipeline import check_class_color, check_output_keys, check_resize_size
from .explorer import check_least_affected_score, check_tiny_classes
from .forms import check_grey_value, check_majority_class, check_polygon_count
from .training import check_background_only_miou, check_initial_loss, check_training_step, check_training_steps
from .preprocessing import check_kept_fraction, check_normalized_pixel, check_transform_shape
from .model_output import check_class_channel, check_output_shape, check_probabilities
from .argmax import check_class_map, check_confidence, check_squeeze_shape
from .colouring import check_overlay_pixel, check_pixel_share, check_train_id
from .metrics import check_average_precision, check_dice, check_mean_iou
from .comparison import check_aspp_rates, check_feature_size, check_miou_gap
from .datasets import check_void_pixels, check_voc_path
from .transfer import check_freeze, check_trainable_after_freeze
from .architectures import check_receptive_field, check_upsampled_size

__all__ = [
    "check_aspp_rates",
    "check_average_precision",
    "check_background_only_miou",
    "check_class_channel",
    "check_class_color",
    "check_class_map",
    "check_confidence",
    "check_dice",
    "check_feature_size",
    "check_freeze",
    "check_grey_value",
    "check_initial_loss",
    "check_kept_fraction",
    "check_least_affected_score",
    "check_majority_class",
    "check_mean_iou",
    "check_miou_gap",
    "check_normalized_pixel",
    "check_output_keys",
    "check_output_shape",
    "check_overlay_pixel",
    "check_pixel_share",
    "check_polygon_count",
    "check_probabilities",
    "check_receptive_field",
    "check_resize_size",
    "check_squeeze_shape",
    "check_tiny_classes",
    "check_train_id",
    "check_trainable_after_freeze",
    "check_training_step",
    "check_training_steps",
    "check_transform_shape",
    "check_upsampled_size",
    "check_voc_path",
    "check_void_pixels",
]
