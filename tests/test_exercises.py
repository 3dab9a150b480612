import numpy as np
import pytest

from segtutor.exercises import (
    check_class_color,
    check_grey_value,
    check_majority_class,
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
