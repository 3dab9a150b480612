"""Exercise checkers for notebook 11 · training your own."""

from __future__ import annotations

import math
import secrets
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..training import training_step as _reference_step
from ._common import NOT_A_FUNCTION, _call, _checked, _coding, _describe, _int_answer, _number_answer, _Shared, _Stop

__all__ = ["check_background_only_miou", "check_initial_loss", "check_training_step_function", "check_training_steps"]


def check_background_only_miou(answer: Any, *, background_fraction: float, num_present: int) -> bool:
    """Check a guess of the mIoU of a model that predicts background everywhere.

    `background_fraction` is the share of background pixels, `num_present` the
    number of other classes that occur in the labels.

    Examples
    --------
    >>> check_background_only_miou(0.7, background_fraction=0.7, num_present=3)
    Not yet. That is the pixel accuracy. mIoU first scores each class, then averages the classes.
    False
    """
    return _checked(lambda: _background_only(answer, background_fraction, num_present))


def _background_only(answer: Any, background_fraction: float, num_present: int) -> str:
    _number_answer(answer, "the mIoU")
    expected = background_fraction / (1 + num_present)
    if math.isclose(answer, expected, abs_tol=0.005):
        return (f"Background IoU is {background_fraction:g}, each of the {num_present} present classes "
                               f"scores 0: the mean is {expected:.3f}.")
    if math.isclose(answer, background_fraction, abs_tol=0.005):
        raise _Stop("That is the pixel accuracy. mIoU first scores each class, then averages the classes.")
    if answer < expected:
        raise _Stop("Classes absent from both labels and prediction have no IoU (NaN) and are left out of the mean.")
    raise _Stop("Background IoU = intersection / union = the background's share of all pixels; the other classes score 0.")


def check_initial_loss(answer: Any, *, num_classes: int = 5) -> bool:
    """Check a guess of the cross-entropy of an untrained model that is equally unsure of every class.

    Examples
    --------
    >>> check_initial_loss(0.2)
    Not yet. 1/5 is the probability of the true class; the loss is minus its natural logarithm.
    False
    """
    return _checked(lambda: _initial_loss(answer, num_classes))


def _initial_loss(answer: Any, num_classes: int) -> str:
    _number_answer(answer, "the loss")
    expected = math.log(num_classes)
    if math.isclose(answer, expected, abs_tol=0.01):
        return (f"Each of the {num_classes} classes gets probability 1/{num_classes}, "
                               f"and the loss is -ln(1/{num_classes}) = ln {num_classes} = {expected:.3f}.")
    if math.isclose(answer, 1 / num_classes, abs_tol=0.01):
        raise _Stop(f"1/{num_classes} is the probability of the true class; the loss is minus its natural logarithm.")
    if math.isclose(answer, math.log10(num_classes), abs_tol=0.01):
        raise _Stop("Cross-entropy uses the natural logarithm, not log10.")
    raise _Stop("Cross-entropy is -ln(p), p the probability of the true class. What is p when all classes are equally likely?")


def check_training_steps(answer: Any, *, num_samples: int, batch_size: int, epochs: int) -> bool:
    """Check a guess of how many optimizer steps :func:`segtutor.train` takes.

    Examples
    --------
    >>> check_training_steps(12, num_samples=100, batch_size=16, epochs=2)
    Not yet. The DataLoader keeps the last, smaller batch (drop_last=False): round up, not down.
    False
    """
    return _checked(lambda: _training_steps(answer, num_samples, batch_size, epochs))


def _training_steps(answer: Any, num_samples: int, batch_size: int, epochs: int) -> str:
    _int_answer(answer, "the number of steps")
    per_epoch = math.ceil(num_samples / batch_size)
    if answer == per_epoch * epochs:
        return (f"Each epoch has ceil({num_samples} / {batch_size}) = {per_epoch} batches, "
                               f"the last one smaller: {per_epoch} x {epochs} = {per_epoch * epochs} steps.")
    if answer == num_samples // batch_size * epochs:
        raise _Stop("The DataLoader keeps the last, smaller batch (drop_last=False): round up, not down.")
    if answer == per_epoch:
        raise _Stop("That is one epoch; the loop runs over the data once per epoch.")
    raise _Stop("One step per batch: how many batches of the given size hold all the samples, and how many epochs?")



class _TwoHeads(nn.Module):
    """A tiny segmenter with the torchvision interface: ``'out'`` and an auxiliary ``'aux'``."""

    def __init__(self, generator: torch.Generator):
        super().__init__()
        self.out, self.aux = nn.Conv2d(3, 5, 3, padding=1), nn.Conv2d(3, 5, 1)
        with torch.no_grad():
            for parameter in self.parameters():
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)

    def forward(self, batch):
        return OrderedDict(out=self.out(batch), aux=self.aux(batch))


def _setup(seed: int) -> tuple[_TwoHeads, torch.Tensor, torch.Tensor]:
    """Fresh random model with stale gradients from an earlier step, and a batch with some labels 255."""
    generator = torch.Generator().manual_seed(seed)
    model = _TwoHeads(generator).train()
    batch = torch.randn(2, 3, 6, 6, generator=generator)
    labels = torch.randint(0, 5, (2, 6, 6), generator=generator)
    labels[torch.rand(2, 6, 6, generator=generator) < 0.25] = 255
    labels[0, 0, 0] = 255
    for parameter in model.parameters():  # what the previous step left behind
        parameter.grad = torch.randn(parameter.shape, generator=generator)
    return model, batch, labels


class _RecordingSGD(torch.optim.SGD):
    """SGD that notes each zero_grad and step in `events`."""

    def __init__(self, params: Iterable[torch.nn.Parameter], events: list[str]) -> None:
        super().__init__(params, lr=0.5)
        self.events = events

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.events.append("zero_grad")
        super().zero_grad(set_to_none)

    def step(self, closure=None):
        self.events.append("step")
        return super().step(closure)


class _RecordingStepLR(torch.optim.lr_scheduler.StepLR):
    """A scheduler that halves the learning rate at each step and notes the step in `events`."""

    def __init__(self, optimizer: torch.optim.Optimizer, events: list[str]) -> None:
        super().__init__(optimizer, step_size=1, gamma=0.5)  # its own first step, not noted: no events yet
        self.events = events

    def step(self, epoch=None):
        if hasattr(self, "events"):
            self.events.append("scheduler")
        super().step(epoch)


def _optimizer_and_scheduler(model: torch.nn.Module, events: list[str] | None = None) -> tuple[_RecordingSGD, _RecordingStepLR]:
    """SGD (lr 0.5) and a halving scheduler; each call is noted in `events` (a throwaway list if None)."""
    events = [] if events is None else events
    optimizer = _RecordingSGD(model.parameters(), events)
    scheduler = _RecordingStepLR(optimizer, events)
    for parameter in model.parameters():
        parameter.register_hook(lambda grad: events.append("backward") if events[-1:] != ["backward"] else None)
    return optimizer, scheduler


_ORDER_PROBLEMS = (
    (lambda e: "backward" not in e, "loss.backward() is never called, so no gradient is computed."),
    (lambda e: "step" not in e, "optimizer.step() is never called, so the weights never change."),
    (lambda e: "scheduler" not in e, "scheduler.step() is never called, so the learning rate never follows its schedule."),
    (lambda e: e.count("step") > 1 or e.count("scheduler") > 1 or e.count("backward") > 1,
     "One batch, one step: call backward, optimizer.step() and scheduler.step() once each."),
    (lambda e: "zero_grad" in e[e.index("backward"):e.index("step")],
     "optimizer.zero_grad() runs between loss.backward() and optimizer.step(): it wipes the gradients the step needs."),
    (lambda e: "zero_grad" not in e[:e.index("backward")],
     "The previous step's gradients were still there: gradients add up until you clear them with optimizer.zero_grad(), "
     "before loss.backward()."),
    (lambda e: e.index("step") < e.index("backward"), "optimizer.step() runs before loss.backward(), on stale gradients."),
    (lambda e: e.index("scheduler") < e.index("step"), "scheduler.step() belongs after optimizer.step()."),
)


def _run(function: Callable[..., Any], seed: int) -> tuple[Any, list[str], tuple[Any, ...], tuple[Any, ...]]:
    """Call the learner's step on the model, optimizer and scheduler themselves, and on copies of batch and labels.

    The pristine batch and labels, and the model as it was, come back for the reference step.
    """
    model, batch, labels = _setup(seed)
    before = _TwoHeads(torch.Generator()).train()
    before.load_state_dict(model.state_dict())
    events: list[str] = []
    optimizer, scheduler = _optimizer_and_scheduler(model, events)
    model.register_forward_pre_hook(lambda module, args: events.append("eval forward") if not module.training else None)
    given = batch.clone(), labels.clone()
    returned = _call(function, _Shared(model), _Shared(given[0]), _Shared(given[1]), _Shared(optimizer), _Shared(scheduler))
    return returned, events, (model, optimizer, *given), (before, batch, labels)


def _reference(before, batch, labels):
    with torch.no_grad():
        output = before(batch)
        candidates = {"aux": F.cross_entropy(output["aux"], labels, ignore_index=255).item(),
                      "sum": F.cross_entropy(output["out"], labels, ignore_index=255, reduction="sum").item()}
    loss = _reference_step(before, batch, labels, *_optimizer_and_scheduler(before))
    return loss, candidates, before, (before, batch, labels)


def _diagnose(returned: Any, events: list[str], learner: tuple[Any, ...], reference: tuple[Any, ...]) -> str | None:
    """The first problem found, as feedback, or None when the step is right."""
    model, optimizer, batch, labels = learner
    _, pristine_batch, pristine_labels = reference[3]
    if not torch.equal(labels, pristine_labels):
        return ("Your step changed `labels` in place: the 255s mark pixels without a label, and turning them into a "
                "class trains the model on labels nobody gave.")
    if not torch.equal(batch, pristine_batch):
        return "Your step changed `batch` in place: a training step reads the images, it never edits the caller's data."
    if "eval forward" in events or not model.training or any(not m.training for m in model.modules()):
        return ("Your step switched the model to eval mode: a training step runs (and leaves) the model in train mode, "
                "where dropout and batch norm behave as in training.")
    for broken, message in _ORDER_PROBLEMS:
        if broken(events):
            return message
    loss, candidates, after, _ = reference
    if isinstance(returned, torch.Tensor):
        return "Return the loss as a Python float (a tensor keeps the whole graph alive): use .item()."
    if not isinstance(returned, float):
        return f"Return the batch's loss as a float, got {type(returned).__name__}."
    if math.isclose(returned, candidates["aux"], rel_tol=1e-4):
        return "That is the loss of 'aux', the auxiliary head; the model's own scores are in output['out']."
    if math.isclose(returned, candidates["sum"], rel_tol=1e-4):
        return "That is the summed loss; cross_entropy's default mean over the labelled pixels is what the step uses."
    if not math.isclose(returned, loss, rel_tol=1e-4, abs_tol=1e-6):
        return "The returned loss is not the cross-entropy of output['out'] against the labels, ignoring the 255s."
    if not all(torch.allclose(a, b, atol=1e-5) for a, b in zip(model.parameters(), after.parameters())):
        return "The loss is right, but the weights after your step differ from those after a correct step."
    if not math.isclose(optimizer.param_groups[0]["lr"], 0.25):
        return "The learning rate after the step is not the scheduler's: step the scheduler once per batch."
    return None


def check_training_step_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check a learner's ``training_step(model, batch, labels, optimizer, scheduler)``.

    It is run twice on fresh random inputs (`seed` fixes them; by default every call draws new ones) (a small two-head model, labels with
    unlabelled pixels of 255, stale gradients from an earlier step, SGD and a
    scheduler) and compared with a correct step: the returned loss, the order
    of zero_grad, backward and the steps, the weights and the learning rate.

    Examples
    --------
    >>> def training_step(model, batch, labels, optimizer, scheduler):
    ...     raise NotImplementedError
    >>> check_training_step_function(training_step)
    Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.
    False
    >>> def training_step(model, batch, labels, optimizer, scheduler):
    ...     loss = F.cross_entropy(model(batch)["out"], labels)
    ...     return loss.item()
    >>> check_training_step_function(training_step)
    Not yet. cross_entropy failed on a label of 255: 255 marks unlabelled pixels, tell cross_entropy to ignore them (ignore_index=255).
    False
    """
    def check():
        if not callable(function):
            raise _Stop(NOT_A_FUNCTION.format(_describe(function)))
        for seed_ in [secrets.randbelow(2**31), secrets.randbelow(2**31)] if seed is None else [seed, seed + 1]:
            try:
                with torch.random.fork_rng(devices=[]), warnings.catch_warnings():  # the learner's random state stays
                    warnings.simplefilter("ignore")  # e.g. torch's own scheduler-order warning: the feedback says it
                    returned, events, learner, inputs = _run(function, seed_)
            except _Stop as stop:
                if "out of bounds" in str(stop):
                    raise _Stop("cross_entropy failed on a label of 255: 255 marks unlabelled pixels, tell "
                                "cross_entropy to ignore them (ignore_index=255).") from None
                raise
            problem = _diagnose(returned, events, learner, _reference(*inputs))
            if problem:
                raise _Stop(problem)
        return ("Forward pass, cross-entropy on 'out' ignoring 255, zero_grad, backward, optimizer step and scheduler "
                "step, in the right order, on two fresh random batches.")
    return _coding(check)
