"""Benchmark: how long grading one coding exercise takes in a fresh process, against the checker in-process.

Usage::

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_sandbox.py

For every coding exercise in ``solutions/``, the reference solution is graded once with
:func:`segtutor.exercises.grade_in_fresh_process` (process start, imports, the learner's code,
every call over the pipe) and once by calling the checker in this process. The first row is
an empty start: a process that starts, imports torch, and is ended at once.
"""

import contextlib
import importlib.util
import io
import time
from pathlib import Path

from segtutor import exercises
from segtutor.exercises._sandbox_learner import _Learner

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def _seconds(run, *args, **kwargs) -> float:
    start = time.perf_counter()
    run(*args, **kwargs)
    return time.perf_counter() - start


def _start() -> None:
    with _Learner(20.0, 2 * 2**30) as learner:
        learner.load("def f():\n    pass\n", "f")


def main() -> None:
    print(f"{'exercise':34} {'sandbox s':>9} {'in-process s':>12}")
    print(f"{'(start, torch import, end)':34} {_seconds(_start):9.2f} {'':>12}")
    total = 0.0
    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for checker, solution, _ in getattr(module, "EXERCISES", []):
            sandbox = _seconds(exercises.grade_in_fresh_process, checker, path.read_text(), solution.__name__, seed=0)
            with contextlib.redirect_stdout(io.StringIO()):
                direct = _seconds(getattr(exercises, checker), solution, seed=0)
            total += sandbox
            print(f"{checker:34} {sandbox:9.2f} {direct:12.3f}")
    print(f"{'all, one after another':34} {total:9.2f}")


if __name__ == "__main__":
    main()
