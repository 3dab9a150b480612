"""Running a model: logits, the argmax class map, and the classes it contains."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np  # noqa: F401  (used by the doctests)
import torch

from ._checks import check_batch, check_labels, check_logits

__all__ = ["classes_present", "logits_to_labels", "predict"]


def predict(model: torch.nn.Module, batch: torch.Tensor, *, return_dict: bool = False):
    """Run a segmentation model on a batch without tracking gradients.

    Parameters
    ----------
    model : torch.nn.Module
        A model that returns an ``OrderedDict`` with an ``'out'`` entry.
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
        If `batch` is not a float tensor.
    ValueError
        If `batch` is not of shape ``[N, 3, H, W]``.

    Examples
    --------
    >>> import segtutor
    >>> model = segtutor.load_model("lraspp_mobilenet_v3_large", weights="random")
    >>> predict(model, torch.zeros(1, 3, 64, 64)).shape
    torch.Size([1, 21, 64, 64])
    """
    check_batch(batch)
    parameter = next(model.parameters())
    batch = batch.to(parameter.device, parameter.dtype, memory_format=_memory_format(model))
    with torch.inference_mode():
        output: OrderedDict = model(batch)
    return output if return_dict else output["out"]


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


def classes_present(labels, names: list[str]) -> list[str]:
    """Name the classes that occur in a class map, in class-index order.

    Parameters
    ----------
    labels : numpy.ndarray or torch.Tensor
        Integer ``[H, W]`` or ``[N, H, W]`` class map.
    names : list of str
        Class names, indexed by class id (e.g. from :func:`segtutor.class_names`).

    Returns
    -------
    list of str
        Names of the ids present; ids without a name appear as ``"<id>"``.

    Raises
    ------
    TypeError
        If `labels` is not an integer array or tensor.
    ValueError
        If `labels` is not of rank 2 or 3.

    Examples
    --------
    >>> classes_present(np.array([[0, 2], [2, 255]]), ["background", "cat", "dog"])
    ['background', 'dog', '<255>']
    """
    check_labels(labels)
    ids = torch.as_tensor(labels).unique().tolist()
    return [names[i] if 0 <= i < len(names) else f"<{i}>" for i in ids]
