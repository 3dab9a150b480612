"""Timing models fairly: warm-up runs first, then repeated runs interleaved between the models, reported as medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping

import torch

from .._checks import check_int
from .._table import ModelTable
from ._inference import predict

__all__ = ["time_models"]


def time_models(models: Mapping[str, torch.nn.Module], batch: torch.Tensor, *, repeats: int = 3,
                warmup: int = 1) -> ModelTable:
    """Time :func:`segtutor.predict` of each model on one batch: the median of several runs, after warm-up.

    The first call of a model is slower than the next ones (memory is
    allocated, kernels are chosen), so `warmup` calls per model are run and
    not counted. Then each of `repeats` rounds runs every model once, in
    turn, so that a slow spell of the machine hits all models alike. The
    median of a model's runs (on a GPU, timed up to the end of its queued work) is its time; the spread (fastest, slowest) says
    how much to trust it.

    Parameters
    ----------
    models : mapping of str to torch.nn.Module
        Name to model, in the table's order.
    batch : torch.Tensor
        float [N, 3, H, W] batch, on the models' device.
    repeats : int, optional
        Timed runs per model, at least 1.
    warmup : int, optional
        Untimed runs per model before the timed ones, at least 0.

    Returns
    -------
    ModelTable
        One row per model: ``model``, ``median (s)``, ``fastest (s)``,
        ``slowest (s)`` and ``runs``, times rounded to 3 decimals.

    Raises
    ------
    TypeError
        If `repeats` or `warmup` is not an integer.
    ValueError
        If `models` is empty, `repeats` < 1 or `warmup` < 0.

    Examples
    --------
    >>> from segtutor.models import load_model
    >>> table = time_models({"tiny": load_model("tiny", device="cpu")}, torch.zeros(1, 3, 32, 32), repeats=2)
    >>> [(row["model"], row["runs"]) for row in table]
    [('tiny', 2)]
    """
    repeats, warmup = check_int(repeats, name="repeats", minimum=1), check_int(warmup, name="warmup", minimum=0)
    if not models:
        raise ValueError("`models` must hold at least one model, got an empty mapping")
    for model in models.values():
        for _ in range(warmup):
            predict(model, batch)
    times: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(repeats):
        for name, model in models.items():
            _synchronize(batch)
            start = time.perf_counter()
            predict(model, batch)
            _synchronize(batch)
            times[name].append(time.perf_counter() - start)
    return ModelTable({"model": name, "median (s)": round(statistics.median(runs), 3), "fastest (s)": round(min(runs), 3),
                       "slowest (s)": round(max(runs), 3), "runs": len(runs)} for name, runs in times.items())


def _synchronize(batch: torch.Tensor) -> None:
    """Wait for the GPU's queued work, so that a timer reads the run's end, not its launch."""
    if batch.is_cuda:
        torch.cuda.synchronize(batch.device)
