"""Notebook 11's coding exercise: the training-step checker, its reference solution and typical mistakes."""

import importlib.util
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from segtutor.exercises import check_training_step_function

ROOT = Path(__file__).resolve().parents[1]


def _solution():
    spec = importlib.util.spec_from_file_location("solution_11", ROOT / "solutions" / "11_training.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.training_step


def test_the_reference_solution_passes(capsys):
    assert check_training_step_function(_solution()) is True
    assert capsys.readouterr().out.startswith("Correct! ")


def test_an_untouched_stub_is_not_attempted_yet(capsys):
    def training_step(model, batch, labels, optimizer, scheduler):
        raise NotImplementedError

    assert check_training_step_function(training_step) is False
    assert capsys.readouterr().out == "Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.\n"


def _step(*, key="out", ignore=True, zero=True, zero_late=False, sched=True, step=True, item=True, reduction="mean"):
    """A training step with one typical mistake switched on."""

    def training_step(model, batch, labels, optimizer, scheduler):
        kwargs = {"ignore_index": 255} if ignore else {}
        loss = F.cross_entropy(model(batch)[key], labels, reduction=reduction, **kwargs)
        if zero:
            optimizer.zero_grad()
        loss.backward()
        if zero_late:
            optimizer.zero_grad()
        if step:
            optimizer.step()
        if sched:
            scheduler.step()
        return loss.item() if item else loss

    return training_step


@pytest.mark.parametrize(("mistake", "feedback"), [
    ({"ignore": False}, "cross_entropy failed on a label of 255: 255 marks unlabelled pixels"),
    ({"zero": False}, "The previous step's gradients were still there"),
    ({"zero_late": True}, "optimizer.zero_grad() runs between loss.backward() and optimizer.step()"),
    ({"sched": False}, "scheduler.step() is never called"),
    ({"step": False}, "optimizer.step() is never called"),
    ({"key": "aux"}, "That is the loss of 'aux', the auxiliary head"),
    ({"item": False}, "Return the loss as a Python float"),
    ({"reduction": "sum"}, "That is the summed loss"),
])
def test_typical_mistakes_get_targeted_feedback(capsys, mistake, feedback):
    assert check_training_step_function(_step(**mistake)) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. ") and feedback in out, out


def test_the_correct_step_written_differently_passes(capsys):
    assert check_training_step_function(_step()) is True


def test_other_mistakes(capsys):
    def no_backward(model, batch, labels, optimizer, scheduler):
        optimizer.zero_grad()
        optimizer.step()
        scheduler.step()
        return 1.0

    def scheduler_first(model, batch, labels, optimizer, scheduler):
        loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
        optimizer.zero_grad()
        loss.backward()
        scheduler.step()
        optimizer.step()
        return loss.item()

    def wrong_loss(model, batch, labels, optimizer, scheduler):
        _solution()(model, batch, labels, optimizer, scheduler)
        return 0.5

    def broken(model, batch, labels, optimizer, scheduler):
        return model(batch)["logits"]

    for function, feedback in ((no_backward, "loss.backward() is never called"),
                               (scheduler_first, "scheduler.step() belongs after optimizer.step()"),
                               (wrong_loss, "The returned loss is not the cross-entropy"),
                               (broken, "Your function raised KeyError: 'logits'"),
                               ("training_step", "Pass your function itself")):
        assert check_training_step_function(function) is False
        assert feedback in capsys.readouterr().out


def test_the_checker_leaves_the_global_generator_alone():
    torch.manual_seed(3)
    expected = torch.rand(2)
    torch.manual_seed(3)
    check_training_step_function(_solution())
    assert torch.equal(torch.rand(2), expected)
