"""Shared pieces of the checkers: feedback, strict answer types, and running a learner's function safely."""

from __future__ import annotations

import contextlib
import copy
import numbers
import signal
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from PIL import Image

from .._checks import is_int as _is_int  # the package's one integer check: NumPy integers count, bools do not

NOT_ATTEMPTED = "Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again."
NOT_A_FUNCTION = "Pass your function itself, without calling it, e.g. check(my_function); got {}."
"""Feedback (after "Not yet. ") to a coding checker given anything but a function, e.g. the result of calling it."""


def _feedback(correct: bool, message: str) -> bool:
    print(("Correct! " if correct else "Not yet. ") + message)
    return correct


class _Stop(Exception):
    """Ends a check early with one line of feedback for a wrong answer."""


def _close(answer: npt.ArrayLike, reference: npt.ArrayLike) -> bool:
    """Equal up to rounding to two decimals (or 0.1 % for large values)."""
    return bool(np.allclose(answer, reference, rtol=1e-3, atol=5e-3))


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _int_answer(answer: Any, what: str = "a whole number") -> None:
    """Refuse an answer that is not an int (NumPy integers count, bools and floats do not)."""
    if isinstance(answer, (float, np.floating)):
        raise _Stop(f"Give {what} as an int, not a float such as {type(answer).__name__} {answer!r}.")
    if not _is_int(answer):
        raise _Stop(f"Give {what} as an int, got {type(answer).__name__}.")


def _number_answer(answer: Any, what: str = "a number") -> None:
    """Refuse an answer that is not a real number (ints and floats count, bools and strings do not)."""
    if not _is_number(answer):
        raise _Stop(f"Give {what} as a number (int or float), got {type(answer).__name__}.")


def _ints_answer(answer: Any, what: str) -> tuple[int, ...]:
    """A tuple of ints from a tuple, list, torch.Size or integer array; anything else stops with feedback."""
    if isinstance(answer, (np.ndarray, torch.Tensor)):
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list, torch.Size)) or not all(_is_int(v) for v in answer):
        raise _Stop(f"Give {what} as a tuple of ints, got {_describe(answer)}.")
    return tuple(int(v) for v in answer)


def _checked(check: Callable[[], str]) -> bool:
    """Run `check`, a function returning the success message or raising _Stop, and print the feedback."""
    try:
        return _feedback(True, check())
    except _Stop as stop:
        return _feedback(False, str(stop))


def _same(answer: torch.Tensor, reference: torch.Tensor) -> bool:
    return answer.shape == reference.shape and torch.allclose(answer, reference, atol=1e-5)


def _describe(value: object) -> str:
    """'int64 array of shape (2, 3)', 'float32 tensor of shape (1, 4)' or the type's name."""
    if isinstance(value, torch.Tensor):
        return f"{str(value.dtype).removeprefix('torch.')} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    return type(value).__name__


def _integer_array(answer: Any, what: str) -> np.ndarray:
    """`answer` as a NumPy integer array; floats, bools and non-arrays stop with feedback."""
    if isinstance(answer, (list, tuple)):
        answer = np.asarray(answer)
        if answer.dtype == object:
            raise _Stop(f"{what} must be a rectangular array of class ids.")
    if not isinstance(answer, (np.ndarray, torch.Tensor)):
        raise _Stop(f"{what} must be an array of class ids, got {_describe(answer)}.")
    array = answer.detach().cpu().numpy() if isinstance(answer, torch.Tensor) else answer
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise _Stop(f"{what} must hold integer class ids, got {array.dtype}: class ids are whole numbers, "
                    "never rounded or cast from floats.")
    return array


def _per_image(answer: Any, reference: torch.Tensor) -> torch.Tensor | None:
    """`answer` as an integer tensor shaped like `reference` ([N, H, W]); an (H, W) answer counts for N = 1."""
    answer = torch.as_tensor(_integer_array(answer, "A class map")).to(reference.dtype)
    if answer.ndim == 2 and reference.shape[0] == 1:
        answer = answer.unsqueeze(0)
    return answer if answer.shape == reference.shape else None


# --- coding exercises: call the learner's function on fresh inputs -------------------------------


def _rng(seed: int | None) -> np.random.Generator:
    """A generator of fresh inputs: `seed` None draws a new seed, so every call sees new inputs."""
    return np.random.default_rng(seed)


TIME_LIMIT_S = 5.0
"""Seconds a learner's function may run per call before the check stops with feedback.

Enforced with ``signal.setitimer`` and SIGALRM, so only where those exist (not on Windows) and only when the
checker runs in the main thread (as a notebook cell does); elsewhere the function runs without a limit.
"""

TOO_SLOW = ("Your function ran past the {:g} s time limit: look for a loop that never ends, or a Python loop over every "
            "pixel where one array operation would do.")
"""Feedback (after "Not yet. ") when the learner's function runs past :data:`TIME_LIMIT_S`."""


class _Shared:
    """Marks an argument that `_call` hands to the learner as it is, not copied: what the exercise asks to change."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _copy(value: Any) -> Any:
    """A copy of an argument for the learner: arrays, tensors, images and modules copied, containers copied through."""
    if isinstance(value, _Shared):
        return value.value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, Image.Image):
        return value.copy()
    if isinstance(value, torch.nn.Module):
        return copy.deepcopy(value)
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_copy(v) for v in value)
    if isinstance(value, dict):
        return type(value)((k, _copy(v)) for k, v in value.items())
    return value


class _TimeUp(BaseException):
    """Raised in the learner's function by SIGALRM; a BaseException, so that its own ``except Exception`` misses it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in the body after `seconds` (again every 0.5 s until it ends); a no-op where SIGALRM cannot work."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, alarm)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)  # repeats: a bare `except:` cannot swallow it for good
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer[0] > 0:  # an enclosing timer (e.g. a test runner's): give it back what is left
            signal.setitimer(signal.ITIMER_REAL, *outer)


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function on copies of the arguments, under :data:`TIME_LIMIT_S`.

    Arrays, tensors, PIL images, modules and the containers holding them are copied, so the checker's own
    inputs stay pristine for the reference; wrap an argument in `_Shared` to hand it over as it is. An
    untouched stub, an error of any kind, or running past the time limit ends the check with one line.
    """
    if not callable(function):
        raise _Stop(NOT_A_FUNCTION.format(_describe(function)))
    args, kwargs = _copy(args), _copy(kwargs)
    try:
        with _time_limit(TIME_LIMIT_S):
            return function(*args, **kwargs)
    except _TimeUp:
        raise _Stop(TOO_SLOW.format(TIME_LIMIT_S)) from None
    except NotImplementedError:
        raise _NotAttempted() from None
    except (Exception, SystemExit) as error:  # the learner's bug: report it in one line, never raise
        text = str(error).splitlines()[0] if str(error) else ""
        raise _Stop(f"Your function raised {type(error).__name__}" + (f": {text}" if text else ".")) from None


class _NotAttempted(Exception):
    """The learner's function is still the stub."""


def _coding(check: Callable[[], str]) -> bool:
    """Run a coding exercise's `check` and print one line: correct, not yet, or not attempted yet."""
    try:
        return _feedback(True, check())
    except _NotAttempted:
        print(NOT_ATTEMPTED)
        return False
    except _Stop as stop:
        return _feedback(False, str(stop))
    except Exception as error:  # e.g. a returned object that breaks the comparison: one line, never a traceback
        return _feedback(False, f"Your function's result could not be checked ({type(error).__name__}): return what "
                                "the exercise asks for, of the type it names.")


def _array_result(result: Any, reference: np.ndarray, *, what: str, case: str) -> np.ndarray:
    """Check that `result` is an array (or tensor) of `reference`'s shape and kind of dtype; return it as NumPy."""
    if isinstance(result, torch.Tensor):
        result = result.detach().cpu().numpy()
    if not isinstance(result, np.ndarray):
        raise _Stop(f"Return {what} as a NumPy array, got {_describe(result)} ({case}).")
    integer = np.issubdtype(reference.dtype, np.integer)
    if result.dtype == bool and reference.dtype != bool or integer and not np.issubdtype(result.dtype, np.integer):
        raise _Stop(f"{what[0].upper()}{what[1:]} must have an integer dtype, got {result.dtype} ({case}).")
    if result.shape != reference.shape:
        raise _Stop(f"{what[0].upper()}{what[1:]} must have shape {reference.shape}, got {result.shape} ({case}).")
    return result


class _ToyModel(torch.nn.Module):
    """A 1x1-convolution segmenter that returns torchvision's OrderedDict with 'out' and 'aux'."""

    def __init__(self, num_classes: int, generator: torch.Generator) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):  # Conv2d's own init draws from the global generator: leave it alone
            self.out = torch.nn.Conv2d(3, num_classes, 1)
            self.aux = torch.nn.Conv2d(3, num_classes, 1)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=generator))
        self.eval()

    def forward(self, x: torch.Tensor) -> OrderedDict[str, torch.Tensor]:
        return OrderedDict(out=self.out(x), aux=self.aux(x))


def _labels_result(result: Any, reference: torch.Tensor, *, case: str, what: str = "your class map") -> torch.Tensor:
    """Check that `result` (tensor or array) holds integer class ids in `reference`'s shape; return it as int64."""
    if isinstance(result, np.ndarray):
        result = torch.from_numpy(result)
    if not isinstance(result, torch.Tensor):
        raise _Stop(f"Return {what} as a tensor (or NumPy array) of class ids, got {_describe(result)} ({case}).")
    if result.is_floating_point() or result.is_complex() or result.dtype == torch.bool:
        raise _Stop(f"{what[0].upper()}{what[1:]} holds {result.dtype} values: class ids are integers, the index "
                    f"of the winning class, not scores ({case}).")
    if tuple(result.shape) != tuple(reference.shape):
        raise _Stop(f"{what[0].upper()}{what[1:]} must have shape {tuple(reference.shape)}, got "
                    f"{tuple(result.shape)} ({case}).")
    return result.to(torch.int64)
