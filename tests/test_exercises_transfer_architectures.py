"""Notebooks 12 and 13's exercises: segtutor's own functions pass the coding checkers, and the numeric checkers.

The reference solutions, their typical mistakes and their exact feedback live once, in
solutions/12_transfer_learning.py and solutions/13_upsampling_and_skips.py; tests/test_solutions.py
runs them on fixed seeds, the stubs and the crashes. The tests here add fresh and many inputs.
"""

import pytest
import torch
import torchvision
from torch import nn

from segtutor.exercises import (
    check_freeze_function,
    check_receptive_field_function,
    check_replace_head_function,
    check_trainable_after_freeze,
    check_upsampled_size,
)
from segtutor.exercises.transfer import _SmallFCN
from segtutor.models import receptive_field
from segtutor.training import freeze_backbone, replace_heads

from .test_solutions import CODING

FREEZE_MISTAKES = CODING["check_freeze_function"][1]
REPLACE_HEAD, REPLACE_HEAD_MISTAKES = CODING["check_replace_head_function"]
RECEPTIVE_FIELD_MISTAKES = CODING["check_receptive_field_function"][1]


def test_segtutors_own_freeze_backbone_passes(capsys):
    assert check_freeze_function(freeze_backbone) is True  # segtutor's own, written independently of the checker
    assert capsys.readouterr().out.startswith("Correct! ")


@pytest.mark.parametrize(("mistake", "line"), FREEZE_MISTAKES, ids=[mistake.__name__ for mistake, _ in FREEZE_MISTAKES])
def test_freeze_mistakes_get_their_feedback_on_fresh_models(capsys, mistake, line):
    assert check_freeze_function(mistake) is False
    assert capsys.readouterr().out == line + "\n"


def test_segtutors_own_replace_heads_passes(capsys):
    # written independently of the checker; it returns a new model instead of changing the one it is given
    assert check_replace_head_function(replace_heads) is True
    assert capsys.readouterr().out.startswith("Correct! ")


@pytest.mark.parametrize(("mistake", "line"), REPLACE_HEAD_MISTAKES, ids=[m.__name__ for m, _ in REPLACE_HEAD_MISTAKES])
def test_every_seed_gives_each_replace_head_mistake_its_own_feedback(capsys, mistake, line):
    for seed in [*range(40), None]:
        assert check_replace_head_function(mistake, seed=seed) is False
        assert capsys.readouterr().out == line + "\n", seed


def test_the_checkers_model_is_laid_out_as_torchvisions_fcn():
    real = torchvision.models.segmentation.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=True)
    small = _SmallFCN(torch.Generator().manual_seed(0), 12)
    for head in ("classifier", "aux_classifier"):
        assert [type(m) for m in getattr(small, head)] == [type(m) for m in getattr(real, head)]
    REPLACE_HEAD(real, 4)  # the reference solution works on the real model too
    assert real.classifier[4].out_channels == real.aux_classifier[4].out_channels == 4
    assert (real.classifier[4].in_channels, real.aux_classifier[4].in_channels) == (512, 256)


def test_the_replace_head_checker_draws_nothing_from_the_global_generator(capsys):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    check_replace_head_function(REPLACE_HEAD)
    assert torch.equal(torch.rand(3), expected)


def test_replace_head_catches_a_changed_backbone_and_a_wrong_kernel(capsys):
    def drops_a_backbone_relu(model, num_classes):
        model.backbone[0][2] = nn.Identity()
        return REPLACE_HEAD(model, num_classes)

    def three_by_three(model, num_classes):
        for head in (model.classifier, model.aux_classifier):
            head[4] = nn.Conv2d(head[4].in_channels, num_classes, 3, padding=1)
        return model

    def a_plain_tensor_out(model, num_classes):
        REPLACE_HEAD(model, num_classes)
        return nn.Sequential(*model.backbone, model.classifier)

    assert check_replace_head_function(drops_a_backbone_relu, seed=0) is False
    assert "Layers or weights outside the two new layers changed" in capsys.readouterr().out
    assert check_replace_head_function(three_by_three, seed=0) is False
    assert "another kernel, stride, padding or dilation" in capsys.readouterr().out
    assert check_replace_head_function(a_plain_tensor_out, seed=0) is False
    assert capsys.readouterr().out == "Not yet. Return the whole model, with its new layers inside it; got Sequential.\n"


def test_segtutors_own_receptive_field_passes(capsys):
    assert check_receptive_field_function(receptive_field) is True
    assert capsys.readouterr().out.startswith("Correct! ")


def test_numeric_checkers(capsys):
    assert check_trainable_after_freeze(100, total=1000, backbone=900) is True
    assert check_trainable_after_freeze(900, total=1000, backbone=900) is False
    assert "the frozen part" in capsys.readouterr().out
    assert check_trainable_after_freeze(1000, total=1000, backbone=900) is False
    assert check_trainable_after_freeze(100.0, total=1000, backbone=900) is False
    assert "as an int, got float" in capsys.readouterr().out.splitlines()[-1]
    assert check_upsampled_size(32, size=16, factor=2) is True and check_upsampled_size(48, size=16, factor=3) is True
    assert check_upsampled_size(34, size=16, factor=2) is False
    assert "subtract 2 x padding" in capsys.readouterr().out.splitlines()[-1]
    assert check_upsampled_size(8, size=16, factor=2) is False
    assert "enlarges" in capsys.readouterr().out


@pytest.mark.parametrize(("mistake", "line"), RECEPTIVE_FIELD_MISTAKES,
                         ids=[mistake.__name__ for mistake, _ in RECEPTIVE_FIELD_MISTAKES])
def test_every_seed_gives_each_receptive_field_mistake_its_own_hint(capsys, mistake, line):
    # The random chains once let two mistakes give the same number, so a mistake could get another's hint.
    for seed in [*range(300), None]:
        assert check_receptive_field_function(mistake, seed=seed) is False
        assert capsys.readouterr().out == line + "\n", seed
