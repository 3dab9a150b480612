"""The grading sandbox's wire format: limits, allowlists, the encoder, and frames.

Both sides use it: the grader (:mod:`._sandbox_learner`) and the learner's process
(:mod:`._sandbox_child`, which loads it from this folder, not from the package); its decoder
is :mod:`._sandbox_decode`. It imports nothing of segtutor's own: an allowlisted class is
imported by name only when a message needs it.

A message is a JSON tree plus raw byte blobs (array and tensor data); nothing is ever
pickled. Arrays, tensors, images and modules are tagged nodes; a module travels as its
class (from an allowlist), its constructor arguments, its parameters and its children.
"""

from __future__ import annotations

import importlib
import json
import struct
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
