import numpy as np
import pytest

from segtutor.exercises import (
    check_average_precision,
    check_class_color,
    check_dice,
    check_mean_iou,
    check_output_keys,
    check_resize_size,
)


def test_resize_reference_and_typical_mistakes(capsys):
    assert check_resize_size((341, 256), original=(640, 480)) is True
    assert check_resize_size((256, 341), original=(480, 640)) is True
    assert check_resize_size((256, 256), original=(640, 480)) is False
    assert "does not make a square" in capsys.readouterr().out
    assert check_resize_size((640, 480), original=(640, 480)) is False
    assert "which side is the shorter one" in capsys.readouterr().out
    assert check_resize_size((342, 256), original=(640, 480)) is False
    assert "round down" in capsys.readouterr().out


def test_output_keys_reference_and_typical_mistakes(capsys):
    assert check_output_keys(["out", "aux"], model_name="fcn_resnet101") is True
    assert check_output_keys(["out"], model_name="deeplabv3_resnet101") is False
    assert "auxiliary head" in capsys.readouterr().out
    assert check_output_keys(["aux", "out"], model_name="fcn_resnet101") is False
    assert "fixed order" in capsys.readouterr().out


def test_class_color_reference_and_typical_mistake(capsys):
    assert check_class_color((192, 128, 128), class_name="person") is True
    assert check_class_color((64, 128, 128), class_name="person") is False
    assert "row 15" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"`class_name` must be one of __background__, aeroplane, .*, got 'unicorn'"):
        check_class_color((0, 0, 0), class_name="unicorn")


# Exercise maps of notebook 08: the disc (class 1) is predicted one pixel to the right.
PRED = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 0]])
TARGET = np.array([[0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 2]])


def test_dice_reference_and_typical_mistakes(capsys):
    # class 1: |A| = |B| = 4, |A∩B| = 2, |A∪B| = 6 -> Dice 0.5, IoU 1/3, seed's ∪ form 1.5
    assert check_dice(0.5, pred=PRED, target=TARGET, class_index=1) is True
    assert "2·2 / (4 + 4) = 0.500" in capsys.readouterr().out
    assert check_dice(0.5004, pred=PRED, target=TARGET, class_index=1) is True
    for wrong, hint in [(1.5, "|A∪B| in the numerator"), (0.333, "That is the IoU"), (0.25, "the numerator is 2|A∩B|"),
                        (0.6, "Count |A∩B|")]:
        assert check_dice(wrong, pred=PRED, target=TARGET, class_index=1) is False
        assert hint in capsys.readouterr().out


def test_mean_iou_reference_and_typical_mistakes(capsys):
    # IoU: class 0 5/10, class 1 2/6, class 2 0/1 = 0, class 3 absent -> mean over the 3 present = 0.2778
    assert check_mean_iou(0.278, pred=PRED, target=TARGET, num_classes=4) is True
    assert "3 present classes" in capsys.readouterr().out
    for wrong, hint in [(0.208, "leave it out of the mean"), (7 / 12, "pixel accuracy"), (0.5, "Compute TP / (TP + FP + FN)")]:
        assert check_mean_iou(wrong, pred=PRED, target=TARGET, num_classes=4) is False
        assert hint in capsys.readouterr().out


def test_average_precision_reference_and_typical_mistakes(capsys):
    scores, positives = [0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 1, 0]
    # precision at the three positives: 1/1, 2/3, 3/4 -> AP = (1 + 2/3 + 3/4) / 3 = 0.8056
    assert check_average_precision(0.806, scores=scores, positives=positives) is True
    for wrong, hint in [(0.6, "curve's last point"), (0.764, "trapezoids"), (0.703, "only at the ranks where a positive"),
                        (0.9, "Sort the pixels by score")]:
        assert check_average_precision(wrong, scores=scores, positives=positives) is False
        assert hint in capsys.readouterr().out
