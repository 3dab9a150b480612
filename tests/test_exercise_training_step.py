"""Notebook 11's coding exercise: the training-step checker on fresh inputs, and the global random state.

The reference solution, its typical mistakes and their exact feedback live once, in
solutions/11_training.py; tests/test_solutions.py runs them on fixed seeds, the stub and the crashes.
"""

import pytest
import torch

from segtutor.exercises import check_training_step_function

from .test_solutions import CODING

SOLUTION, MISTAKES = CODING["check_training_step_function"]


@pytest.mark.parametrize(("mistake", "line"), MISTAKES, ids=[mistake.__name__ for mistake, _ in MISTAKES])
def test_typical_mistakes_get_their_feedback_on_fresh_inputs(capsys, mistake, line):
    assert check_training_step_function(mistake) is False
    assert capsys.readouterr().out == line + "\n"


def test_the_checker_leaves_the_global_generator_alone():
    torch.manual_seed(3)
    expected = torch.rand(2)
    torch.manual_seed(3)
    check_training_step_function(SOLUTION)
    assert torch.equal(torch.rand(2), expected)
