"""Training a segmenter: a seeded loop with a progress bar, validation mIoU, and its curves.

Under ``torchrun`` (an initialised ``torch.distributed`` process group) the same
:func:`train` runs data-parallel with ``DistributedDataParallel``: each process
takes its shard of every batch, the gradients are averaged, and the
validation's confusion matrices are summed across processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.optim.lr_scheduler import LRScheduler
from torch.utils.data import DataLoader, Dataset, DistributedSampler
from tqdm.auto import tqdm

from .._checks import check_dataset, check_ignore_index, check_int, check_num_classes
from ..data import augment_pair, scene_augmentation
from ..metrics import ConfusionMatrix, UnpaddedSampler
from ..metrics._accumulator import distributed as _distributed
from ..models import logits_to_labels, predict
from ._losses import segmentation_loss

__all__ = ["History", "train", "training_step"]


@dataclass
class History:
    """What happened during :func:`train`, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training cross-entropy of each epoch.
    miou : list of float
        Validation mean IoU after each epoch.
    seconds : float
        Wall-clock training time, validation included.
    """

    loss: list[float] = field(default_factory=list)
    miou: list[float] = field(default_factory=list)
    seconds: float = 0.0


def _validation(model: torch.nn.Module, data: Dataset[Any], *, num_classes: int | None, ignore_index: int) -> ConfusionMatrix:
    """The confusion matrix of the validation set, in eval mode; `num_classes` None: the class count of the model's logits.

    Under ``torch.distributed`` each process scores every world-size-th sample, starting at its rank (no
    sample is dropped or repeated), and the confusion matrices are summed across processes.
    """
    sampler = UnpaddedSampler(data, num_replicas=dist.get_world_size(), rank=dist.get_rank()) if _distributed() else None  # type: ignore[arg-type]
    metric: ConfusionMatrix | None = None
    for batch, labels in DataLoader(data, batch_size=32, sampler=sampler):
        logits = predict(model, batch)  # eval mode for the call; every submodule gets its own mode back
        if metric is None:
            if num_classes is not None and logits.shape[1] != num_classes:
                raise ValueError(f"the model predicts {logits.shape[1]} classes but `num_classes` is {num_classes}")
            metric = ConfusionMatrix(logits.shape[1], ignore_index=ignore_index)
        metric.update(logits_to_labels(logits), labels.to(logits.device))
    assert metric is not None, "train() has checked that `val_data` holds a sample for every process"
    metric.sync()
    return metric


def _training_loader(data: Dataset[Any], *, batch_size: int, seed: int) -> tuple[DataLoader[Any], DistributedSampler[Any] | None]:
    """The shuffled training batches; under ``torch.distributed`` this process's share of each, and its sampler."""
    if not _distributed():
        return DataLoader(data, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed)), None
    world = dist.get_world_size()
    if batch_size % world:
        raise ValueError(f"`batch_size` must be a multiple of the number of processes, {world}, got {batch_size}")
    sampler = DistributedSampler(data, shuffle=True, seed=seed)  # type: ignore[var-annotated]
    return DataLoader(data, batch_size=batch_size // world, sampler=sampler), sampler


def _data_parallel(model: torch.nn.Module) -> torch.nn.Module:
    """`model` itself, or under ``torch.distributed`` a DistributedDataParallel wrapper around it (rank 0's state copied to all)."""
    if not _distributed():
        return model
    device = next(model.parameters()).device
    return DistributedDataParallel(model, device_ids=None if device.type == "cpu" else [device])


def _epoch_loss(losses: list[float], device: torch.device) -> float:
    """Mean of the epoch's batch losses; under ``torch.distributed`` over every process's batches."""
    if not _distributed():
        return float(np.mean(losses))
    total = torch.tensor([sum(losses), len(losses)], dtype=torch.float64, device=device)
    dist.all_reduce(total)
    return float(total[0] / total[1])


def _share_buffers(model: torch.nn.Module) -> None:
    """Under ``torch.distributed``, give every process rank 0's buffers (BatchNorm's running statistics).

    DDP keeps the parameters equal, but each process's BatchNorm updates its running statistics from its own
    share of the last batch; after this every process validates, and returns, the same model.
    """
    if _distributed():
        for buffer in model.buffers():
            dist.broadcast(buffer, src=0)


@contextmanager
def _deterministic() -> Iterator[None]:
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)


def train(model: torch.nn.Module, train_data: Dataset[Any], val_data: Dataset[Any], *, epochs: int = 5, batch_size: int = 16,
          lr: float = 3e-3, seed: int = 0, augmentation: Callable[..., Any] | Literal["default"] | None = "default",
          class_weights: torch.Tensor | None = None, dice_weight: float = 0.0, num_classes: int | None = None,
          ignore_index: int = 255, progress: bool = True) -> History:
    """Train a segmenter with AdamW and a one-cycle schedule; score it after every epoch.

    Parameters
    ----------
    model : torch.nn.Module
        Returns an ``OrderedDict`` with ``'out'`` logits [N, C, H, W]; it is
        trained in place on its own device and left in eval mode (under
        ``torch.distributed``, through a DDP wrapper that is not returned).
    train_data, val_data : torch.utils.data.Dataset
        Yield (normalized float image [3, H, W], int64 labels [H, W]), e.g.
        :class:`segtutor.SceneDataset`; labels equal to `ignore_index` are ignored.
    epochs : int, optional
        Passes over `train_data`.
    batch_size : int, optional
        Images per optimizer step, over all processes: under ``torch.distributed``
        each of the P processes takes ``batch_size / P`` of them, so the steps,
        the learning rate and the schedule do not depend on P.
    lr : float, optional
        Peak learning rate of the one-cycle schedule.
    seed : int, optional
        Seeds the shuffling and the random augmentation of each batch (the
        global generator is forked, so the caller's random state is left as
        it was). Seed the model's initial weights yourself, with
        ``torch.manual_seed``, before building it.
    augmentation : callable or None, optional
        A joint transform applied to each batch and its labels with
        :func:`segtutor.data.augment_pair` (one draw per batch). ``"default"`` is
        ``scene_augmentation(scale=(1.0, 1.0), ignore_index=ignore_index)``:
        flips and rotations; ``None`` trains on the batches as they are. A
        transform of your own must fill its masks with `ignore_index`.
    class_weights : torch.Tensor, optional
        float [C] weights of the cross-entropy, e.g. from :func:`segtutor.training.class_weights`.
    dice_weight : float, optional
        Adds this share of :func:`segtutor.training.dice_loss` to the loss.
    num_classes : int, optional
        Classes of the validation mIoU; by default the channels of the
        model's logits in the validation pass.
    ignore_index : int, optional
        Label of unlabelled pixels (255, -1, ...): left out of the loss, the
        validation and the default augmentation's fill. Not a class id.
    progress : bool, optional
        Show a progress bar over all steps.

    Returns
    -------
    History
        Mean training loss and validation mIoU per epoch, and the time taken.

    Notes
    -----
    Each step is the loop notebook 11 shows: forward pass, loss (cross-entropy
    ignoring `ignore_index`), ``zero_grad``, backward, optimizer step and
    scheduler step.

    Under torchrun (a ``torch.distributed`` process group initialised, gloo on
    CPUs, NCCL with one GPU per process: put `model` on ``cuda:LOCAL_RANK`` and
    call ``torch.cuda.set_device`` first), every process calls :func:`train` with
    the same arguments and it runs data-parallel: `model` is wrapped in
    ``DistributedDataParallel``, which copies rank 0's weights and buffers to
    every process and averages the gradients; a ``DistributedSampler`` seeded
    with `seed` (``set_epoch`` each epoch) gives each process its share of every
    epoch, padded with repeated samples when `train_data` does not divide by P;
    each augmentation draw is the same on every process, one per step as on one
    process. BatchNorm normalises each process's own share of the batch, and
    the running statistics of rank 0 are given to all after each epoch; for
    synchronised statistics on GPUs, convert the model yourself with
    ``torch.nn.SyncBatchNorm.convert_sync_batchnorm`` before the call (it is not
    supported on CPUs). Every trainable parameter must get a gradient from
    ``'out'`` (freeze an unused ``'aux'`` head). The validation is shared out
    without dropping or repeating a sample (process r scores samples r, r + P,
    ...) and the confusion matrices are summed with
    :meth:`segtutor.ConfusionMatrix.sync`; the losses are averaged over all
    processes, so every process returns the same history and the same model.
    Only rank 0 shows the progress bar. The data order differs from one
    process's, so the result differs as another `seed` would. See
    ``scripts/train_ddp.py``.

    Raises
    ------
    TypeError
        If `epochs`, `batch_size`, `seed`, `num_classes` or `ignore_index`
        is not an int, or `train_data` or `val_data` has no length (e.g. a
        generator).
    ValueError
        If `epochs` or `batch_size` is below 1, `num_classes` is out of
        range, `ignore_index` is a class id, or `train_data` or `val_data` is
        empty, or under ``torch.distributed`` `batch_size` is not a multiple of
        the number of processes or `val_data` holds fewer samples than
        processes: all checked before the first step. Later, if a label is
        neither a class id nor `ignore_index` (see
        :func:`segtutor.training.segmentation_loss`), or the model's class
        count is not `num_classes`.

    Examples
    --------
    >>> from segtutor import SceneDataset, TinySegNet
    >>> _ = torch.manual_seed(0)
    >>> history = train(TinySegNet(), SceneDataset(4, size=48), SceneDataset(2, size=48, seed=1),
    ...                 epochs=2, batch_size=2, progress=False)
    >>> len(history.loss), len(history.miou)
    (2, 2)
    """
    epochs, batch_size = check_int(epochs, name="epochs", minimum=1), check_int(batch_size, name="batch_size", minimum=1)
    seed = check_int(seed, name="seed")
    num_classes = None if num_classes is None else check_num_classes(num_classes)
    ignore_index = check_ignore_index(ignore_index, num_classes=num_classes)
    transform: Callable[..., Any] | None
    if isinstance(augmentation, str) and augmentation == "default":
        transform = scene_augmentation(scale=(1.0, 1.0), ignore_index=ignore_index)
    elif augmentation is None or callable(augmentation):
        transform = augmentation
    else:
        raise TypeError(f"`augmentation` must be a transform, \"default\" or None, got {type(augmentation).__name__}")
    check_dataset(train_data, name="train_data")
    val_length = check_dataset(val_data, name="val_data")  # checked now, not after the first epoch's training
    if _distributed() and val_length < dist.get_world_size():
        raise ValueError(f"`val_data` must hold at least one sample per process, {dist.get_world_size()}, got {val_length}")
    loader, sampler = _training_loader(train_data, batch_size=batch_size, seed=seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * len(loader))
    history, start = History(), time.perf_counter()
    loss_fn = partial(segmentation_loss, weight=class_weights, dice_weight=dice_weight, ignore_index=ignore_index)
    show = progress and (not _distributed() or dist.get_rank() == 0)
    parallel = _data_parallel(model)  # the caller's model, or a DDP wrapper around it: never returned
    with _deterministic(), torch.random.fork_rng(devices=[]), \
            tqdm(total=epochs * len(loader), desc="training", disable=not show) as bar:
        torch.manual_seed(seed)  # the augmentation's draws, on the forked generator; the same on every process
        for epoch in range(epochs):
            if sampler is not None:
                sampler.set_epoch(epoch)
            parallel.train()
            losses = []
            for batch, labels in _ticks(loader, bar):
                if transform is not None:
                    batch, labels = augment_pair(transform, batch, labels)
                losses.append(training_step(parallel, batch, labels, optimizer, schedule, loss_fn=loss_fn))
            _share_buffers(model)
            history.loss.append(_epoch_loss(losses, next(model.parameters()).device))
            history.miou.append(_validation(model, val_data, num_classes=num_classes, ignore_index=ignore_index).compute().mean_iou)
            bar.set_postfix(loss=f"{history.loss[-1]:.3f}", val_mIoU=f"{history.miou[-1]:.3f}")
    del parallel  # DDP's gradient hooks on the caller's parameters go with the wrapper
    history.seconds = time.perf_counter() - start
    model.eval()
    return history


def _ticks(loader: Iterable[Any], bar: tqdm) -> Iterator[Any]:
    for item in loader:
        yield item
        bar.update()


def training_step(model: torch.nn.Module, batch: torch.Tensor, labels: torch.Tensor, optimizer: torch.optim.Optimizer,
                  scheduler: LRScheduler, *, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
                  ignore_index: int = 255) -> float:
    """One optimizer step on one batch; return the batch's loss as a float.

    Forward pass, loss on ``'out'`` (`loss_fn`, by default cross-entropy
    ignoring `ignore_index`), ``optimizer.zero_grad()``, backward, optimizer
    step, scheduler step. The model's mode is left as the caller set it.

    Parameters
    ----------
    model : torch.nn.Module
        Returns an ``OrderedDict`` with ``'out'`` logits [N, C, H, W].
    batch : torch.Tensor
        float [N, 3, H, W]; moved to the model's device.
    labels : torch.Tensor
        integer [N, H, W]: class ids, or `ignore_index` for unlabelled pixels.
    optimizer, scheduler
        Stepped once each.
    loss_fn : callable, optional
        ``loss_fn(logits, labels)``; by default
        :func:`segtutor.training.segmentation_loss` (cross-entropy) with `ignore_index`.
        A `loss_fn` of your own handles unlabelled pixels itself.
    ignore_index : int, optional
        Label of the pixels the default loss leaves out (255, -1, ...).

    Returns
    -------
    float
        The batch's loss, before the step.

    Raises
    ------
    TypeError
        If `ignore_index` is not an int.
    ValueError
        If `ignore_index` is a class id, or (default loss) a label is neither
        a class id nor `ignore_index`; nothing is stepped then.

    Examples
    --------
    >>> from segtutor import TinySegNet
    >>> _ = torch.manual_seed(0)
    >>> model = TinySegNet(widths=(4, 4, 4, 4)).train()
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    >>> scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    >>> loss = training_step(model, torch.randn(2, 3, 16, 16), torch.zeros(2, 16, 16, dtype=torch.long), optimizer, scheduler)
    >>> isinstance(loss, float), scheduler.get_last_lr()
    (True, [0.05])
    """
    ignore_index = check_ignore_index(ignore_index)
    device = next(model.parameters()).device
    logits = model(batch.to(device))["out"]
    labels = labels.to(device)
    loss_fn = partial(segmentation_loss, ignore_index=ignore_index) if loss_fn is None else loss_fn
    loss = loss_fn(logits, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()
