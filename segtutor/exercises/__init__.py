"""Checkers for the notebooks' exercises: they say what is wrong, not just "wrong".

Each checker prints one line of feedback and returns ``True`` for a correct
answer, ``False`` otherwise. One module per lesson. A ``check_*_function``
checker calls the learner's function on fresh random inputs and compares its
results with segtutor's own; an untouched stub (``raise NotImplementedError``)
prints "Not attempted yet" and returns ``False`` without raising. No
docstring shows a right answer, and no feedback on a wrong answer states it.

:func:`grade_in_fresh_process` grades with a coding checker while the learner's code runs
in a fresh, limited process, so that a submission cannot game its grade.
"""

from ._sandbox import Grade, grade_in_fresh_process
from .architectures import check_receptive_field_function, check_upsampled_size
from .argmax import check_class_map, check_class_map_function, check_confidence, check_squeeze_shape
from .capstone import CAPSTONE_MIOU, CAPSTONE_SEED, capstone_set, check_capstone
from .colouring import check_decode_function, check_overlay_pixel, check_pixel_share, check_train_id
from .comparison import check_aspp_rates, check_feature_size, check_miou_gap, check_upsample_function
from .dataset_scoring import check_dataset_miou_function
from .datasets import check_read_mask_function, check_voc_path, check_void_pixels
from .explorer import check_changed_pixels, check_least_affected_score, check_top_k_function
from .forms import check_grey_value, check_majority_class, check_majority_function, check_polygon_count
from .metrics import check_average_precision, check_confusion_function, check_dice, check_dice_function, check_iou_function, check_mean_iou
from .model_output import check_class_channel, check_output_shape, check_probabilities, check_probabilities_function
from .pipeline import check_class_color, check_output_keys, check_pipeline, check_resize_size
from .preprocessing import check_kept_fraction, check_normalized_pixel, check_seed_transform, check_transform_shape
from .training import check_background_only_miou, check_initial_loss, check_training_step_function, check_training_steps
from .transfer import check_freeze_function, check_replace_head_function, check_trainable_after_freeze

__all__ = [
    "CAPSTONE_MIOU",
    "CAPSTONE_SEED",
    "Grade",
    "capstone_set",
    "check_aspp_rates",
    "check_average_precision",
    "check_background_only_miou",
    "check_capstone",
    "check_changed_pixels",
    "check_class_channel",
    "check_class_color",
    "check_class_map",
    "check_class_map_function",
    "check_confidence",
    "check_confusion_function",
    "check_dataset_miou_function",
    "check_decode_function",
    "check_dice",
    "check_dice_function",
    "check_feature_size",
    "check_freeze_function",
    "check_grey_value",
    "check_initial_loss",
    "check_iou_function",
    "check_kept_fraction",
    "check_least_affected_score",
    "check_majority_class",
    "check_majority_function",
    "check_mean_iou",
    "check_miou_gap",
    "check_normalized_pixel",
    "check_output_keys",
    "check_output_shape",
    "check_overlay_pixel",
    "check_pipeline",
    "check_pixel_share",
    "check_polygon_count",
    "check_probabilities",
    "check_probabilities_function",
    "check_read_mask_function",
    "check_receptive_field_function",
    "check_replace_head_function",
    "check_resize_size",
    "check_seed_transform",
    "check_squeeze_shape",
    "check_top_k_function",
    "check_train_id",
    "check_trainable_after_freeze",
    "check_training_step_function",
    "check_training_steps",
    "check_transform_shape",
    "check_upsample_function",
    "check_upsampled_size",
    "check_voc_path",
    "check_void_pixels",
    "grade_in_fresh_process",
]
