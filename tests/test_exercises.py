import pytest

from segtutor.exercises import (
    check_background_only_miou, check_class_color, check_initial_loss, check_output_keys, check_resize_size,
    check_training_steps,
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


def test_initial_loss_reference_and_typical_mistakes(capsys):
    assert check_initial_loss(1.6094, num_classes=5) is True
    assert check_initial_loss(3.0445, num_classes=21) is True
    assert check_initial_loss(0.2, num_classes=5) is False
    assert "minus its natural logarithm" in capsys.readouterr().out
    assert check_initial_loss(0.699, num_classes=5) is False
    assert "not log10" in capsys.readouterr().out
    assert check_initial_loss(0.0, num_classes=5) is False
    assert "equally likely" in capsys.readouterr().out


def test_background_only_miou_reference_and_typical_mistakes(capsys):
    assert check_background_only_miou(0.2667, background_fraction=0.8, num_present=2) is True
    assert check_background_only_miou(0.8, background_fraction=0.8, num_present=2) is False
    assert "pixel accuracy" in capsys.readouterr().out
    assert check_background_only_miou(0.16, background_fraction=0.8, num_present=2) is False  # 0.8 / 5 classes
    assert "left out of the mean" in capsys.readouterr().out
    assert check_background_only_miou(0.4, background_fraction=0.8, num_present=2) is False
    assert "share of all pixels" in capsys.readouterr().out


def test_training_steps_reference_and_typical_mistakes(capsys):
    assert check_training_steps(256, num_samples=512, batch_size=16, epochs=8) is True
    assert check_training_steps(14, num_samples=100, batch_size=16, epochs=2) is True
    assert check_training_steps(12, num_samples=100, batch_size=16, epochs=2) is False
    assert "round up" in capsys.readouterr().out
    assert check_training_steps(7, num_samples=100, batch_size=16, epochs=2) is False
    assert "once per epoch" in capsys.readouterr().out
    assert check_training_steps(200, num_samples=100, batch_size=16, epochs=2) is False
    assert "One step per batch" in capsys.readouterr().out
