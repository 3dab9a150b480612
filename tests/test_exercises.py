import numpy as np
import pytest

from segtutor.exercises import (
    check_average_precision,
    check_class_color,
    check_dice,
    check_grey_value,
    check_majority_class,
    check_mean_iou,
    check_output_keys,
    check_overlay_pixel,
    check_pixel_share,
    check_polygon_count,
    check_resize_size,
    check_train_id,
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


def test_grey_value_reference_and_typical_mistakes(capsys):
    assert check_grey_value(15, class_name="person") is True
    assert check_grey_value(10, class_name="sky", palette="cityscapes") is True
    assert check_grey_value((192, 128, 128), class_name="person") is False
    assert "not an (R, G, B) colour" in capsys.readouterr().out
    assert check_grey_value(255, class_name="person") is False
    assert "unlabelled" in capsys.readouterr().out
    assert check_grey_value(16, class_name="person") is False
    assert "its position is its id" in capsys.readouterr().out


def test_polygon_count_reference_and_typical_mistakes(capsys):
    ring = np.full((5, 5), 8)
    ring[2, 2] = 0
    assert check_polygon_count(2, labels=ring, class_name="cat") is True
    assert check_polygon_count(1, labels=ring, class_name="cat") is False
    assert "Count the holes too" in capsys.readouterr().out
    diagonal = np.eye(3, dtype=np.int64) * 8
    assert check_polygon_count(3, labels=diagonal, class_name="cat") is True
    assert check_polygon_count(4, labels=diagonal, class_name="cat") is False
    assert "Too many" in capsys.readouterr().out


def test_majority_class_reference_and_typical_mistakes(capsys):
    assert check_majority_class(8, labels=np.array([[8, 8, 15], [0, 8, 15]])) is True
    tie = np.array([[15, 15, 8, 8]])
    assert check_majority_class(8, labels=tie) is True
    assert check_majority_class(15, labels=tie) is False
    assert "ties go to the smaller class id" in capsys.readouterr().out
    assert check_majority_class(0, labels=np.array([[8, 8, 0]])) is False
    assert "most frequent one wins" in capsys.readouterr().out


def test_train_id_reference_and_typical_mistakes(capsys):
    assert check_train_id(13, label_id=26) is True
    assert check_train_id(255, label_id=9) is True  # parking is not a training class
    assert check_train_id(26, label_id=26) is False
    assert "label ids" in capsys.readouterr().out
    assert check_train_id(12, label_id=26) is False
    assert "Read entry 26" in capsys.readouterr().out
    assert check_train_id(0, label_id=1, palette="ade20k") is True


def test_overlay_pixel_reference_and_typical_mistakes(capsys):
    kwargs = {"image_color": (100, 100, 100), "class_name": "person", "alpha": 0.25}
    assert check_overlay_pixel((123, 107, 107), **kwargs) is True
    assert check_overlay_pixel((169, 121, 121), **kwargs) is False  # 0.25 * image + 0.75 * colour
    assert "you swapped them" in capsys.readouterr().out
    assert check_overlay_pixel((146, 114, 114), **kwargs) is False
    assert "Mix channel by channel" in capsys.readouterr().out


def test_pixel_share_reference_and_typical_mistakes(capsys):
    labels = np.array([[15, 15, 255, 0], [0, 0, 255, 0]])
    assert check_pixel_share(0.25, labels=labels, class_name="person") is True
    assert check_pixel_share(25, labels=labels, class_name="person") is False
    assert "percentage" in capsys.readouterr().out
    assert check_pixel_share(2 / 6, labels=labels, class_name="person") is False
    assert "void" in capsys.readouterr().out
    assert check_pixel_share(0.5, labels=labels, class_name="person") is False
    assert "Count the pixels equal to 15" in capsys.readouterr().out


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
