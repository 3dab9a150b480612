"""A grade that the graded code cannot game: the learner's code runs in a fresh, limited process.

The checker, its reference answers and the verdict stay in the calling process. The learner's
code runs in a new Python process (``python -I``, its own session, a temporary folder, limits on
memory, CPU time, file size and processes, and a wall-clock limit after which its whole process
group is killed). The checker calls a proxy: each call ships the arguments over, calls the
learner's function there, and ships back the return value and the state the call left its
arguments in (arrays and tensors edited in place, modules' weights, gradients, flags and
layers, optimizer and scheduler state), which the proxy copies into the checker's objects.
Nothing that comes back is unpickled; anything malformed grades as "crashed". The proxy is
:mod:`._sandbox_learner`, the learner's process :mod:`._sandbox_child`, the wire format between
them :mod:`._sandbox_wire` and :mod:`._sandbox_decode`.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ._common import NOT_ATTEMPTED
from ._sandbox_learner import _GraderError, _Learner, _Verdict

__all__ = ["Grade", "grade_in_fresh_process"]

STATUSES = ("correct", "wrong", "not attempted", "timed out", "out of memory", "crashed")


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one exercise: whether it passed, a status (one of ``STATUSES``) and one line of feedback."""

    passed: bool
    status: str
    feedback: str



def coding_checkers() -> list[str]:
    """The names of segtutor.exercises' coding checkers: those that take the learner's ``function``."""
    exercises = importlib.import_module(__package__ or "segtutor.exercises")
    return sorted(name for name in exercises.__all__ if name.startswith("check_")
                  and "function" in inspect.signature(getattr(exercises, name)).parameters)


def grade_in_fresh_process(checker: str, source: str, function: str, *, seed: int | None = None,
                           time_limit: float = 20.0, memory_limit: int = 2 * 2**30) -> Grade:
    """Grade the learner's `function`, defined by `source`, with a coding checker, running the learner's code apart.

    Parameters
    ----------
    checker : str
        The name of a coding checker of :mod:`segtutor.exercises`, e.g. ``"check_majority_function"``.
    source : str
        The learner's code, as submitted; it must define `function`.
    function : str
        The name of the learner's function.
    seed : int, optional
        Passed to the checker: fixes its random inputs. By default every grading draws new ones.
    time_limit : float, optional
        Wall-clock seconds the learner's code may run in all (loading `source` and every call).
    memory_limit : int, optional
        Bytes of memory the learner's process may hold (``RLIMIT_DATA``; torch itself takes about 0.5 GiB).

    Returns
    -------
    Grade
        ``passed``, ``status`` (correct, wrong, not attempted, timed out, out of memory or crashed) and
        ``feedback``, the checker's line or the grader's.

    Raises
    ------
    ValueError
        If `checker` is not a coding checker, `function` not a name, or a limit not positive.
    RuntimeError
        If the learner's Python process cannot start (before any learner code runs).

    Examples
    --------
    >>> grade = grade_in_fresh_process("check_majority_function", "def majority(labels, ignore_index=255):\\n"
    ...                                "    raise NotImplementedError", "majority", seed=0)
    >>> grade.passed, grade.status
    (False, 'not attempted')
    """
    check = _checker(checker)
    if not isinstance(source, str):
        raise TypeError(f"`source` must be a str of Python code, got {type(source).__name__}")
    if not isinstance(function, str) or not function.isidentifier():
        raise ValueError(f"`function` must be a Python name, got {function!r}")
    if not time_limit > 0 or not memory_limit >= 2**29:
        raise ValueError(f"`time_limit` must be > 0 and `memory_limit` at least 512 MiB, got {time_limit!r} and {memory_limit!r}")
    output = io.StringIO()
    with _Learner(time_limit, memory_limit) as learner:
        try:
            learner.load(source, function)
            with contextlib.redirect_stdout(output):
                passed = check(learner, seed=seed)
        except _Verdict as verdict:
            return Grade(False, verdict.status, verdict.feedback)
        except _GraderError as error:
            raise TypeError(str(error)) from None
        except Exception as error:  # e.g. a forged state the checker trips on: this learner's grade, not the grading's end
            return Grade(False, "crashed", f"Not yet. The checker could not use your function's answer "
                                           f"({type(error).__name__}).")
    lines = output.getvalue().splitlines()
    feedback = lines[-1] if lines else ""
    status = "correct" if passed is True else "not attempted" if feedback == NOT_ATTEMPTED else "wrong"
    return Grade(passed is True, status, feedback)


def _checker(name: str) -> Callable[..., bool]:
    if name not in coding_checkers():
        raise ValueError(f"`checker` must name a coding checker of segtutor.exercises, e.g. 'check_majority_function', "
                         f"got {name!r}")
    return getattr(importlib.import_module(__package__ or "segtutor.exercises"), name)



def main(argv: list[str] | None = None) -> int:
    """``python -m segtutor.exercises._sandbox CHECKER FILE FUNCTION [--seed N]``: print the grade as JSON."""
    import argparse
    import dataclasses
    import json

    parser = argparse.ArgumentParser(prog="python -m segtutor.exercises._sandbox", description=main.__doc__)
    parser.add_argument("checker")
    parser.add_argument("file", type=Path)
    parser.add_argument("function")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--memory-limit", type=int, default=2 * 2**30)
    options = parser.parse_args(argv)
    grade = grade_in_fresh_process(options.checker, options.file.read_text(), options.function, seed=options.seed,
                                   time_limit=options.time_limit, memory_limit=options.memory_limit)
    print(json.dumps(dataclasses.asdict(grade)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
