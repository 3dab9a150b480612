"""The learner's process of the grading sandbox.

Run as a script, ``python -I _sandbox_child.py ROOT REQUEST_FD REPLY_FD MEMORY_BYTES
FILE_BYTES CPU_SECONDS``, it limits itself, runs the learner's code, then calls the learner's
function once for each request and replies with the return value and the state the call left
its arguments in. It imports nothing of segtutor's own until an argument needs one of
segtutor's model classes: it loads the wire format (:mod:`._sandbox_wire`,
:mod:`._sandbox_decode`) from its own folder, the very files the grader imports.
"""

from __future__ import annotations

import builtins
import json
import os
import struct
import sys
from typing import Any

import torch
from torch import nn

if __package__:  # imported from the package, e.g. by the tests
    from . import _sandbox_decode as decode
    from . import _sandbox_wire as wire
else:  # run as a script: ``python -I`` leaves this folder off sys.path, and the learner's code must not find it there
    _FOLDER = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, _FOLDER)
    import _sandbox_decode as decode  # type: ignore[import-not-found, no-redef]
    import _sandbox_wire as wire  # type: ignore[import-not-found, no-redef]

    sys.path.remove(_FOLDER)


def _read(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _receive(fd: int) -> tuple[dict, list[bytes]]:
    message, sizes = wire.decode_header(_read(fd, struct.unpack("<Q", _read(fd, 8))[0]))
    return message, [_read(fd, n) for n in sizes]


def _send(fd: int, message: dict, blobs: list[bytes] | None = None) -> None:
    data = memoryview(wire.encode_frame(message, blobs or []))
    while data:
        data = data[os.write(fd, data):]


def _error(error: BaseException) -> dict:
    base = next(k for k in type(error).__mro__ if k.__module__ == "builtins")
    try:
        arguments = json.loads(json.dumps(list(error.args)))
    except (TypeError, ValueError):
        arguments = None
    return {"type": type(error).__name__, "base": base.__name__, "args": arguments, "text": str(error)[:2000]}


def _limit(memory: int, file_size: int) -> None:
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))  # RLIMIT_AS would stop torch's import: it maps GiBs
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit raises OSError instead
    torch.set_num_threads(1)
    model = nn.Conv2d(3, 2, 3)
    model(torch.randn(1, 3, 5, 5)).sum().backward()  # start torch's thread pools before threads are refused
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # no new process or thread (not enforced for root)


def _serve(request: int, reply: int, function: Any) -> None:
    while True:
        message, blobs = _receive(request)
        objects: list = []
        args, kwargs = decode.Decoder(blobs, objects).value(message["call"])
        try:
            result, raised = function(*args, **kwargs), None
        except BaseException as error:  # the learner's error is reported, whatever it is
            result, raised = None, _error(error)
        try:  # one encoder: a returned object that is (part of) an argument travels as a reference to it
            encoder = wire.Encoder([], post=True)
            state, returned = encoder.value([args, kwargs]), encoder.value(result)
        except wire.Unsupported as error:
            _send(reply, {"unsupported": str(error)})
            continue
        _send(reply, {"post": state, "returned": returned, "raised": raised}, encoder.blobs)


def main(argv: list[str]) -> None:
    """The learner's process: limits, a handshake, the learner's code, then one reply per call."""
    root, request, reply, memory, file_size, seconds = argv[0], *(int(a) for a in argv[1:6])
    _limit(memory, file_size)
    sys.path.insert(0, root)
    _send(reply, {"ready": True})
    message, _ = _receive(request)
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = int(used.ru_utime + used.ru_stime) + seconds + 2  # the learner's CPU seconds, from here on
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(message["source"], "<your code>", "exec"), namespace)
    except BaseException as error:
        _send(reply, {"loaded": False, "error": _error(error)})
        return
    function = namespace.get(message["function"])
    _send(reply, {"loaded": True, "defined": message["function"] in namespace, "callable": callable(function)})
    if callable(function):
        _serve(request, reply, function)


if __name__ == "__main__":
    main(sys.argv[1:])
