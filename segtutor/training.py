"""Training a segmenter: a seeded loop with a progress bar, validation mIoU, and its curves."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from ._checks import check_dataset, check_int
from .evaluation import evaluate
from .inference import predict

__all__ = ["History", "plot_history", "train"]


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


def _validation_miou(model: torch.nn.Module, data) -> float:
    """Mean IoU on the validation set, through :func:`segtutor.evaluate`."""
    loader = torch.utils.data.DataLoader(data, batch_size=32)
    model.eval()  # the class count comes from one forward pass, in eval mode like the evaluation
    try:
        num_classes = predict(model, next(iter(loader))[0][:1]).shape[1]
        return evaluate(model, loader, num_classes=num_classes, progress=False).mean_iou
    finally:
        model.train(True)


@contextmanager
def _deterministic():
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)


def train(model: torch.nn.Module, train_data, val_data, *, epochs: int = 5, batch_size: int = 16, lr: float = 3e-3,
          seed: int = 0, scale_range: tuple[float, float] = (1.0, 1.0), progress: bool = True) -> History:
    """Train a segmenter with AdamW and a one-cycle schedule; score it after every epoch.

    Parameters
    ----------
    model : torch.nn.Module
        Returns an ``OrderedDict`` with ``'out'`` logits [N, C, H, W]; it is
        trained in place on its own device and left in eval mode.
    train_data, val_data : torch.utils.data.Dataset
        Yield (normalized float image [3, H, W], int64 labels [H, W]), e.g.
        :class:`segtutor.SceneDataset`; labels of 255 are ignored.
    epochs : int, optional
        Passes over `train_data`.
    batch_size : int, optional
        Images per step.
    lr : float, optional
        Peak learning rate of the one-cycle schedule.
    seed : int, optional
        Seeds the shuffling and the random flips, quarter turns and rescaling
        applied to each batch. Seed the model's initial weights yourself, with
        ``torch.manual_seed``, before building it.
    scale_range : (float, float), optional
        Each batch is resized by a random factor from this range (images
        bilinearly, labels by nearest neighbour), so the model learns shapes
        at several sizes. ``(1.0, 1.0)`` keeps the batches as they are.
    progress : bool, optional
        Show a progress bar over all steps.

    Returns
    -------
    History
        Mean training loss and validation mIoU per epoch, and the time taken.

    Raises
    ------
    TypeError
        If `epochs`, `batch_size` or `seed` is not an int, or `train_data`
        or `val_data` has no length (e.g. a generator).
    ValueError
        If `epochs` or `batch_size` is below 1, `scale_range` is not
        ``(low, high)`` with ``0 < low <= high``, or `train_data` or
        `val_data` is empty. All are checked before the first step.

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
    if len(scale_range) != 2 or not 0 < scale_range[0] <= scale_range[1]:
        raise ValueError(f"`scale_range` must be (low, high) with 0 < low <= high, got {tuple(scale_range)}")
    check_dataset(train_data, name="train_data")
    check_dataset(val_data, name="val_data")  # checked now, not after the first epoch's training
    generator = torch.Generator().manual_seed(seed)
    loader = torch.utils.data.DataLoader(train_data, batch_size=batch_size, shuffle=True, generator=generator)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * len(loader))
    history, start = History(), time.perf_counter()
    with _deterministic(), tqdm(total=epochs * len(loader), desc="training", disable=not progress) as bar:
        for _ in range(epochs):
            losses = [_step(model, *_augment(batch, labels, generator, scale_range), optimizer, schedule)
                      for batch, labels in _ticks(loader, bar)]
            history.loss.append(float(np.mean(losses)))
            history.miou.append(_validation_miou(model, val_data))
            bar.set_postfix(loss=f"{history.loss[-1]:.3f}", val_mIoU=f"{history.miou[-1]:.3f}")
    history.seconds = time.perf_counter() - start
    model.eval()
    return history


def _ticks(loader, bar):
    for item in loader:
        yield item
        bar.update()


def _step(model, batch, labels, optimizer, schedule) -> float:
    model.train()
    device = next(model.parameters()).device
    loss = F.cross_entropy(model(batch.to(device))["out"], labels.to(device), ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
    return loss.item()


def _augment(batch: torch.Tensor, labels: torch.Tensor, generator: torch.Generator, scale_range):
    """The same random quarter turn, flip and rescaling for the whole batch and its labels."""
    turns, flip = torch.randint(0, 4, (2,), generator=generator).tolist()
    low, high = scale_range
    scale = low + (high - low) * torch.rand((), generator=generator).item()
    batch, labels = batch.rot90(turns, dims=(-2, -1)), labels.rot90(turns, dims=(-2, -1))
    if flip % 2:
        batch, labels = batch.flip(-1), labels.flip(-1)
    if scale != 1.0:
        size = [max(8, round(side * scale)) for side in batch.shape[-2:]]
        batch = F.interpolate(batch, size=size, mode="bilinear", align_corners=False, antialias=True)
        labels = F.interpolate(labels[:, None].float(), size=size, mode="nearest-exact")[:, 0].long()
    return batch.contiguous(), labels.contiguous()


def plot_history(history: History) -> Figure:
    """Plot training loss and validation mIoU per epoch, side by side.

    Parameters
    ----------
    history : History
        What :func:`train` returned.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: loss per epoch, and mIoU per epoch (y from 0 to 1).

    Raises
    ------
    TypeError
        If `history` is not a :class:`History`.
    ValueError
        If it holds no epoch.

    Examples
    --------
    >>> fig = plot_history(History(loss=[1.0, 0.5], miou=[0.4, 0.7]))
    >>> [ax.get_title() for ax in fig.axes]
    ['training loss', 'validation mIoU']
    """
    if not isinstance(history, History):
        raise TypeError(f"`history` must be a History, got {type(history).__name__}")
    if not history.loss:
        raise ValueError("`history` must hold at least one epoch, got none")
    fig = Figure(figsize=(9, 3.5), layout="constrained")
    loss_ax, miou_ax = fig.subplots(1, 2)
    epochs = np.arange(1, len(history.loss) + 1)
    for ax, values, title in ((loss_ax, history.loss, "training loss"), (miou_ax, history.miou, "validation mIoU")):
        ax.plot(epochs, values, marker="o")
        ax.set(title=title, xlabel="epoch")
        ax.grid(alpha=0.3)
    miou_ax.set_ylim(0, 1)
    return fig
