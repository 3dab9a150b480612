"""What segtutor knows about a model: :class:`ModelSpec`.

The specs themselves, one per model, are listed in :mod:`segtutor.models._registry`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch


__all__ = ["ModelSpec"]

_ATTRIBUTE = "segtutor_spec"
"""The attribute through which a loaded model carries its spec."""


@dataclass(frozen=True)
class ModelSpec:
    """One model segtutor can load: everything the loaders, :func:`segtutor.segment` and the explorers read.

    Parameters
    ----------
    name : str
        The name :func:`segtutor.load_model` takes.
    builder : callable
        Builds the architecture with random weights.
    categories : tuple of str
        Class names, indexed by class id, as the weights give them.
    transforms : callable
        Returns the model's own evaluation transform: a PIL image in, a
        normalized float ``[3, H, W]`` tensor out. For torchvision's models
        that is ``weights.transforms()``, the transform the weights were
        evaluated with: it resizes the shorter side to 520 and normalizes,
        without a crop. Training used another, random recipe: torchvision's
        ``references/segmentation`` resized the shorter side to a random size
        between 0.5x and 2x of 520, flipped left-right with probability 0.5 and
        took a random 480x480 crop (``presets.SegmentationPresetTrain(base_size=520,
        crop_size=480)`` in ``train.py``).
    palette : str
        Name of the palette of its classes (see :func:`segtutor.get_palette`).
    checkpoint : str or pathlib.Path
        Where the pretrained weights come from: a URL, downloaded into
        torchvision's cache and checked against the hash in its name, or a
        file shipped with segtutor.
    weights : torchvision.models.WeightsEnum, optional
        torchvision's weights entry, for torchvision's models.
    loader : callable, optional
        Reads checkpoints in the model's own format, as
        ``loader(weights="pretrained" | "random" | path)``; None for a plain state dict.
    note : str, optional
        A few words for menus, e.g. how the model was trained.
    """

    name: str
    builder: Callable[..., torch.nn.Module]
    categories: tuple[str, ...]
    transforms: Callable[[], Callable]
    palette: str
    checkpoint: str | Path
    weights: object = None
    loader: Callable[..., torch.nn.Module] | None = None
    note: str = ""

    @property
    def has_aux(self) -> bool:
        """Whether the architecture has an auxiliary head (then its output has ``'aux'``)."""
        return "aux_loss" in inspect.signature(self.builder).parameters

    @property
    def pretrained(self) -> str:
        """The pretrained weights, in words: torchvision's weights entry, or the shipped file."""
        return str(self.weights) if self.weights is not None else f"{Path(self.checkpoint).name}, shipped with segtutor"

    @property
    def metrics(self) -> dict[str, float]:
        """Published mIoU and pixel accuracy (percent) on COCO val2017 with VOC labels (torchvision's models)."""
        if self.weights is None:
            raise ValueError(f"{self.name!r} has no published metrics: only torchvision's weights publish them")
        return dict(next(iter(self.weights.meta["_metrics"].values())))

    def row(self) -> dict[str, object]:
        """The published figures of this model, as one table row."""
        metrics, meta = self.metrics, self.weights.meta
        return {
            "model": self.name, "weights": self.weights.name, "mIoU": metrics["miou"],
            "pixel acc": metrics["pixel_acc"], "params (M)": round(meta["num_params"] / 1e6, 1),
            "GFLOPS": meta["_ops"], "file (MB)": meta["_file_size"],
        }

    def attach(self, model: torch.nn.Module) -> torch.nn.Module:
        """Let `model` carry this spec (see :meth:`of`); return `model`."""
        setattr(model, _ATTRIBUTE, self)
        return model

    @staticmethod
    def of(model) -> ModelSpec | None:
        """The spec a model carries (models from :func:`segtutor.load_model` and ``load_tiny_model`` do), else None."""
        return getattr(model, _ATTRIBUTE, None)
