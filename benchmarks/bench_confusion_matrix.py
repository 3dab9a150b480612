"""Benchmark: the confusion matrix of 100 label maps of 520x520, segtutor against references.

Usage::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_confusion_matrix.py [--device cuda] [--repeat 5]

Both label maps are int64 tensors (what ``argmax`` returns and what a loss
needs), 21 classes as in PASCAL VOC, about 5 % of the target set to the
ignore index 255. Two workloads:

* ``batch``: one call on the whole ``[100, 520, 520]`` stack;
* ``stream``: 100 calls on ``[520, 520]`` maps, summed, as an evaluator does.

Two segtutor implementations: the function ``confusion_matrix`` and the
accumulator ``ConfusionMatrix`` (one ``update`` on the stack for ``batch``,
one ``update`` per map for ``stream``, then ``.matrix``).

References: torchmetrics' ``multiclass_confusion_matrix`` (with its default
input validation) when it is installed (``pip install -e .[bench]``), a
plain NumPy ``bincount`` and, for the batch only, scikit-learn. Every result
is checked equal to segtutor's. Each time is the best of ``--repeat`` runs
after one warm-up, the runs of all implementations interleaved round by round;
the ratio is an implementation's time / the ``confusion_matrix`` function's
time (> 1: the function is faster). The issue's bar: segtutor at least as
fast as the plain NumPy ``bincount``, for the accumulator too; the last
lines print numpy time / each segtutor implementation's time (>= 1.0 meets it).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from segtutor import confusion_matrix
from segtutor.metrics import ConfusionMatrix

NUM_CLASSES, IGNORE = 21, 255


def make_maps(count: int, size: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    target = torch.randint(0, NUM_CLASSES, (count, size, size), generator=generator)
    target[torch.rand(target.shape, generator=generator) < 0.05] = IGNORE
    noise = torch.randint(0, NUM_CLASSES, target.shape, generator=generator)
    pred = torch.where(torch.rand(target.shape, generator=generator) < 0.7, target % NUM_CLASSES, noise)
    return pred.to(device), target.to(device)


def numpy_bincount(pred: torch.Tensor, target: torch.Tensor) -> np.ndarray:
    pred, target = pred.cpu().numpy().ravel(), target.cpu().numpy().ravel()
    keep = target != IGNORE
    return np.bincount(target[keep] * NUM_CLASSES + pred[keep], minlength=NUM_CLASSES**2).reshape(NUM_CLASSES, NUM_CLASSES)


def accumulate(pairs) -> np.ndarray:
    """The accumulator's matrix after one ``update`` per (pred, target) pair."""
    metric = ConfusionMatrix(NUM_CLASSES, ignore_index=IGNORE)
    for pred, target in pairs:
        metric.update(pred, target)
    return metric.matrix


def implementations() -> dict:
    found = {"segtutor": lambda p, t: confusion_matrix(p, t, num_classes=NUM_CLASSES, ignore_index=IGNORE)}
    try:
        from torchmetrics.functional.classification import multiclass_confusion_matrix
    except ImportError:
        print("torchmetrics is not installed: comparing against NumPy and scikit-learn only")
    else:
        found["torchmetrics"] = lambda p, t: multiclass_confusion_matrix(p, t, NUM_CLASSES, ignore_index=IGNORE).cpu().numpy()
    found["numpy bincount"] = numpy_bincount
    return found


def sklearn_batch(pred: torch.Tensor, target: torch.Tensor) -> np.ndarray:
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix

    pred, target = pred.cpu().numpy().ravel(), target.cpu().numpy().ravel()
    keep = target != IGNORE
    return sk_confusion_matrix(target[keep], pred[keep], labels=range(NUM_CLASSES))


def best_times(functions: dict, repeat: int, device: str) -> tuple[dict, dict]:
    """Best of `repeat` timed runs of each function after one warm-up run each; with `repeat` 0, one cold run.

    The rounds interleave the functions, so that a busy (shared) machine slows them alike.
    """
    results = {name: function() for name, function in functions.items()} if repeat else {}
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(max(repeat, 1)):
        for name, function in functions.items():
            if device == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            results[name] = function()
            if device == "cuda":
                torch.cuda.synchronize()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--maps", type=int, default=100)
    parser.add_argument("--size", type=int, default=520)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pred, target = make_maps(args.maps, args.size, args.device)
    print(f"{args.maps} maps of {args.size}x{args.size}, {NUM_CLASSES} classes, device {args.device}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads", flush=True)
    workloads = {
        "batch": lambda f: f(pred, target),
        "stream": lambda f: sum(f(pred[i], target[i]) for i in range(len(pred))),
    }
    accumulator = {"batch": lambda: accumulate([(pred, target)]), "stream": lambda: accumulate(zip(pred, target))}
    rows, expected = [], None
    found = implementations()
    for workload, run in workloads.items():
        runs = {name: (lambda f=f, run=run: run(f)) for name, f in found.items()}
        runs = {"segtutor": runs.pop("segtutor"), "ConfusionMatrix": accumulator[workload], **runs}
        seconds, results = best_times(runs, args.repeat, args.device)
        for name in runs:
            expected = results[name] if expected is None else expected
            assert np.array_equal(results[name], expected), f"{name} ({workload}) disagrees with segtutor"
            rows.append((workload, name, seconds[name]))
            print(f"  {workload:<6} {name:<15} {seconds[name]:.3f} s", flush=True)
    seconds, results = best_times({"sklearn": lambda: sklearn_batch(pred, target)}, 0, "cpu")
    assert np.array_equal(results["sklearn"], expected), "scikit-learn disagrees with segtutor"
    rows.append(("batch", "scikit-learn (1 run)", seconds["sklearn"]))
    ours = {workload: s for workload, name, s in rows if name == "segtutor"}
    print(f"\n{'workload':<8}  {'implementation':<22}  {'seconds':>8}  {'ratio':>7}")
    for workload, name, seconds in rows:
        print(f"{workload:<8}  {name:<22}  {seconds:>8.3f}  {seconds / ours[workload]:>6.2f}x")
    numpy_time = {workload: s for workload, name, s in rows if name == "numpy bincount"}
    print("\nthe bar, numpy bincount time / segtutor time (>= 1.0 meets it):")
    for workload, name, seconds in rows:
        if name in ("segtutor", "ConfusionMatrix"):
            print(f"  {workload:<6} {name:<15} {numpy_time[workload] / seconds:.2f}x")


if __name__ == "__main__":
    main()
