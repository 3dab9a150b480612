"""Scoring a model on a whole dataset of photos and class maps, on one process or many.

:func:`evaluate_dataset` reads a map-style dataset of ``(PIL image, class map)``
pairs, such as the readers of :func:`segtutor.data.open_dataset`, through a
DataLoader, runs the model with its own transforms, resizes each image's logits
back to its class map's size exactly as :func:`segtutor.segment` does, and adds
the counts to one :class:`segtutor.metrics.ConfusionMatrix`.

Batches. Photos of a dataset differ in size, so a batch is never padded: the
images are ordered by size (read from the files' headers when the dataset has
``files(i)``), cut into batches of `batch_size`, and a batch that still mixes
sizes runs one forward pass per size. No pixel of a pad ever reaches the model,
so an image's class map is the one :func:`segtutor.segment` gives it.

Processes. Under ``torch.distributed`` (e.g. ``torchrun``) the list of batches,
not of images, is split between the processes by :class:`UnpaddedSampler`, a
``DistributedSampler`` that neither pads nor drops: every image is counted
once, every batch holds the same images as on one process, and
:meth:`ConfusionMatrix.sync` adds the matrices with one ``all_reduce``. The
total is therefore exactly the one-process matrix (on a GPU, AMP included).
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from PIL import Image
from torch.utils.data import DataLoader, Dataset, DistributedSampler
from tqdm.auto import tqdm

from .._checks import check_dataset, check_ignore_index, check_int, check_num_classes
from ..models._inference import check_model, predict
from ..models._segment import _resized_blocks
from ..models._spec import ModelSpec
from ._accumulator import ConfusionMatrix, Scores, distributed

__all__ = ["UnpaddedSampler", "evaluate_dataset", "scores_to_dict"]

Group = tuple[list[int], torch.Tensor, list[torch.Tensor]]
"""One forward pass: the images' dataset indices, their batch ``[N, 3, h, w]`` and their class maps ``[H, W]``."""


class UnpaddedSampler(DistributedSampler):
    """A ``DistributedSampler`` without padding: process `rank` of `num_replicas` gets items ``rank, rank + n, ...``.

    torch's ``DistributedSampler`` repeats items until every process has as many
    (or drops the last ones): a repeated image would be counted twice. Here the
    shares differ by at most one item, and together they hold each item once.

    Examples
    --------
    >>> [list(UnpaddedSampler(range(5), num_replicas=2, rank=r)) for r in (0, 1)]
    [[0, 2, 4], [1, 3]]
    """

    def __init__(self, dataset: Sequence[Any], *, num_replicas: int, rank: int) -> None:
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=False, drop_last=False)  # type: ignore[arg-type]
        self.num_samples = len(range(rank, len(dataset), num_replicas))
        self.total_size = len(dataset)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.rank, self.total_size, self.num_replicas))


class _Items(Dataset):
    """``(index, transformed image, class map)`` of each sample; runs in the DataLoader's workers."""

    def __init__(self, dataset: Any, transform: Callable[[Image.Image], torch.Tensor]) -> None:
        self.dataset, self.transform = dataset, transform

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[int, torch.Tensor, torch.Tensor]:
        image, labels = self.dataset[index]
        return index, self.transform(image), torch.as_tensor(np.asarray(labels)).long()


def _collate(items: list[tuple[int, torch.Tensor, torch.Tensor]]) -> list[Group]:
    """One group per transformed size, in order of first appearance: a batch is never padded."""
    groups: dict[tuple[int, ...], list[tuple[int, torch.Tensor, torch.Tensor]]] = {}
    for item in items:
        groups.setdefault(tuple(item[1].shape), []).append(item)
    return [([i for i, _, _ in group], torch.stack([x for _, x, _ in group]), [y for _, _, y in group])
            for group in groups.values()]


def _batches(dataset: Any, count: int, batch_size: int) -> list[list[int]]:
    """The first `count` indices, ordered by image size when the dataset names its files, cut into batches."""
    order = list(range(count))
    if callable(getattr(dataset, "files", None)):
        sizes = {}
        for index in order:
            with Image.open(dataset.files(index)[0]) as image:  # the header only
                sizes[index] = image.size
        first = {size: i for i, size in reversed(list(enumerate(sizes.values())))}
        order.sort(key=lambda index: first[sizes[index]])  # stable: dataset order within a size
    return [order[start:start + batch_size] for start in range(0, count, batch_size)]


def evaluate_dataset(model: torch.nn.Module, dataset: Any, *, batch_size: int = 8, workers: int = 2, limit: int | None = None,
                     num_classes: int | None = None, ignore_index: int | None = None, device: str | torch.device | None = None,
                     progress: bool = True) -> Scores:
    """Score a model on a dataset of photos and class maps at their own sizes, on one process or under ``torch.distributed``.

    Parameters
    ----------
    model : torch.nn.Module
        A model that carries its spec (from :func:`segtutor.load_model`): its
        transforms preprocess the photos and its class names name the table.
        It runs in eval mode (its modes are restored afterwards).
    dataset : map-style dataset
        ``dataset[i]`` is a ``(PIL RGB image, int (H, W) class map)`` pair, e.g.
        from :func:`segtutor.data.open_dataset`. Its ``ignore_index`` and
        ``class_names`` are read if it has them, and ``files(i)`` (image and mask
        paths) orders the batches by image size and names a refused mask.
    batch_size : int, optional
        Images per batch; a batch that mixes sizes runs one forward pass per size.
    workers : int, optional
        DataLoader worker processes that read and transform the images (0: the main process).
    limit : int, optional
        Score only the first `limit` images.
    num_classes : int, optional
        Rows and columns of the confusion matrix; default the model's class
        count. A larger value lets class maps hold ids the model never predicts.
    ignore_index : int, optional
        Label of unlabelled pixels; default the dataset's ``ignore_index``, else 255.
    device : str or torch.device, optional
        Where the model runs; default its own device. On another device it
        runs as a copy: the caller's model is not moved. On a GPU the images
        come through pinned memory and the model runs under AMP (``torch.autocast``).
    progress : bool, optional
        Show a tqdm progress bar (on rank 0 only, under ``torch.distributed``).

    Returns
    -------
    Scores
        The scores of the summed int64 (C, C) confusion matrix, on every
        process: the model's class names, then the dataset's (or the id) for
        ids beyond the model's classes.

    Raises
    ------
    TypeError
        If `model` is not a module, `dataset` has no length, or an option has a wrong type.
    ValueError
        If `model` carries no spec, `dataset` is empty, an option is out of
        range, `num_classes` is below the model's class count, `ignore_index`
        is a class id, or a class map holds an id outside ``0 .. num_classes - 1``
        other than `ignore_index` (the message names the mask file and the id).

    Examples
    --------
    >>> from segtutor import load_model, make_scenes
    >>> from PIL import Image
    >>> images, labels = make_scenes(3, size=64)
    >>> data = [(Image.fromarray(image), class_map) for image, class_map in zip(images, labels)]
    >>> scores = evaluate_dataset(load_model("tiny"), data, workers=0, progress=False)
    >>> int(scores.confusion.sum()) == labels.size
    True
    """
    check_model(model)
    spec = ModelSpec.of(model)
    if spec is None:
        raise ValueError(f"`model` must carry its spec, as models from segtutor.load_model do, to read its transforms "
                         f"and classes; got a {type(model).__name__} without one")
    count = check_dataset(dataset, name="dataset")
    batch_size = check_int(batch_size, name="batch_size", minimum=1)
    workers = check_int(workers, name="workers", minimum=0)
    count = count if limit is None else min(count, check_int(limit, name="limit", minimum=1))
    metric = _accumulator(spec, dataset, num_classes, ignore_index)
    model = _on_device(model, device)
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed() else (0, 1)
    batches = _batches(dataset, count, batch_size)
    mine = [batches[j] for j in UnpaddedSampler(batches, num_replicas=world, rank=rank)]
    on_gpu = next(model.parameters()).device.type == "cuda"
    loader = DataLoader(_Items(dataset, spec.transforms()), batch_sampler=mine, collate_fn=_collate, num_workers=workers,
                        pin_memory=on_gpu)
    with tqdm(total=sum(map(len, mine)), desc="evaluate", unit="image", disable=not progress or rank != 0) as bar:
        for groups in loader:
            for group in groups:
                _count(model, group, metric, dataset)
                bar.update(len(group[0]))
    metric.sync()
    return metric.compute()


def _accumulator(spec: ModelSpec, dataset: Any, num_classes: int | None, ignore_index: int | None) -> ConfusionMatrix:
    """The empty matrix: the model's class count (or more), the dataset's ignore value, the classes' names."""
    ours = len(spec.categories)
    num_classes = ours if num_classes is None else check_num_classes(num_classes)
    if num_classes < ours:
        raise ValueError(f"`num_classes` must be at least the model's class count, {ours}, since it predicts ids "
                         f"0..{ours - 1}; got {num_classes}")
    ignore_index = check_ignore_index(getattr(dataset, "ignore_index", 255) if ignore_index is None else ignore_index)
    theirs = [str(name) for name in getattr(dataset, "class_names", ())]
    names = [*spec.categories, *(theirs[i] if i < len(theirs) else str(i) for i in range(ours, num_classes))]
    return ConfusionMatrix(num_classes, ignore_index=ignore_index, class_names=names)


def _on_device(model: torch.nn.Module, device: str | torch.device | None) -> torch.nn.Module:
    """`model` itself on its own device or on `device`; otherwise a copy on `device` (the caller's model stays put)."""
    if device is None:
        return model
    device = torch.device(device)
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())
    return model if next(model.parameters()).device == device else copy.deepcopy(model).to(device)


def _count(model: torch.nn.Module, group: Group, metric: ConfusionMatrix, dataset: Any) -> None:
    """Check a group's class maps, run the model once, and add each image's counts at its class map's size."""
    indices, batch, targets = group
    for index, target in zip(indices, targets):
        _check_ids(target, metric, dataset, index)
    device = next(model.parameters()).device
    with torch.autocast(device.type, enabled=device.type == "cuda"):
        logits = predict(model, batch)
    for k, target in enumerate(targets):
        size = (int(target.shape[0]), int(target.shape[1]))
        blocks = [block.argmax(dim=1) for _, block in _resized_blocks(logits[k:k + 1].float(), size)]
        metric.update(torch.cat(blocks, dim=2)[0], target.to(device, non_blocking=True))


def _check_ids(target: torch.Tensor, metric: ConfusionMatrix, dataset: Any, index: int) -> None:
    """Refuse a class id the matrix has no row for, naming the mask file (or the sample) and the ids."""
    bad = target[((target < 0) | (target >= metric.num_classes)) & (target != metric.ignore_index)]
    if not bad.numel():
        return
    where = f"mask {dataset.files(index)[1]}" if callable(getattr(dataset, "files", None)) else f"the class map of sample {index}"
    ids = ", ".join(map(str, bad.unique().tolist()[:5]))
    raise ValueError(f"{where} holds class id {ids}, which the model cannot predict: it has {metric.num_classes} classes "
                     f"(0..{metric.num_classes - 1}) and the ignore value is {metric.ignore_index}; pass num_classes "
                     "(--num-classes) to count more ids, or ignore_index for the dataset's unlabelled value")


def scores_to_dict(scores: Scores) -> dict[str, Any]:
    """The confusion matrix and every score as plain JSON values (a NaN score, of an absent class, becomes None).

    Examples
    --------
    >>> scores_to_dict(Scores(np.array([[3, 1], [0, 0]])))["iou"]
    [0.75, 0.0]
    """
    def plain(values: np.ndarray | float) -> Any:
        return [plain(v) for v in values] if isinstance(values, np.ndarray) else None if math.isnan(values) else float(values)

    means = {f"mean_{name}": plain(getattr(scores, f"mean_{name}")) for name in ("iou", "dice", "precision", "recall")}
    return {"class_names": list(scores.class_names), "confusion_matrix": scores.confusion.tolist(),
            "pixel_accuracy": plain(scores.pixel_accuracy), **means,
            **{name: plain(getattr(scores, name)) for name in ("iou", "dice", "precision", "recall")}}


@contextmanager
def process_group(device: str | None = None) -> Iterator[tuple[torch.device, int]]:
    """Join the process group torchrun describes, if any, for the length of the block; yield ``(device, rank)``.

    Under ``torchrun`` (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` ... in the
    environment) it calls ``torch.distributed.init_process_group``: NCCL when
    the device is a GPU (this process's GPU is ``cuda:LOCAL_RANK``), else gloo,
    and leaves the group at the end. Otherwise, or when a group is already
    initialised, it changes nothing. `device` defaults to ``"cuda"`` when
    a GPU is available, else ``"cpu"``.
    """
    kind = torch.device(device if device is not None else "cuda" if torch.cuda.is_available() else "cpu")
    if "RANK" not in os.environ or distributed():
        yield kind, dist.get_rank() if distributed() else 0
        return
    if kind.type == "cuda" and kind.index is None:
        kind = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    if kind.type == "cuda":
        torch.cuda.set_device(kind)
    dist.init_process_group("nccl" if kind.type == "cuda" else "gloo")
    try:
        yield kind, dist.get_rank()
    finally:
        dist.destroy_process_group()
