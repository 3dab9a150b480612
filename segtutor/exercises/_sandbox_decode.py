"""The grading sandbox's decoder: a JSON tree and blobs back into values, refusing anything malformed.

Its format, allowlists and errors are :mod:`._sandbox_wire`'s. Like it, it imports nothing of
segtutor's own, so that the learner's process (:mod:`._sandbox_child`) can load it from this folder.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

if __package__:  # imported from the package, in the grader
    from . import _sandbox_wire as wire
else:  # loaded by the learner's process, from this folder
    import _sandbox_wire as wire  # type: ignore[import-not-found, no-redef]


class Decoder:
    """Turns a JSON tree and blobs back into values; refuses anything malformed with WireError."""

    def __init__(self, blobs: list[bytes], objects: list, *, post: bool = False) -> None:
        self.blobs, self.objects, self.post = blobs, objects, post
        self.events: list[str] = []

    def _blob(self, index: Any) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise wire.WireError("a blob index out of range")
        return self.blobs[index]

    def value(self, node: Any, depth: int = 0) -> Any:
        if depth > wire._MAX_DEPTH:
            raise wire.WireError("a value nested too deeply")
        if node is None or type(node) in (bool, int, float, str):
            return node
        if type(node) is not dict or not node:
            raise wire.WireError("a node that is not a tagged object")
        tag = next(iter(node))
        if tag == "ref":
            if type(node["ref"]) is not int or not 0 <= node["ref"] < len(self.objects):
                raise wire.WireError("a reference out of range")
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
                raise wire.WireError("an opaque value with a bad type name")
            return type(name, (wire.Opaque,), {})()
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
            if node["mode"] not in wire._IMAGE_MODES:
                raise wire.WireError("an image of an unknown mode")
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
        raise wire.WireError(f"an unknown tag {tag[:40]!r}")

    def _array(self, blob: Any, dtype: Any, shape: Any) -> np.ndarray:
        kind = np.dtype(dtype) if type(dtype) is str and len(dtype) < 8 else None
        if kind is None or kind.kind not in "biuf" or type(shape) not in (list, tuple) \
                or not all(type(v) is int and v >= 0 for v in shape):
            raise wire.WireError("an array of a bad dtype or shape")
        data = self._blob(blob)
        if len(data) != kind.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise wire.WireError("an array whose data does not match its shape")
        return np.frombuffer(data, dtype=kind).reshape(shape)

    def _tensor(self, node: dict, depth: int) -> torch.Tensor:
        dtype = wire._DTYPES.get(node["dtype"]) if type(node["dtype"]) is str else None
        if dtype is None:
            raise wire.WireError("a tensor of a bad dtype")
        numpy_dtype = torch.empty(0, dtype=dtype).numpy().dtype.str
        tensor = torch.from_numpy(self._array(node["tensor"], numpy_dtype, node["shape"]).copy())
        tensor = nn.Parameter(tensor, requires_grad=node["requires_grad"] is True) if node["parameter"] is True \
            else tensor.requires_grad_(node["requires_grad"] is True)
        self._register(tensor)
        if node["grad"] is not None:
            tensor.grad = self.value(node["grad"], depth + 1)
        return tensor

    def _module(self, node: dict, depth: int) -> nn.Module:
        kind = wire._class(node["module"], (*wire._LAYERS, *wire._CONTAINERS))
        arguments = self.value(node["args"], depth + 1)
        if node["module"] in wire._LAYERS:
            if type(arguments) is not dict or set(arguments) != set(wire._LAYERS[node["module"]]):
                raise wire.WireError("a layer with the wrong arguments")
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
            raise wire.WireError("a layer without all of its parameters and buffers")
        return module

    def _child(self, node: Any, depth: int) -> nn.Module | None:
        child = self.value(node, depth + 1)
        if child is not None and not isinstance(child, nn.Module):
            raise wire.WireError("a module's child that is not a module")
        return child

    def _optimizer(self, node: dict, depth: int) -> Any:
        state = self.value(node["state"], depth + 1)
        events = None if node["events"] is None else self.value(node["events"], depth + 1)
        if events is not None and (type(events) is not list or not all(type(e) is str for e in events)):
            raise wire.WireError("optimizer events that are not strings")
        if self.post:
            return self._register(wire.OptimizerState(node["optimizer"], state, events))
        params = [self.value(p, depth + 1) for p in node["params"]]
        kind = wire._class(node["optimizer"], wire._OPTIMIZERS)
        if node["optimizer"] in wire._RECORDING:
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
            return self._register(wire.SchedulerState(node["scheduler"], state, None))
        optimizer = self.value(node["optimizer"], depth + 1)
        kind = wire._class(node["scheduler"], wire._SCHEDULERS)
        if node["scheduler"] in wire._RECORDING:
            scheduler = kind(optimizer, self.events)
        else:
            scheduler = kind(optimizer, step_size=state["step_size"], gamma=state["gamma"])
        scheduler.load_state_dict(state)
        return self._register(scheduler)

