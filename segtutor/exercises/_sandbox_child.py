"""The grading sandbox's wire format, and the learner's side of it.

Imported (by :mod:`segtutor.exercises._sandbox`), it gives the grader the encoder and
decoder. Run as a script, ``python -I _sandbox_child.py ROOT REQUEST_FD REPLY_FD
MEMORY_BYTES FILE_BYTES CPU_SECONDS``, it is the learner's process: it limits itself, runs the
learner's code, then calls the learner's function once for each request and replies with
the return value and the state the call left its arguments in. It imports nothing of
segtutor's own until an argument needs one of segtutor's model classes.

A message is a JSON tree plus raw byte blobs (array and tensor data); nothing is ever
pickled. Arrays, tensors, images and modules are tagged nodes; a module travels as its
class (from an allowlist), its constructor arguments, its parameters and its children.
"""

from __future__ import annotations

import builtins
import importlib
import json
import os
import struct
import sys
from collections import OrderedDict
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

MAX_FRAME = 256 * 2**20
"""The most bytes one message may hold; a longer one is malformed."""
_MAX_DEPTH = 48
_DTYPES = {str(d).removeprefix("torch."): d for d in (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32,
                                                      torch.int64, torch.float16, torch.float32, torch.float64)}
_IMAGE_MODES = ("1", "L", "P", "RGB", "RGBA", "I", "F", "LA", "I;16")
_LAYERS = {  # leaf layers rebuilt from their constructor's arguments, read back from their attributes
    "torch.nn.modules.conv.Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                                     "groups", "bias", "padding_mode"),
    "torch.nn.modules.conv.ConvTranspose2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                                              "output_padding", "groups", "bias", "dilation", "padding_mode"),
    "torch.nn.modules.linear.Linear": ("in_features", "out_features", "bias"),
    "torch.nn.modules.linear.Identity": (),
    "torch.nn.modules.batchnorm.BatchNorm2d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "torch.nn.modules.normalization.GroupNorm": ("num_groups", "num_channels", "eps", "affine"),
    "torch.nn.modules.activation.ReLU": ("inplace",),
    "torch.nn.modules.activation.LeakyReLU": ("negative_slope", "inplace"),
    "torch.nn.modules.activation.Sigmoid": (),
    "torch.nn.modules.activation.Softmax": ("dim",),
    "torch.nn.modules.dropout.Dropout": ("p", "inplace"),
    "torch.nn.modules.dropout.Dropout2d": ("p", "inplace"),
    "torch.nn.modules.pooling.MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
    "torch.nn.modules.pooling.AdaptiveAvgPool2d": ("output_size",),
    "torch.nn.modules.upsampling.Upsample": ("size", "scale_factor", "mode", "align_corners"),
}
_CONTAINERS = {  # rebuilt empty, then given their children: their forward uses nothing else
    "torch.nn.modules.container.Sequential", "torch.nn.modules.container.ModuleList",
    "torch.nn.modules.container.ModuleDict", "segtutor.exercises._common._ToyModel",
    "segtutor.exercises.training._TwoHeads", "segtutor.exercises.transfer._Segmenter",
    "segtutor.exercises.transfer._SmallFCN",
    "torchvision.models.segmentation.deeplabv3.DeepLabHead", "torchvision.models.segmentation.deeplabv3.ASPP",
    "torchvision.models.segmentation.deeplabv3.ASPPConv", "torchvision.models.segmentation.deeplabv3.ASPPPooling",
    "torchvision.models.segmentation.fcn.FCNHead",
}
_RECORDING = ("segtutor.exercises.training._RecordingSGD", "segtutor.exercises.training._RecordingStepLR")
_OPTIMIZERS = ("torch.optim.sgd.SGD", "torch.optim.adam.Adam", "torch.optim.adamw.AdamW", _RECORDING[0])
_SCHEDULERS = ("torch.optim.lr_scheduler.StepLR", _RECORDING[1])


class WireError(Exception):
    """A message that is not well formed, or holds a value of a kind the sandbox does not carry."""


class Unsupported(WireError):
    """A value the sandbox cannot carry, e.g. a module of a class outside the allowlist."""


def _name(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def _class(name: str, allowed: Any) -> type:
    if name not in allowed:
        raise Unsupported(f"a {name.rsplit('.', 1)[-1]}")
    module, _, qualname = name.rpartition(".")
    return getattr(importlib.import_module(module), qualname)


def layer_arguments(module: nn.Module) -> dict[str, Any]:
    """The constructor arguments a layer of the allowlist is rebuilt from ({} for a container)."""
    name = _name(type(module))
    if name not in _LAYERS and name not in _CONTAINERS:
        raise Unsupported(f"a {type(module).__name__} module")
    return {a: (getattr(module, a) is not None) if a == "bias" else getattr(module, a) for a in _LAYERS.get(name, ())}


class OptimizerState:
    """An optimizer's state after a call: its class name, ``state_dict()`` and recorded events."""

    def __init__(self, name: str, state: dict, events: list | None) -> None:
        self.name, self.state, self.events = name, state, events


class SchedulerState(OptimizerState):
    """A learning-rate scheduler's state after a call."""


class Opaque:
    """Stands for a returned value of a kind the sandbox does not carry; only its type's name travels."""


class Encoder:
    """Turns values into a JSON tree and blobs; objects already in `objects` travel as references."""

    def __init__(self, objects: list, *, post: bool = False) -> None:
        self.objects, self.ids, self.post = objects, {id(o): i for i, o in enumerate(objects)}, post
        self.blobs: list[bytes] = []

    def _blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def _register(self, value: Any) -> None:
        self.ids[id(value)] = len(self.objects)
        self.objects.append(value)

    def value(self, value: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unsupported("a value nested too deeply")
        if value is None or type(value) in (bool, int, float, str):
            return value
        if id(value) in self.ids:
            return {"ref": self.ids[id(value)]}
        if type(value) in (list, tuple):
            return {type(value).__name__: [self.value(v, depth + 1) for v in value]}
        if type(value) in (dict, OrderedDict):
            return {"dict": [[self.value(k, depth + 1), self.value(v, depth + 1)] for k, v in value.items()],
                    "ordered": type(value) is OrderedDict}
        if type(value) is torch.Size:
            return {"size": [int(v) for v in value]}
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {"scalar": self._blob(value.tobytes()), "dtype": value.dtype.str}
        return self._mutable(value, depth)

    def _mutable(self, value: Any, depth: int) -> Any:
        if type(value) is np.ndarray and value.dtype.kind in "biuf":
            self._register(value)
            return {"array": self._blob(np.ascontiguousarray(value).tobytes()), "dtype": value.dtype.str,
                    "shape": list(value.shape), "writeable": bool(value.flags.writeable)}
        if isinstance(value, torch.Tensor) and type(value) in (torch.Tensor, nn.Parameter):
            return self._tensor(value, depth)
        if isinstance(value, Image.Image):
            return {"image": self._blob(value.tobytes()), "mode": value.mode, "size": list(value.size),
                    "palette": value.getpalette() if value.mode == "P" else None}
        if isinstance(value, nn.Module):
            return self._module(value, depth)
        if isinstance(value, torch.optim.Optimizer):
            return self._optimizer(value, depth)
        if isinstance(value, torch.optim.lr_scheduler.LRScheduler):
            name = _name(type(value))
            if name not in _SCHEDULERS:
                raise Unsupported(f"a {type(value).__name__}")
            state = {k: v for k, v in value.state_dict().items() if k != "events"}  # the recording's list travels once
            node = {"scheduler": name, "state": self.value(state, depth + 1),
                    "optimizer": None if self.post else self.value(value.optimizer, depth + 1)}
            self._register(value)
            return node
        return {"opaque": type(value).__name__}

    def _tensor(self, value: torch.Tensor, depth: int) -> Any:
        dtype = str(value.dtype).removeprefix("torch.")
        if dtype not in _DTYPES or value.layout != torch.strided:
            raise Unsupported(f"a {dtype} tensor")
        self._register(value)
        data = value.detach().cpu().contiguous().numpy().tobytes()
        grad = None if value.grad is None else self.value(value.grad, depth + 1)
        return {"tensor": self._blob(data), "dtype": dtype, "shape": list(value.shape),
                "requires_grad": value.requires_grad, "parameter": isinstance(value, nn.Parameter), "grad": grad}

    def _module(self, module: nn.Module, depth: int) -> Any:
        name, arguments = _name(type(module)), layer_arguments(module)
        self._register(module)
        return {"module": name, "args": self.value(arguments, depth + 1), "training": module.training,
                "children": [[k, self.value(c, depth + 1)] for k, c in module._modules.items()],
                "params": [[k, self.value(p, depth + 1)] for k, p in module._parameters.items()],
                "buffers": [[k, self.value(b, depth + 1)] for k, b in module._buffers.items()]}

    def _optimizer(self, optimizer: torch.optim.Optimizer, depth: int) -> Any:
        name = _name(type(optimizer))
        if name not in _OPTIMIZERS:
            raise Unsupported(f"a {type(optimizer).__name__}")
        params = None if self.post else [self.value(p, depth + 1) for g in optimizer.param_groups for p in g["params"]]
        if params and any("ref" not in p for p in params):
            raise Unsupported("an optimizer whose parameters are not in a module passed before it")
        events = getattr(optimizer, "events", None)
        node = {"optimizer": name, "params": params, "state": self.value(optimizer.state_dict(), depth + 1),
                "events": None if events is None else self.value(list(events), depth + 1)}
        self._register(optimizer)
        return node


class Decoder:
    """Turns a JSON tree and blobs back into values; refuses anything malformed with WireError."""

    def __init__(self, blobs: list[bytes], objects: list, *, post: bool = False) -> None:
        self.blobs, self.objects, self.post = blobs, objects, post
        self.events: list[str] = []

    def _blob(self, index: Any) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError("a blob index out of range")
        return self.blobs[index]

    def value(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise WireError("a value nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is not dict or not node:
            raise WireError("a node that is not a tagged object")
        tag = next(iter(node))
        if tag == "ref":
            if type(node["ref"]) is not int or not 0 <= node["ref"] < len(self.objects):
                raise WireError("a reference out of range")
            return self.objects[node["ref"]]
        if tag in ("list", "tuple") and type(node[tag]) is list:
            items = [self.value(v, depth + 1) for v in node[tag]]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and type(node["dict"]) is list:
            pairs = [(self.value(k, depth + 1), self.value(v, depth + 1)) for k, v in node["dict"]]
            return OrderedDict(pairs) if node.get("ordered") else dict(pairs)
        if tag == "size":
            return torch.Size([int(v) for v in node["size"]])
        if tag == "scalar":
            return self._array(node["scalar"], node["dtype"], ())[()]
        if tag == "opaque":
            name = node["opaque"]
            if type(name) is not str or not name.isidentifier() or len(name) > 100:
                raise WireError("an opaque value with a bad type name")
            return type(name, (Opaque,), {})()
        return self._mutable(tag, node, depth)

    def _register(self, value: Any) -> Any:
        self.objects.append(value)
        return value

    def _mutable(self, tag: str, node: dict, depth: int) -> Any:
        if tag == "array":
            array = self._array(node["array"], node["dtype"], node["shape"]).copy()
            array.flags.writeable = node["writeable"] is True
            return self._register(array)
        if tag == "tensor":
            return self._tensor(node, depth)
        if tag == "image":
            if node["mode"] not in _IMAGE_MODES:
                raise WireError("an image of an unknown mode")
            width, height = (int(v) for v in node["size"])
            image = Image.frombytes(node["mode"], (width, height), self._blob(node["image"]))
            if node["mode"] == "P" and node["palette"] is not None:
                image.putpalette([int(v) for v in node["palette"]])
            return image
        if tag == "module":
            return self._module(node, depth)
        if tag == "optimizer":
            return self._optimizer(node, depth)
        if tag == "scheduler":
            return self._scheduler(node, depth)
        raise WireError(f"an unknown tag {tag[:40]!r}")

    def _array(self, blob: Any, dtype: Any, shape: Any) -> np.ndarray:
        kind = np.dtype(dtype) if type(dtype) is str and len(dtype) < 8 else None
        if kind is None or kind.kind not in "biuf" or type(shape) not in (list, tuple) \
                or not all(type(v) is int and v >= 0 for v in shape):
            raise WireError("an array of a bad dtype or shape")
        data = self._blob(blob)
        if len(data) != kind.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise WireError("an array whose data does not match its shape")
        return np.frombuffer(data, dtype=kind).reshape(shape)

    def _tensor(self, node: dict, depth: int) -> torch.Tensor:
        dtype = _DTYPES.get(node["dtype"]) if type(node["dtype"]) is str else None
        if dtype is None:
            raise WireError("a tensor of a bad dtype")
        numpy_dtype = torch.empty(0, dtype=dtype).numpy().dtype.str
        tensor = torch.from_numpy(self._array(node["tensor"], numpy_dtype, node["shape"]).copy())
        tensor = nn.Parameter(tensor, requires_grad=node["requires_grad"] is True) if node["parameter"] is True \
            else tensor.requires_grad_(node["requires_grad"] is True)
        self._register(tensor)
        if node["grad"] is not None:
            tensor.grad = self.value(node["grad"], depth + 1)
        return tensor

    def _module(self, node: dict, depth: int) -> nn.Module:
        kind = _class(node["module"], (*_LAYERS, *_CONTAINERS))
        arguments = self.value(node["args"], depth + 1)
        if node["module"] in _LAYERS:
            if type(arguments) is not dict or set(arguments) != set(_LAYERS[node["module"]]):
                raise WireError("a layer with the wrong arguments")
            with torch.device("meta"):  # nothing allocated or drawn at random: the data comes with the message
                module = kind(**arguments)
        else:
            module = kind.__new__(kind)  # type: ignore[call-overload]
            nn.Module.__init__(module)
        self._register(module)
        module.train(node["training"] is True)
        for name, child in node["children"]:
            module._modules[str(name)] = self._child(child, depth)
        for table, key in ((module._parameters, "params"), (module._buffers, "buffers")):
            for name, tensor in node[key]:
                table[str(name)] = None if tensor is None else self.value(tensor, depth + 1)
        if any(t.is_meta for t in (*module._parameters.values(), *module._buffers.values()) if t is not None):
            raise WireError("a layer without all of its parameters and buffers")
        return module

    def _child(self, node: Any, depth: int) -> nn.Module | None:
        child = self.value(node, depth + 1)
        if child is not None and not isinstance(child, nn.Module):
            raise WireError("a module's child that is not a module")
        return child

    def _optimizer(self, node: dict, depth: int) -> Any:
        state = self.value(node["state"], depth + 1)
        events = None if node["events"] is None else self.value(node["events"], depth + 1)
        if events is not None and (type(events) is not list or not all(type(e) is str for e in events)):
            raise WireError("optimizer events that are not strings")
        if self.post:
            return self._register(OptimizerState(node["optimizer"], state, events))
        params = [self.value(p, depth + 1) for p in node["params"]]
        kind = _class(node["optimizer"], _OPTIMIZERS)
        if node["optimizer"] in _RECORDING:
            self.events[:] = events or []
            optimizer = kind(params, self.events)
            for parameter in params:  # as segtutor.exercises.training._optimizer_and_scheduler hooks them
                parameter.register_hook(lambda grad, e=self.events: e.append("backward") if e[-1:] != ["backward"] else None)
        else:
            optimizer = kind(params, lr=state["param_groups"][0]["lr"])
        optimizer.load_state_dict(state)
        return self._register(optimizer)

    def _scheduler(self, node: dict, depth: int) -> Any:
        state = self.value(node["state"], depth + 1)
        if self.post:
            return self._register(SchedulerState(node["scheduler"], state, None))
        optimizer = self.value(node["optimizer"], depth + 1)
        kind = _class(node["scheduler"], _SCHEDULERS)
        if node["scheduler"] in _RECORDING:
            scheduler = kind(optimizer, self.events)
        else:
            scheduler = kind(optimizer, step_size=state["step_size"], gamma=state["gamma"])
        scheduler.load_state_dict(state)
        return self._register(scheduler)


def encode_frame(message: dict, blobs: list[bytes]) -> bytes:
    """One message as bytes: the JSON header's length, the header, then the blobs."""
    head = json.dumps({"message": message, "blobs": [len(b) for b in blobs]}).encode()
    return struct.pack("<Q", len(head)) + head + b"".join(blobs)


def decode_header(head: bytes) -> tuple[dict, list[int]]:
    """The message and the blob lengths of a frame's JSON header; WireError if malformed."""
    try:
        header = json.loads(head.decode())
    except (ValueError, RecursionError) as error:
        raise WireError("a header that is not JSON") from error
    if type(header) is not dict or type(header.get("message")) is not dict or type(header.get("blobs")) is not list \
            or not all(type(n) is int and n >= 0 for n in header["blobs"]) or sum(header["blobs"]) > MAX_FRAME:
        raise WireError("a malformed header")
    return header["message"], header["blobs"]


# --- the learner's process ------------------------------------------------------------------------


def _read(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _receive(fd: int) -> tuple[dict, list[bytes]]:
    message, sizes = decode_header(_read(fd, struct.unpack("<Q", _read(fd, 8))[0]))
    return message, [_read(fd, n) for n in sizes]


def _send(fd: int, message: dict, blobs: list[bytes] | None = None) -> None:
    data = memoryview(encode_frame(message, blobs or []))
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
        args, kwargs = Decoder(blobs, objects).value(message["call"])
        try:
            result, raised = function(*args, **kwargs), None
        except BaseException as error:  # the learner's error is reported, whatever it is
            result, raised = None, _error(error)
        try:  # one encoder: a returned object that is (part of) an argument travels as a reference to it
            encoder = Encoder([], post=True)
            state, returned = encoder.value([args, kwargs]), encoder.value(result)
        except Unsupported as error:
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
