"""Evaluating a model over a whole dataset, one batch at a time.

:func:`evaluate` runs the model on every ``(batch, labels)`` pair of a
DataLoader, or every ``(image, labels)`` sample of a dataset, adds the
batch's counts to one :class:`segtutor.metrics.ConfusionMatrix`, and computes
every score once, from the total, at the end. Summing confusion matrices is
exact: it gives the same matrix as one built over all pixels at once. Averaging per-image
IoUs instead would weigh a small object in one image as much as the whole
dataset's pixels of that class.

A dataset of photos and class maps at their own sizes (the readers of
:func:`segtutor.data.open_dataset`), on one process or under ``torch.distributed``
(torchrun), is the job of :func:`segtutor.metrics.evaluate_dataset`: it applies
the model's own transforms, batches photos of different sizes, and sums the
processes' matrices. :func:`evaluate` takes batches you have already made.

Average precision needs every pixel's score at once, so it is not part of
the stream: see :mod:`segtutor.metrics._precision_recall`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from .._checks import describe_array
from ..models._inference import check_model, logits_to_labels, predict
from ._accumulator import ConfusionMatrix, Scores, distributed

__all__ = ["evaluate"]

def _as_pair(item: object) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch ``[N, 3, H, W]`` and labels ``[N, H, W]`` from a DataLoader pair or a dataset sample."""
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise TypeError(f"each item of `data` must be a (batch, labels) or (image, labels) pair, got {describe_array(item)}")
    batch, labels = item
    if isinstance(batch, torch.Tensor) and batch.ndim == 3:
        batch = batch.unsqueeze(0)  # one (image, labels) sample of a dataset
    labels = torch.as_tensor(np.array(labels) if not isinstance(labels, (np.ndarray, torch.Tensor)) else labels)
    if labels.ndim == 2:
        labels = labels.unsqueeze(0)
    elif labels.ndim == 4 and labels.shape[1] == 1:
        labels = labels.squeeze(1)  # [N, 1, H, W], as T.PILToTensor() and a DataLoader make them
    return batch, labels


def evaluate(model: torch.nn.Module, data: Iterable[Any], *, num_classes: int, ignore_index: int = 255,
             class_names: Iterable[object] | None = None, progress: bool = True) -> Scores:
    """Score a model on a dataset or DataLoader by accumulating one confusion matrix.

    Parameters
    ----------
    model : torch.nn.Module
        A segmentation model returning an ``OrderedDict`` with ``'out'``;
        it runs in eval mode (its mode is restored afterwards) on its own device.
    data : iterable
        Yields ``(batch, labels)`` pairs (float ``[N, 3, H, W]``, integer
        ``[N, H, W]``) or ``(image, labels)`` samples (``[3, H, W]``,
        ``[H, W]``); labels may also be ``[N, 1, H, W]`` or PIL images.
    num_classes : int
        Number of classes the model predicts, 2 to
        :data:`segtutor.metrics.MAX_CLASSES`; NumPy integers count.
    ignore_index : int, optional
        Label of pixels that are not counted; not a class id (see
        :mod:`segtutor.metrics`).
    class_names : sequence of str, optional
        Names for the result's table.
    progress : bool, optional
        Show a tqdm progress bar.

    Returns
    -------
    Scores
        Per-class and mean scores of the summed confusion matrix. Under
        ``torch.distributed`` (e.g. ``torchrun``), each process passes its own
        share of the data (a ``DistributedSampler`` that neither pads nor drops,
        such as :class:`segtutor.metrics.UnpaddedSampler`) and every process
        gets the scores of the whole, its matrix summed with the others' by
        :meth:`ConfusionMatrix.sync`. For a dataset of photos at their own sizes,
        :func:`segtutor.evaluate_dataset` does the sharing out itself.

    Raises
    ------
    TypeError
        If `data` is not iterable, an item is not a pair, or holds a wrong
        type (see :func:`segtutor.predict`), or `num_classes` or
        `ignore_index` is not an int.
    ValueError
        If `data` is empty, `num_classes` is out of range, `ignore_index` is
        a class id, `class_names` does not hold one name per class, a class
        map's shape differs from its labels', or a label is out of range (see
        :func:`segtutor.confusion_matrix`). Arguments are checked before the
        first batch runs.

    Examples
    --------
    >>> from segtutor.models import load_model
    >>> model = load_model("lraspp_mobilenet_v3_large", weights="random")
    >>> data = [(torch.zeros(3, 32, 32), torch.zeros(32, 32, dtype=torch.long))]
    >>> int(evaluate(model, data, num_classes=21, progress=False).confusion.sum())
    1024
    """
    check_model(model)
    metric = ConfusionMatrix(num_classes, ignore_index=ignore_index, class_names=class_names)
    if not isinstance(data, Iterable) and not hasattr(data, "__getitem__"):  # a map-style dataset iterates by index
        raise TypeError(f"`data` must be an iterable of (batch, labels) pairs, such as a DataLoader or a dataset, "
                        f"got {type(data).__name__}")
    seen = 0  # predict() runs the model in eval mode and gives every submodule its own mode back
    for item in tqdm(data, desc="evaluate", unit="batch", disable=not progress):
        batch, labels = _as_pair(item)
        pred = logits_to_labels(predict(model, batch))
        if pred.shape != labels.shape:
            raise ValueError(f"the model's class map has shape {tuple(pred.shape)} but its labels have shape "
                             f"{tuple(labels.shape)}: transform images and labels to the same size")
        metric.update(pred, labels.to(pred.device))
        seen += 1
    if not seen and not distributed():  # under torch.distributed, a process may hold no share of a tiny dataset
        raise ValueError("`data` must yield at least one (batch, labels) pair, got none")
    metric.sync()  # under torch.distributed: every process's counts added up, on every process
    return metric.compute()
