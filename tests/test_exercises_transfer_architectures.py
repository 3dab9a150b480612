"""Notebooks 12 and 13's exercises: the coding checkers on typical mistakes, and the numeric ones."""

import pytest

from segtutor.models import receptive_field
from segtutor.training import freeze_backbone
from segtutor.exercises import check_freeze_function, check_receptive_field_function, check_trainable_after_freeze, check_upsampled_size

NOT_ATTEMPTED = "Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.\n"


def _stub(*args):
    raise NotImplementedError


def test_freeze_reference_and_stub(capsys):
    assert check_freeze_function(freeze_backbone) is True  # segtutor's own, written independently of the checker
    assert capsys.readouterr().out.startswith("Correct! ")
    assert check_freeze_function(_stub) is False
    assert capsys.readouterr().out == NOT_ATTEMPTED


def _freeze_all(model):
    for parameter in model.parameters():
        parameter.requires_grad = False
    return 0


def _freeze_and_eval(model):
    freeze_backbone(model)
    model.eval()
    return freeze_backbone(model)


def _count_all(model):
    freeze_backbone(model)
    return sum(p.numel() for p in model.parameters())


def _count_frozen(model):
    freeze_backbone(model)
    return sum(p.numel() for p in model.backbone.parameters())


def _count_tensors(model):
    freeze_backbone(model)
    return len([p for p in model.parameters() if p.requires_grad])


def _nothing(model):
    return 0


@pytest.mark.parametrize(("function", "feedback"), [
    (_freeze_all, "The heads are frozen too"),
    (_freeze_and_eval, "leave the model's train/eval mode as the caller set it"),
    (_count_all, "That counts every parameter"),
    (_count_frozen, "That is the number of frozen parameters"),
    (_count_tensors, "That counts parameter tensors"),
    (_nothing, "Some backbone parameters still have requires_grad=True"),
    ("freeze", "Pass your function itself"),
])
def test_freeze_typical_mistakes(capsys, function, feedback):
    assert check_freeze_function(function) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. ") and feedback in out, out


def test_receptive_field_reference_and_stub(capsys):
    assert check_receptive_field_function(receptive_field) is True
    assert capsys.readouterr().out.startswith("Correct! ")
    assert check_receptive_field_function(_stub) is False
    assert capsys.readouterr().out == NOT_ATTEMPTED


def _ignores_stride(layers):
    return 1 + sum(d * (k - 1) for k, _, d in layers)


def _ignores_dilation(layers):
    return receptive_field([(k, s, 1) for k, s, _ in layers])


def _stride_first(layers):
    field, jump = 1, 1
    for k, s, d in layers:
        jump *= s
        field += d * (k - 1) * jump
    return field


@pytest.mark.parametrize(("function", "feedback"), [
    (_ignores_stride, "multiply by the product of the earlier strides"),
    (_ignores_dilation, "multiply by the dilation"),
    (_stride_first, "A layer's own stride only affects the layers after it"),
    (lambda layers: float(receptive_field(layers)), "Return the receptive field as an int, got float"),
])
def test_receptive_field_typical_mistakes(capsys, function, feedback):
    assert check_receptive_field_function(function) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. ") and feedback in out, out


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


@pytest.mark.parametrize(("function", "feedback"), [
    (_ignores_stride, "multiply by the product of the earlier strides"),
    (_ignores_dilation, "multiply by the dilation"),
    (_stride_first, "A layer's own stride only affects the layers after it"),
])
def test_every_seed_gives_each_receptive_field_mistake_its_own_hint(capsys, function, feedback):
    # The random chains once let two mistakes give the same number, so a mistake could get another's hint.
    for seed in range(300):
        assert check_receptive_field_function(function, seed=seed) is False
        out = capsys.readouterr().out
        assert feedback in out, (seed, out)
