import numpy as np
import pytest
import torch

import segtutor
from segtutor.exercises import (
    check_average_precision,
    check_background_only_miou,
    check_class_channel,
    check_class_color,
    check_class_map,
    check_confidence,
    check_dice,
    check_grey_value,
    check_initial_loss,
    check_kept_fraction,
    check_majority_class,
    check_mean_iou,
    check_normalized_pixel,
    check_output_keys,
    check_output_shape,
    check_overlay_pixel,
    check_pixel_share,
    check_polygon_count,
    check_probabilities,
    check_resize_size,
    check_squeeze_shape,
    check_train_id,
    check_training_steps,
    check_transform_shape,
)


def test_resize_reference():  # its typical mistakes: MISTAKES below
    assert check_resize_size((341, 256), original=(640, 480)) is True
    assert check_resize_size((256, 341), original=(480, 640)) is True


def test_output_keys_reference_and_typical_mistakes(capsys):
    assert check_output_keys(["out", "aux"], model_name="fcn_resnet101") is True
    assert check_output_keys(["out"], model_name="deeplabv3_resnet101") is False
    assert "auxiliary head" in capsys.readouterr().out
    assert check_output_keys(["aux", "out"], model_name="fcn_resnet101") is False
    assert "'out' always comes first" in capsys.readouterr().out


def test_class_color_reference_and_unknown_class():  # its typical mistakes: MISTAKES below
    assert check_class_color((192, 128, 128), class_name="person") is True
    with pytest.raises(ValueError, match=r"`class_name` must be one of __background__, aeroplane, .*, got 'unicorn'"):
        check_class_color((0, 0, 0), class_name="unicorn")


def test_grey_value_reference():  # its typical mistakes: MISTAKES below
    assert check_grey_value(15, class_name="person") is True
    assert check_grey_value(10, class_name="sky", palette="cityscapes") is True


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


def test_train_id_reference():  # its typical mistakes: MISTAKES below
    assert check_train_id(13, label_id=26) is True
    assert check_train_id(255, label_id=9) is True  # parking is not a training class
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
def test_normalized_pixel_reference_and_typical_mistakes(capsys):
    white = (255, 255, 255)
    assert check_normalized_pixel((2.249, 2.429, 2.640), pixel=white) is True
    # by hand: (100 / 255 - 0.485) / 0.229 = -0.4054, (50 / 255 - 0.456) / 0.224 = -1.1604, (0 - 0.406) / 0.225 = -1.8044
    assert check_normalized_pixel([-0.4054, -1.1604, -1.8044], pixel=(100, 50, 0)) is True
    assert check_normalized_pixel((2.25, 2.43, 2.64), pixel=white) is True  # rounded to 2 decimals
    assert check_normalized_pixel((1111.4, 1136.4, 1131.5), pixel=white) is False
    assert "divide the 0-255 values by 255 first" in capsys.readouterr().out
    assert check_normalized_pixel((1.590, 1.700, 1.908), pixel=white) is False  # (1 - std) / mean
    assert "You swapped them" in capsys.readouterr().out
    assert check_normalized_pixel((3.882, 4.008, 4.038), pixel=white) is False  # 1 / std - mean
    assert "Subtract the mean first" in capsys.readouterr().out
    assert check_normalized_pixel((2.249, 2.429), pixel=white) is False
    assert "three numbers" in capsys.readouterr().out
    assert check_normalized_pixel((2.0, 2.0, 2.0), pixel=white) is False
    assert "(value / 255 - mean) / std" in capsys.readouterr().out


def test_transform_shape_reference_and_typical_mistakes(capsys):
    assert check_transform_shape((3, 1040, 520), original=(300, 600)) is True
    assert check_transform_shape(torch.Size([3, 520, 781]), original=(451, 300)) is True
    assert check_transform_shape([3, 224, 224], original=(300, 600), recipe="seed") is True
    assert check_transform_shape((3, 520, 1040), original=(300, 600)) is False
    assert "height first" in capsys.readouterr().out
    assert check_transform_shape((1040, 520, 3), original=(300, 600)) is False
    assert "channels first" in capsys.readouterr().out
    assert check_transform_shape((3, 224, 224), original=(300, 600)) is False
    assert "does not crop" in capsys.readouterr().out
    assert check_transform_shape((3, 520, 520), original=(300, 600)) is False
    assert "keeps the aspect ratio" in capsys.readouterr().out
    assert check_transform_shape(np.array([3, 600, 300]), original=(300, 600)) is False
    assert "Resize(520) the shorter side" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"`recipe` must be 'weights' or 'seed', got 'crop'"):
        check_transform_shape((3, 1, 1), original=(1, 1), recipe="crop")


def test_kept_fraction_reference():  # its typical mistakes: MISTAKES below
    # Resize(256): 640x480 -> 341x256; the crop keeps (224 / 341) * (224 / 256) = 0.5748
    assert check_kept_fraction(0.5748, original=(640, 480)) is True
    assert check_kept_fraction(224 / 384 * 224 / 256, original=(451, 300)) is True


def test_output_shape_reference():  # its typical mistakes: MISTAKES below
    assert check_output_shape((4, 21, 320, 480), model_name="fcn_resnet101", input_shape=(4, 3, 320, 480)) is True
    assert check_output_shape(torch.Size([2, 21, 8, 8]), model_name="lraspp_mobilenet_v3_large", input_shape=(2, 3, 8, 8))


def test_class_channel_reference_and_unknown_class():  # its typical mistakes: MISTAKES below
    assert check_class_channel(15, class_name="person") is True
    assert check_class_channel(0, class_name="__background__", model_name="lraspp_mobilenet_v3_large") is True
    with pytest.raises(ValueError, match=r"`class_name` must be one of __background__, aeroplane, .*, got 'human'"):
        check_class_channel(15, class_name="human")


LOGITS = torch.tensor([  # N=2, C=3, H=1, W=2, small numbers to check by hand
    [[[2.0, -1.0]], [[0.0, 1.0]], [[1.0, 1.0]]],
    [[[0.5, 0.0]], [[0.5, 3.0]], [[-2.0, 0.0]]],
])


def test_probabilities_reference_and_typical_mistakes(capsys):
    e = np.exp(1.0)
    # first image, first pixel: logits (2, 0, 1) -> e^2, 1, e over their sum
    expected = np.array([e * e, 1.0, e]) / (e * e + 1 + e)
    assert check_probabilities(LOGITS.softmax(dim=1), logits=LOGITS) is True
    assert np.allclose(LOGITS.softmax(dim=1)[0, :, 0, 0].numpy(), expected)
    assert check_probabilities(LOGITS.softmax(dim=1).numpy().tolist(), logits=LOGITS) is True
    assert check_probabilities(LOGITS.softmax(dim=0), logits=LOGITS) is False
    assert "batch axis N (dim=0)" in capsys.readouterr().out
    assert check_probabilities(LOGITS.softmax(dim=3), logits=LOGITS) is False
    assert "width axis W (dim=3)" in capsys.readouterr().out
    assert check_probabilities(LOGITS, logits=LOGITS) is False
    assert "logits themselves" in capsys.readouterr().out
    positive = LOGITS.abs() + 1
    assert check_probabilities(positive / positive.sum(dim=1, keepdim=True), logits=positive) is False
    assert "exponentiate first" in capsys.readouterr().out
    assert check_probabilities(LOGITS.softmax(dim=1)[0], logits=LOGITS) is False
    assert "keep the logits' shape (2, 3, 1, 2)" in capsys.readouterr().out


def test_class_map_reference_and_typical_mistakes(capsys):
    # first image: pixel 0 scores (2, 0, 1) -> 0; pixel 1 scores (-1, 1, 1) -> tie, 1 wins
    # second image: pixel 0 scores (0.5, 0.5, -2) -> tie, 0 wins; pixel 1 scores (0, 3, 0) -> 1
    assert check_class_map([[[0, 1]], [[0, 1]]], logits=LOGITS) is True
    one = LOGITS[:1]
    assert check_class_map([[0, 1]], logits=one) is True
    assert check_class_map(np.array([[[0, 1]]]), logits=one) is True
    assert check_class_map([[0, 2]], logits=one) is False
    assert "Pixel (row 0, column 1) is a tie, scores [-1.0, 1.0, 1.0]" in capsys.readouterr().out
    assert check_class_map([[1, 0]], logits=one) is False
    assert "lowest scores" in capsys.readouterr().out
    assert check_class_map([[[0, 1]], [[0, 2]]], logits=LOGITS) is False
    assert "Pixel (row 0, column 1) has class scores [0.0, 3.0, 0.0]" in capsys.readouterr().out
    assert check_class_map([0, 1], logits=one) is False
    assert "shape (H, W) = (1, 2)" in capsys.readouterr().out


def test_squeeze_shape_reference_and_typical_mistakes(capsys):
    assert check_squeeze_shape((4, 5), shape=(1, 21, 4, 5)) is True
    assert check_squeeze_shape((21, 4, 5), shape=(2, 21, 4, 5)) is True
    assert "the batch axis: not a class map" in capsys.readouterr().out
    assert check_squeeze_shape((4, 5), shape=(2, 21, 4, 5)) is False
    assert "batch axis N=2 stays" in capsys.readouterr().out
    assert check_squeeze_shape((5,), shape=(1, 21, 1, 5)) is True
    assert check_squeeze_shape((1, 5), shape=(1, 21, 1, 5)) is False
    assert "includes H or W" in capsys.readouterr().out
    assert check_squeeze_shape((21, 5), shape=(1, 21, 1, 5)) is False
    assert "drop every 1" in capsys.readouterr().out


def test_confidence_reference_and_typical_mistakes(capsys):
    # pixel scores (0, 0, 0) -> 1/3; pixel scores (ln 2, 0, 0) -> 2 / (2 + 1 + 1) = 0.5
    logits = torch.tensor([[[[0.0, float(np.log(2))]], [[0.0, 0.0]], [[0.0, 0.0]]]])
    assert check_confidence([[1 / 3, 0.5]], logits=logits) is True
    assert check_confidence(LOGITS.softmax(dim=1).amax(dim=1), logits=LOGITS) is True
    assert check_confidence(LOGITS.amax(dim=1), logits=LOGITS) is False
    assert "highest logit" in capsys.readouterr().out
    assert check_confidence(LOGITS.argmax(dim=1), logits=LOGITS) is False
    assert "argmax" in capsys.readouterr().out
    assert check_confidence(LOGITS.softmax(dim=0).amax(dim=1), logits=LOGITS) is False
    assert "not dim=0" in capsys.readouterr().out
    assert check_confidence([[0.5, 0.5]], logits=logits) is False
    assert ".amax(dim=1)" in capsys.readouterr().out
    assert check_confidence([0.5], logits=logits) is False
    assert "one number per pixel" in capsys.readouterr().out
def test_initial_loss_reference():  # its typical mistakes: MISTAKES below
    assert check_initial_loss(1.6094, num_classes=5) is True
    assert check_initial_loss(3.0445, num_classes=21) is True


def test_background_only_miou_reference_and_typical_mistakes(capsys):
    assert check_background_only_miou(0.2667, background_fraction=0.8, num_present=2) is True
    assert check_background_only_miou(0.8, background_fraction=0.8, num_present=2) is False
    assert "pixel accuracy" in capsys.readouterr().out
    assert check_background_only_miou(0.16, background_fraction=0.8, num_present=2) is False  # 0.8 / 5 classes
    assert "left out of the mean" in capsys.readouterr().out
    assert check_background_only_miou(0.4, background_fraction=0.8, num_present=2) is False
    assert "share of all pixels" in capsys.readouterr().out


def test_training_steps_reference():  # its typical mistakes: MISTAKES below
    assert check_training_steps(256, num_samples=512, batch_size=16, epochs=8) is True
    assert check_training_steps(14, num_samples=100, batch_size=16, epochs=2) is True


def test_explorer_checkers(capsys):
    from segtutor.exercises import check_changed_pixels, check_least_affected_score

    assert check_least_affected_score("pixel accuracy") is True
    capsys.readouterr()
    # both wrong choices get the same line, which names no score's value: the feedback cannot rank the choices
    assert check_least_affected_score("mean Dice") is False
    dice_line = capsys.readouterr().out
    assert check_least_affected_score("mean IoU") is False
    assert capsys.readouterr().out == dice_line
    assert not any(ch.isdigit() for ch in dice_line)
    assert check_least_affected_score("Pixel Accuracy") is False
    assert "Choose one of" in capsys.readouterr().out
    # the playground target (seed 3) shifted 5 pixels down: counted independently with np.roll-free slicing
    target = segtutor.widgets._playground.playground_target(seed=3)
    changed = int((segtutor.perturb_labels(target, shift=(0, 5)) != target).sum())
    assert check_changed_pixels(changed) is True
    assert check_changed_pixels(np.int64(changed)) is True
    assert check_changed_pixels(float(changed)) is False
    assert "not a float" in capsys.readouterr().out
    assert check_changed_pixels(target.size - changed) is False
    assert "keep their class" in capsys.readouterr().out
    assert check_changed_pixels(changed + 1) is False
    assert str(changed) not in capsys.readouterr().out


def test_aspp_rates_reference_and_typical_mistakes(capsys):
    from segtutor.exercises import check_aspp_rates

    assert check_aspp_rates((12, 24, 36), model_name="deeplabv3_resnet50") is True
    assert check_aspp_rates([12, 24, 36]) is True
    assert check_aspp_rates((6, 12, 18)) is False
    assert "output stride 16" in capsys.readouterr().out
    assert check_aspp_rates((1, 12, 24, 36)) is False
    assert "only the 3x3 atrous branches" in capsys.readouterr().out
    assert check_aspp_rates((2, 4)) is False
    assert "model.classifier[0]" in capsys.readouterr().out


def test_feature_size_reference_and_typical_mistakes(capsys):
    from segtutor.exercises import check_feature_size

    assert check_feature_size(8, input_size=64, model_name="fcn_resnet50") is True
    assert check_feature_size((8, 8), input_size=64, model_name="fcn_resnet50") is True
    assert check_feature_size(2, input_size=64, model_name="fcn_resnet50") is False
    assert "1/32 is the plain classification ResNet" in capsys.readouterr().out
    assert check_feature_size(64, input_size=64, model_name="fcn_resnet50") is False
    assert "final upsampling" in capsys.readouterr().out
    assert check_feature_size(16, input_size=64, model_name="fcn_resnet50") is False
    assert "zero batch" in capsys.readouterr().out


def test_miou_gap_reference_and_typical_mistakes(capsys):
    from segtutor.exercises import check_miou_gap

    assert check_miou_gap(3.7) is True
    assert "67.4 - 63.7 = 3.7" in capsys.readouterr().out
    assert check_miou_gap(-3.7) is False
    assert "Mind the sign" in capsys.readouterr().out
    assert check_miou_gap(0.5) is False  # 92.4 - 91.9: the pixel accuracy gap
    assert "pixel accuracy" in capsys.readouterr().out
    assert check_miou_gap(10) is False
    assert "list_models" in capsys.readouterr().out


def test_void_pixels_reference_and_typical_mistakes(capsys):
    from segtutor.exercises import check_void_pixels

    halves = np.zeros((6, 6), np.int64)
    halves[:, 3:] = 1
    assert check_void_pixels(12, labels=halves) is True
    assert check_void_pixels(6, labels=halves) is False
    assert "BOTH sides" in capsys.readouterr().out
    assert check_void_pixels(24, labels=halves, border=2) is True
    assert check_void_pixels(5, labels=halves) is False
    assert "diagonals included" in capsys.readouterr().out


def test_voc_path_reference_and_typical_mistakes(capsys):
    from segtutor.exercises import check_voc_path

    assert check_voc_path("SegmentationClass/scene_000003.png", image_id="scene_000003") is True
    assert check_voc_path("./SegmentationClass\\scene_000003.png", image_id="scene_000003") is True
    assert check_voc_path("JPEGImages/scene_000003.jpg", image_id="scene_000003", kind="image") is True
    assert check_voc_path("SegmentationClass/scene_000003.jpg", image_id="scene_000003") is False
    assert "lossy compression" in capsys.readouterr().out
    assert check_voc_path("JPEGImages/scene_000003.png", image_id="scene_000003") is False
    assert "live in SegmentationClass/" in capsys.readouterr().out
    assert check_voc_path("SegmentationClass/scene_000003.png", image_id="scene_000003", kind="image") is False
    assert "live in JPEGImages/" in capsys.readouterr().out
    assert check_voc_path("scene_000003.png", image_id="scene_000003") is False
    assert "relative to the root" in capsys.readouterr().out
    with pytest.raises(ValueError, match=r"`kind` must be 'image' or 'class map', got 'mask'"):
        check_voc_path("x", image_id="y", kind="mask")


# --- issue 14: no checker gives its answer away; strict answer types -------------------------------

CHECKERS = [name for name in segtutor.exercises.__all__ if name.startswith("check_")]


@pytest.mark.parametrize("name", CHECKERS)
def test_docstring_shows_only_a_wrong_answer(name):
    """help(checker) and Shift-Tab show the docstring: its examples end in a wrong answer's feedback, never "Correct"."""
    import doctest

    function = getattr(segtutor.exercises, name)
    docstring = function.__doc__
    assert "Correct" not in docstring
    examples = doctest.DocTestParser().get_examples(docstring)
    calls = [e for e in examples if e.source.startswith(name + "(")]
    assert calls, f"{name} has no example call"
    for example in calls:
        first, *rest = example.want.splitlines()
        assert first.startswith(("Not yet. ", "Not attempted yet: ")) and rest == ["False"], example.want


# (checker, right answer, keyword arguments, [(typical wrong answer, its hint)]): the one copy of each of these
# checkers' typical wrong answers. Each gets its hint, and no hint contains the right answer. A hint that is a
# whole line, "Not yet. ...\n", is the exact feedback.
MISTAKES = [
    (check_resize_size, (341, 256), {"original": (640, 480)},
     [((256, 256), "does not make a square"), ((640, 480), "which side is the shorter one"), ((342, 256), "round down")]),
    (check_class_color, (192, 128, 128), {"class_name": "person"},
     [((64, 128, 128), "Not yet. Look up the palette's row at the class id of 'person', not another row.\n"),
      ((0, 0, 0), "Not yet. Look up the palette's row at the class id of 'person', not another row.\n")]),
    (check_grey_value, 15, {"class_name": "person"},
     [((192, 128, 128), "not an (R, G, B) colour"), (255, "unlabelled"), (16, "its position is its id"),
      (14, "its position is its id")]),
    (check_kept_fraction, 0.575, {"original": (640, 480)},
     [(57.5, "percentage"), (224 * 224 / (640 * 480), "after Resize(256)"), (0.875, "size after Resize(256) first")]),
    (check_output_shape, (4, 21, 320, 480), {"model_name": "fcn_resnet101", "input_shape": (4, 3, 320, 480)},
     [((4, 3, 320, 480), "not the input's 3 colour channels"), ((21, 320, 480), "batch axis N stays"),
      ((4, 320, 480, 21), "before height and width"), ((4, 21, 40, 60), "upsamples"),
      ((4, 20, 320, 480), "C from the classes")]),
    (check_class_channel, 15, {"class_name": "person"},
     [(16, "Counting starts at 0"), (14, "start at channel 1"), (3, "weights.meta['categories']")]),
    (check_training_steps, 14, {"num_samples": 100, "batch_size": 16, "epochs": 2},
     [(12, "round up"), (7, "once per epoch"), (200, "One step per batch")]),
    (check_initial_loss, 1.609, {"num_classes": 5},
     [(0.2, "minus its natural logarithm"), (0.699, "not log10"), (0.0, "equally likely")]),
    (check_train_id, 13, {"label_id": 26}, [(26, "label ids"), (12, "Read entry 26")]),
]


@pytest.mark.parametrize(("check", "right", "kwargs", "mistakes"), MISTAKES, ids=[m[0].__name__ for m in MISTAKES])
def test_typical_mistakes_get_their_hint_never_the_answer(check, right, kwargs, mistakes, capsys):
    assert check(right, **kwargs) is True
    capsys.readouterr()
    shown = [str(right), str(right).strip("()"), f"{right:.3f}" if isinstance(right, float) else str(right)]
    for wrong, hint in mistakes:
        assert check(wrong, **kwargs) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet. ") and out.count("\n") == 1 and hint in out, (wrong, out)
        if isinstance(right, int):
            assert f" {right}" not in out and f"{right}." not in out, out
        else:
            assert not any(s in out for s in shown), out


def test_aspp_and_feature_size_hints_leave_the_number_to_find(capsys):
    from segtutor.exercises import check_aspp_rates, check_feature_size

    assert check_aspp_rates((6, 12, 18), model_name="deeplabv3_resnet50") is False
    out = capsys.readouterr().out
    assert "twice" not in out and "12, 24" not in out
    assert check_feature_size(2, input_size=64, model_name="fcn_resnet50") is False
    out = capsys.readouterr().out
    assert "1/8" not in out and "8" not in out.replace("1/32", "")


def test_class_map_refuses_float_class_ids(capsys):
    one = torch.tensor([[[[0.0, 1.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]], [[1.0, 3.0], [0.5, 0.0]]]])
    assert check_class_map([[1, 2], [0, 1]], logits=one) is True  # reference: argmax per pixel
    capsys.readouterr()
    # the example: these round (or truncate) to the right ids, but class ids are never floats
    assert check_class_map([[1.9, 2.2], [0.5, 0.1]], logits=one) is False
    assert capsys.readouterr().out == ("Not yet. A class map must hold integer class ids, got float64: class ids are "
                                       "whole numbers, never rounded or cast from floats.\n")
    assert check_class_map(torch.tensor([[1.0, 2.0], [0.0, 1.0]]), logits=one) is False
    assert "got float32" in capsys.readouterr().out
    assert check_class_map(np.array([[True, False], [False, True]]), logits=one) is False
    assert "got bool" in capsys.readouterr().out
    assert check_class_map(np.array([[1, 2], [0, 1]], dtype=np.uint8), logits=one) is True  # any integer dtype counts


@pytest.mark.parametrize(("check", "wrong_type", "kwargs", "line"), [
    (check_grey_value, 15.0, {"class_name": "person"}, "Give the grey value as an int, not a float such as float 15.0."),
    (check_grey_value, True, {"class_name": "person"}, "Give the grey value as an int, got bool."),
    (check_grey_value, "15", {"class_name": "person"}, "Give the grey value as an int, got str."),
    (check_class_channel, np.float32(15), {"class_name": "person"},
     "Give the channel as an int, not a float such as float32 np.float32(15.0)."),
    (check_training_steps, 14.0, {"num_samples": 100, "batch_size": 16, "epochs": 2},
     "Give the number of steps as an int, not a float such as float 14.0."),
    (check_resize_size, (341.0, 256.0), {"original": (640, 480)}, "Give the size (W, H) as a tuple of ints, got tuple."),
    (check_output_shape, "4, 21, 320, 480", {"model_name": "fcn_resnet101", "input_shape": (4, 3, 320, 480)},
     "Give the shape as a tuple of ints, got str."),
    (check_initial_loss, "1.609", {}, "Give the loss as a number (int or float), got str."),
    (check_dice, True, {"pred": PRED, "target": TARGET, "class_index": 1},
     "Give the Dice score as a number (int or float), got bool."),
    (check_normalized_pixel, ("2.249", 2.429, 2.640), {"pixel": (255, 255, 255)},
     "Give three numbers, one per channel (R, G, B)."),
    (check_majority_class, 8.0, {"labels": np.array([[8, 8, 15]])},
     "Give the class id as an int, not a float such as float 8.0."),
])
def test_numeric_checkers_refuse_answers_of_the_wrong_type(check, wrong_type, kwargs, line, capsys):
    assert check(wrong_type, **kwargs) is False
    assert capsys.readouterr().out == f"Not yet. {line}\n"


def test_confidence_refuses_integer_maps(capsys):
    logits = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]]]])
    assert check_confidence([[1, 1]], logits=logits) is False
    assert capsys.readouterr().out == ("Not yet. The confidence map holds one probability per pixel, got "
                                       "int64 array of shape (1, 2).\n")


def test_numpy_integers_count_as_ints(capsys):
    assert check_grey_value(np.int64(15), class_name="person") is True
    assert check_resize_size(np.array([341, 256]), original=(640, 480)) is True
    assert check_transform_shape(torch.Size([3, 1040, 520]), original=(300, 600)) is True


def test_dataset_miou_checker_takes_a_0d_tensor_and_refuses_a_non_number(capsys):
    """Notebook 15: a one-element tensor or array counts as a number; a string or a bool gets one line on the type."""
    from segtutor.exercises import check_dataset_miou_function

    def as_tensor(matrices):
        total = torch.as_tensor(np.sum(matrices, axis=0), dtype=torch.float64)
        tp = total.diagonal()
        return (tp / (total.sum(0) + total.sum(1) - tp)).nanmean()

    assert check_dataset_miou_function(as_tensor, seed=3) is True
    assert capsys.readouterr().out.startswith("Correct! ")
    for wrong, kind in [(lambda matrices: "0.9", "str"), (lambda matrices: True, "bool")]:
        assert check_dataset_miou_function(wrong, seed=3) is False
        assert capsys.readouterr().out == f"Not yet. Return the mIoU as a number (a float), got {kind} (2 processes, 4 classes).\n"
