import pytest
import torch

from segtutor.models import _timing, load_model, time_models


class Counting(torch.nn.Module):
    """A model that records the order of its calls and whether it ran in eval mode."""

    def __init__(self, name, calls):
        super().__init__()
        self.conv, self.name, self.calls = torch.nn.Conv2d(3, 2, 1), name, calls

    def forward(self, x):
        self.calls.append((self.name, self.training))
        return {"out": self.conv(x)}


def test_warmup_first_then_interleaved_rounds_in_eval_mode():
    calls = []
    models = {"a": Counting("a", calls), "b": Counting("b", calls)}
    table = time_models(models, torch.zeros(1, 3, 4, 4), repeats=3, warmup=2)
    assert [name for name, _ in calls] == ["a", "a", "b", "b", "a", "b", "a", "b", "a", "b"]
    assert not any(training for _, training in calls)
    assert [(row["model"], row["runs"]) for row in table] == [("a", 3), ("b", 3)]
    assert all(models[name].training for name in models)  # predict restores the caller's mode


def test_the_median_of_the_timed_runs_is_reported(monkeypatch):
    ticks = iter([0.0, 1.0, 10.0, 13.0, 20.0, 22.0])  # runs of 1, 3 and 2 seconds
    monkeypatch.setattr(_timing.time, "perf_counter", lambda: next(ticks))
    table = time_models({"tiny": load_model("tiny", device="cpu")}, torch.zeros(1, 3, 16, 16), repeats=3, warmup=0)
    assert list(table) == [{"model": "tiny", "median (s)": 2.0, "fastest (s)": 1.0, "slowest (s)": 3.0, "runs": 3}]


@pytest.mark.parametrize(("models", "options", "error", "message"), [
    ({}, {}, ValueError, "`models` must hold at least one model, got an empty mapping"),
    (None, {"repeats": 0}, ValueError, "`repeats` must be at least 1, got 0"),
    (None, {"warmup": -1}, ValueError, "`warmup` must be at least 0, got -1"),
    (None, {"repeats": 2.0}, TypeError, "`repeats` must be an int, got float"),
])
def test_bad_arguments_are_refused(models, options, error, message):
    models = {"a": Counting("a", [])} if models is None else models
    with pytest.raises(error, match=message):
        time_models(models, torch.zeros(1, 3, 4, 4), **options)
