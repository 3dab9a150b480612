"""Running a model: logits and the argmax class map."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal, overload

import torch

from .._checks import check_batch, check_logits

__all__ = ["logits_to_labels", "predict"]


@overload
def predict(model: torch.nn.Module, batch: torch.Tensor, *, return_dict: Literal[False] = False) -> torch.Tensor: ...
@overload
def predict(model: torch.nn.Module, batch: torch.Tensor, *, return_dict: Literal[True]) -> OrderedDict[str, torch.Tensor]: ...
@overload
def predict(model: torch.nn.Module, batch: torch.Tensor, *,
            return_dict: bool = False) -> torch.Tensor | OrderedDict[str, torch.Tensor]: ...


def predict(model: torch.nn.Module, batch: torch.Tensor, *,
            return_dict: bool = False) -> torch.Tensor | OrderedDict[str, torch.Tensor]:
    """Run a segmentation model on a batch in eval mode, without tracking gradients.

    A model left in train mode is switched to eval mode for the call and
    switched back after it, every submodule to its own mode: the answer is
    the eval-mode one, and the weights, buffers (BatchNorm statistics
    included) and modes are left exactly as they were.

    Parameters
    ----------
    model : torch.nn.Module
        A model with parameters that returns an ``OrderedDict`` with an ``'out'`` entry.
    batch : torch.Tensor
        float ``[N, 3, H, W]`` normalized batch; it is moved to the model's
        device, dtype (e.g. float16 for a half-precision model) and memory
        format (channels-last for models :func:`segtutor.load_model` put on the CPU).
    return_dict : bool, optional
        Return the model's whole ``OrderedDict`` (``'out'`` and ``'aux'``)
        instead of only the ``'out'`` logits.

    Returns
    -------
    torch.Tensor or OrderedDict
        The logits, float ``[N, C, H, W]``, or the whole output.

    Raises
    ------
    TypeError
        If `model` is not a ``torch.nn.Module`` or `batch` is not a float tensor.
    ValueError
        If `model` has no parameters, or `batch` is not of shape ``[N, 3, H, W]``.
    FloatingPointError
        If the output holds inf or NaN, e.g. a float16 model overflowed: the
        message suggests float32 (``load_model(..., half=False)``).

    Examples
    --------
    >>> import segtutor
    >>> model = segtutor.load_model("lraspp_mobilenet_v3_large", weights="random")
    >>> predict(model, torch.zeros(1, 3, 64, 64)).shape
    torch.Size([1, 21, 64, 64])
    """
    check_model(model)
    check_batch(batch)
    parameter = next(model.parameters())
    batch = batch.to(parameter.device, parameter.dtype, memory_format=_memory_format(model))
    with torch.inference_mode(), eval_mode(model):
        output: OrderedDict[str, torch.Tensor] = model(batch)
    check_output(output, model)
    _check_finite(output if return_dict else {"out": output["out"]}, parameter.dtype)
    return output if return_dict else output["out"]


def check_model(model: object, *, accepts: str = "a torch.nn.Module") -> None:
    """Refuse anything but a ``torch.nn.Module`` with parameters (None, a function, an empty module)."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"`model` must be {accepts}, got {type(model).__name__}")
    if next(model.parameters(), None) is None:
        raise ValueError(f"`model` must be a torch.nn.Module with parameters, got a {type(model).__name__} with none")


def check_output(output: object, model: torch.nn.Module) -> None:
    """Refuse a model output that is not a dict holding the logits tensor under ``'out'``, as torchvision's is.

    A plain tensor, a tuple or a dict without 'out' would fail later with an unclear error (``new(): invalid
    data type 'str'``, tuple indices, KeyError); the TypeError says what the model returned instead.
    """
    if isinstance(output, Mapping) and isinstance(output.get("out"), torch.Tensor):
        return
    what = (f"a dict with the keys {', '.join(map(repr, output))} and no 'out' tensor" if isinstance(output, Mapping)
            else f"a plain tensor of shape {tuple(output.shape)}" if isinstance(output, torch.Tensor)
            else f"a {type(output).__name__}")
    raise TypeError(f"`model` must return a dict with its logits under 'out', as torchvision's segmentation models do; "
                    f"{type(model).__name__} returned {what}: wrap it, e.g. return {{'out': logits}}")


@contextmanager
def eval_mode(model: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Put every submodule in eval mode, then give each back its own mode (even a mixed one).

    Only the submodules found in train mode are switched and switched back, so a
    model already in eval mode (the usual case) costs one walk over its modules.
    """
    training = [module for module in model.modules() if module.training]
    if training:
        model.eval()
    try:
        yield model
    finally:
        for module in training:
            module.training = True


def _check_finite(output: Mapping[str, object], dtype: torch.dtype) -> None:
    for key, value in output.items():
        if isinstance(value, torch.Tensor) and not _all_finite(value):
            bad = int((~torch.isfinite(value)).sum())
            hint = (f"the model runs in {str(dtype).removeprefix('torch.')}, which overflows easily: run it in float32 "
                    "(load_model(name, half=False), or model.float())" if dtype in (torch.float16, torch.bfloat16)
                    else "check the model's weights and the batch for inf and NaN")
            raise FloatingPointError(f"the model's '{key}' output holds {bad} non-finite values (inf or NaN) out of "
                                     f"{value.numel()}: {hint}")


def _all_finite(value: torch.Tensor) -> bool:
    """Whether every element is finite, with one reduction in the usual case.

    A sum is inf or NaN when any term is; half-precision values are summed in
    float32. Only when the sum is not finite (an inf or NaN, or finite values
    whose sum overflowed) are the elements checked one by one.
    """
    if not (value.is_floating_point() or value.is_complex()):
        return True
    total = value.sum(dtype=torch.float32) if value.dtype in (torch.float16, torch.bfloat16) else value.sum()
    return bool(torch.isfinite(total)) or bool(torch.isfinite(value).all())


def _memory_format(model: torch.nn.Module) -> torch.memory_format:
    """Channels-last when the model's first convolution weights are stored that way."""
    weight = next((p for p in model.parameters() if p.dim() == 4), None)
    channels_last = weight is not None and weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
    return torch.channels_last if channels_last else torch.contiguous_format


def logits_to_labels(logits: torch.Tensor) -> torch.Tensor:
    """Pick the highest-scoring class at every pixel.

    Parameters
    ----------
    logits : torch.Tensor
        float ``[N, C, H, W]`` class scores.

    Returns
    -------
    torch.Tensor
        int64 class map ``[N, H, W]`` with values in ``0 .. C-1``.

    Raises
    ------
    TypeError
        If `logits` is not a float tensor.
    ValueError
        If `logits` is not 4-dimensional.

    Examples
    --------
    >>> logits = torch.tensor([[[[0.1, 2.0]], [[0.5, 1.0]]]])  # N=1, C=2, H=1, W=2
    >>> logits_to_labels(logits)
    tensor([[[1, 0]]])
    """
    check_logits(logits)
    return logits.argmax(dim=1)
