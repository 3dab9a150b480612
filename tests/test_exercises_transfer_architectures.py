"""Notebooks 12 and 13's exercises: segtutor's own functions pass the coding checkers, and the numeric checkers.

The reference solutions, their typical mistakes and their exact feedback live once, in
solutions/12_transfer_learning.py and solutions/13_upsampling_and_skips.py; tests/test_solutions.py
runs them on fixed seeds, the stubs and the crashes. The tests here add fresh and many inputs.
"""

import pytest

from segtutor.exercises import check_freeze_function, check_receptive_field_function, check_trainable_after_freeze, check_upsampled_size
from segtutor.models import receptive_field
from segtutor.training import freeze_backbone

from .test_solutions import CODING

FREEZE_MISTAKES = CODING["check_freeze_function"][1]
RECEPTIVE_FIELD_MISTAKES = CODING["check_receptive_field_function"][1]


def test_segtutors_own_freeze_backbone_passes(capsys):
    assert check_freeze_function(freeze_backbone) is True  # segtutor's own, written independently of the checker
    assert capsys.readouterr().out.startswith("Correct! ")


@pytest.mark.parametrize(("mistake", "line"), FREEZE_MISTAKES, ids=[mistake.__name__ for mistake, _ in FREEZE_MISTAKES])
def test_freeze_mistakes_get_their_feedback_on_fresh_models(capsys, mistake, line):
    assert check_freeze_function(mistake) is False
    assert capsys.readouterr().out == line + "\n"


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
