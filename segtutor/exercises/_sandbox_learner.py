"""The grading sandbox's proxy: the learner's process, and the object the checker calls in its place.

Each call ships the arguments over (:mod:`._sandbox_wire`), calls the learner's function in
:mod:`._sandbox_child`, and ships back the return value and the state the call left its
arguments in (arrays and tensors edited in place, modules' weights, gradients, flags and
layers, optimizer and scheduler state), which the proxy copies into the checker's objects.
Nothing that comes back is unpickled; anything malformed ends the grading as "crashed".
"""

from __future__ import annotations

import builtins
import contextlib
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from . import _sandbox_decode as _decode
from . import _sandbox_wire as _wire
from ._common import NOT_ATTEMPTED

_STARTUP_S = 120.0  # starting Python and importing torch, before any learner code runs (a loaded machine is slow)
_FILE_BYTES = 16 * 2**20


class _Verdict(BaseException):
    """Ends a grading early; a BaseException, so that no checker's ``except Exception`` catches it."""

    def __init__(self, status: str, feedback: str) -> None:
        super().__init__(feedback)
        self.status, self.feedback = status, feedback if status == "not attempted" else "Not yet. " + feedback


class _GraderError(BaseException):
    """A checker's argument that the sandbox cannot carry: the grader's own bug, never the learner's grade."""


class _Learner:
    """The learner's process, and the proxy the checker calls (the object itself)."""

    def __init__(self, time_limit: float, memory_limit: int) -> None:
        self.time_limit, self.memory_limit, self.left = time_limit, memory_limit, time_limit

    def __enter__(self) -> _Learner:
        self.folder = tempfile.mkdtemp(prefix="segtutor-grade-")
        request, self.request = os.pipe()
        self.reply, reply = os.pipe()
        root = Path(__file__).resolve().parents[2]
        command = [sys.executable, "-I", str(Path(__file__).with_name("_sandbox_child.py")), str(root), str(request),
                   str(reply), str(self.memory_limit), str(_FILE_BYTES), str(int(self.time_limit) + 1)]
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": self.folder, "TMPDIR": self.folder,
                       "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "LC_ALL": "C.UTF-8"}
        with open(Path(self.folder) / "stderr", "wb") as stderr:
            self.process = subprocess.Popen(command, cwd=self.folder, env=environment, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=stderr, pass_fds=(request, reply),
                                            start_new_session=True)
        os.close(request)
        os.close(reply)
        os.set_blocking(self.request, False)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # the learner's process and whatever it started
        self.process.wait()
        os.close(self.request)
        os.close(self.reply)
        shutil.rmtree(self.folder, ignore_errors=True)

    def load(self, source: str, function: str) -> None:
        """Wait for the process to start, then run `source` in it (on the learner's time)."""
        try:
            self._receive(time.monotonic() + _STARTUP_S)
        except (_Verdict, TimeoutError):
            log = (Path(self.folder) / "stderr").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the learner's Python process did not start: {log}") from None
        reply, _ = self._exchange({"source": source, "function": function}, [], "Your code")
        if reply.get("loaded") is not True:
            failure = reply.get("error")
            error: dict = failure if isinstance(failure, dict) else {}
            if error.get("base") == "NotImplementedError":
                raise _Verdict("not attempted", NOT_ATTEMPTED)
            self._memory(error, "Your code")
            raise _Verdict("crashed", f"Your code raised {_line(error.get('type'))}: {_line(error.get('text'))}")
        if reply.get("defined") is not True:
            raise _Verdict("wrong", f"Your code did not define `{function}`.")
        if reply.get("callable") is not True:
            raise _Verdict("wrong", f"Your code defines `{function}`, but not as a function.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        encoder = _wire.Encoder([])
        try:
            call = encoder.value([args, kwargs])
        except _wire.Unsupported as error:  # the checker passed a value the sandbox cannot carry: the grader's bug
            raise _GraderError(f"the sandbox cannot carry {error} to the learner's process") from None
        reply, blobs = self._exchange({"call": call}, encoder.blobs, "Your function")
        try:
            if "unsupported" in reply:
                raise _Verdict("crashed", f"Your function returned or built {_line(reply['unsupported'])}, which the "
                                          "grader cannot check outside your code: use torch.nn's own layers.")
            decoder = _decode.Decoder(blobs, [], post=True)
            same: dict[int, Any] = {}
            _apply(decoder.value(reply["post"]), [args, kwargs], same)
            decoder.objects[:] = [same.get(id(o), o) for o in decoder.objects]  # now the checker's own objects
            raised = None if reply["raised"] is None else _exception(reply["raised"])
            returned = decoder.value(reply["returned"])
        except (_wire.WireError, LookupError, TypeError, ValueError, AttributeError, RuntimeError) as error:
            raise _Verdict("crashed", "The grader could not read your function's answer: it is malformed.") from error
        if raised is not None:
            self._memory(reply["raised"], "Your function")
            raise raised
        return returned

    def _memory(self, error: dict, who: str) -> None:
        text = str(error.get("text"))
        if error.get("base") == "MemoryError" or "can't allocate memory" in text or "DefaultCPUAllocator" in text:
            raise _Verdict("out of memory", f"{who} used more than {self.memory_limit / 2**30:g} GiB of memory.")

    def _exchange(self, message: dict, blobs: list[bytes], who: str) -> tuple[dict, list[bytes]]:
        """Send one request and wait for its reply, on the learner's time."""
        start = time.monotonic()
        deadline = start + self.left
        try:
            self._send(_wire.encode_frame(message, blobs), deadline)
            return self._receive(deadline)
        except TimeoutError:
            raise _Verdict("timed out", f"{who} ran past the {self.time_limit:g} s time limit.") from None
        finally:
            self.left -= time.monotonic() - start

    def _send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            if not select.select([], [self.request], [], self._wait(deadline))[1]:
                continue
            try:
                view = view[os.write(self.request, view):]
            except (BrokenPipeError, BlockingIOError):
                if self.process.poll() is not None:
                    self._died()

    def _receive(self, deadline: float) -> tuple[dict, list[bytes]]:
        (size,) = struct.unpack("<Q", self._read(8, deadline))
        if size > _wire.MAX_FRAME:
            raise _Verdict("crashed", "The grader could not read your function's answer: it is too long.")
        try:
            message, sizes = _wire.decode_header(self._read(size, deadline))
        except _wire.WireError:
            raise _Verdict("crashed", "The grader could not read your function's answer: it is malformed.") from None
        return message, [self._read(n, deadline) for n in sizes]

    def _read(self, size: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < size:
            if not select.select([self.reply], [], [], self._wait(deadline))[0]:
                if self.process.poll() is not None:
                    self._died()
                continue
            chunk = os.read(self.reply, min(size - len(data), 2**20))
            if not chunk:
                self._died()
            data += chunk
        return bytes(data)

    def _wait(self, deadline: float) -> float:
        """Seconds to wait for the pipe: a quarter of a second at most, so a dead process is seen."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return min(left, 0.25)

    def _died(self) -> None:
        code = self.process.wait()
        if code == -signal.SIGXCPU:
            raise _Verdict("timed out", f"Your function ran past the {self.time_limit:g} s time limit (CPU time).")
        raise _Verdict("crashed", f"Your code ended its Python process (exit code {code}) before it answered.")


def _line(text: object) -> str:
    """The first line of an untrusted message, at most 200 characters."""
    lines = str(text).splitlines()
    return lines[0][:200] if lines else ""


def _exception(error: dict) -> Exception:
    """The learner's exception, rebuilt in the grader: its type's name and message, under its builtin base class."""
    name, base, text = str(error["type"]), getattr(builtins, str(error["base"]), Exception), _line(error["text"])
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception  # SystemExit, KeyboardInterrupt: the checker reports them like any other error
    if not name.isidentifier() or len(name) > 100:
        name = base.__name__
    kind = type(name, (base,), {"__str__": lambda self: text, "__init__": Exception.__init__})
    return kind(text)


def _apply(state: Any, target: Any, same: dict[int, Any]) -> None:
    """Copy the learner's post-call `state` of the arguments into the checker's `target` objects.

    `same` maps the id of each state object copied into a target to that target.
    """
    if isinstance(target, (np.ndarray, torch.Tensor, nn.Module, torch.optim.Optimizer,
                           torch.optim.lr_scheduler.LRScheduler)):
        same[id(state)] = target
    if isinstance(target, np.ndarray) and isinstance(state, np.ndarray):
        if target.flags.writeable and state.shape == target.shape and state.dtype == target.dtype:
            target[...] = state
    elif isinstance(target, torch.Tensor) and isinstance(state, torch.Tensor):
        _apply_tensor(state, target)
    elif isinstance(target, nn.Module) and isinstance(state, nn.Module):
        _apply_module(state, target, same)
    elif isinstance(target, torch.optim.Optimizer) and type(state) is _wire.OptimizerState:
        current, groups = target.state_dict(), state.state["param_groups"]
        if len(groups) != len(current["param_groups"]):
            raise _wire.WireError("an optimizer with another number of parameter groups")
        target.load_state_dict({"state": state.state["state"], "param_groups": [  # known keys, of their own types
            {**old, **{k: v for k, v in new.items() if k in old and k != "params" and type(v) is type(old[k])}}
            for old, new in zip(current["param_groups"], groups)]})
        if isinstance(getattr(target, "events", None), list) and state.events is not None:
            target.events[:] = state.events  # type: ignore[attr-defined]  # the recording SGD of check_training_step_function
    elif isinstance(target, torch.optim.lr_scheduler.LRScheduler) and type(state) is _wire.SchedulerState:
        current = target.state_dict()
        target.load_state_dict({**current, **{k: v for k, v in state.state.items()
                                              if k in current and type(v) is type(current[k])}})
    elif type(target) in (list, tuple) and type(state) is type(target) and len(state) == len(target):
        for part, item in zip(state, target):
            _apply(part, item, same)
    elif isinstance(target, dict) and isinstance(state, dict):
        for key in set(target) & set(state):
            _apply(state[key], target[key], same)


def _apply_tensor(state: torch.Tensor, target: torch.Tensor) -> None:
    if state.shape != target.shape or state.dtype != target.dtype:
        return
    with torch.no_grad():
        target.copy_(state)
    if target.is_leaf:
        target.requires_grad_(state.requires_grad)
        target.grad = state.grad


def _apply_module(state: nn.Module, target: nn.Module, same: dict[int, Any]) -> None:
    target.training = state.training
    tables: list[tuple[dict[str, Any], dict[str, Any]]] = [(target._parameters, state._parameters),
                                                           (target._buffers, state._buffers)]
    for table, new in tables:
        for name in [n for n in table if n not in new]:
            del table[name]
        for name, tensor in new.items():
            current = table.get(name)
            if current is not None and tensor is not None and current.shape == tensor.shape and current.dtype == tensor.dtype:
                _apply_tensor(tensor, current)
                same[id(tensor)] = current
            else:
                table[name] = tensor
    for name in [n for n in target._modules if n not in state._modules]:
        del target._modules[name]
    for name, child in state._modules.items():
        current = target._modules.get(name)
        if current is not None and child is not None and type(current) is type(child) \
                and _wire.layer_arguments(current) == _wire.layer_arguments(child):
            same[id(child)] = current
            _apply_module(child, current, same)
        else:
            target._modules[name] = child

