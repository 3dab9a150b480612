import pytest

from segtutor.exercises import check_class_color, check_output_keys, check_resize_size


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
