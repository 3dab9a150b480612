"""Training: the loop and one step, losses against class imbalance, transfer learning."""

from ._losses import class_weights, dice_loss, segmentation_loss
from ._training import History, train, training_step
from ._transfer import freeze_backbone, replace_heads, trainable_parameters

__all__ = [
    "class_weights",
    "dice_loss",
    "freeze_backbone",
    "History",
    "replace_heads",
    "segmentation_loss",
    "train",
    "trainable_parameters",
    "training_step",
]
