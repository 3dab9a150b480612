"""What segtutor knows about a model: :class:`ModelSpec`.

The specs themselves, one per model, are listed in :mod:`segtutor.models._registry`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import torch

from ._checkpoints import Checkpoint, load_state_dict, read_state_dict

__all__ = ["ModelSpec", "ShippedWeights", "WeightsEntry"]

ModuleT = TypeVar("ModuleT", bound=torch.nn.Module)
"""A model's type: what a spec's builder builds, and so what :meth:`ModelSpec.build` returns."""
AnyModule = TypeVar("AnyModule", bound=torch.nn.Module)
"""Any model: :meth:`ModelSpec.attach` returns the model it is given."""

_ATTRIBUTE = "segtutor_spec"
"""The attribute through which a loaded model carries its spec."""


class WeightsEntry(Protocol):
    """What a spec reads of its weights' entry: torchvision's ``WeightsEnum`` entries and :class:`ShippedWeights` have it."""

    @property
    def name(self) -> str:
        """The weights' name, e.g. ``"COCO_WITH_VOC_LABELS_V1"``."""

    @property
    def url(self) -> str | Path:
        """Where the checkpoint is: a URL into torchvision's cache, or a file."""

    @property
    def meta(self) -> dict[str, Any]:
        """``"categories"``, the class names by class id, and anything else known about the weights."""

    @property
    def transforms(self) -> Callable[[], Callable[..., Any]]:
        """Returns the evaluation transform the weights were trained for."""


@dataclass(frozen=True)
class ShippedWeights:
    """Weights shipped inside segtutor, described as torchvision describes its own (a ``WeightsEnum`` entry).

    Parameters
    ----------
    url : pathlib.Path or str
        The checkpoint file (torchvision's entries give a URL into its cache;
        :meth:`ModelSpec.relabelled` keeps a torchvision model's URL).
    transforms : callable
        Returns the evaluation transform the weights were trained for.
    meta : dict
        ``"categories"``, the class names by class id, and anything else
        known about the weights.
    name : str, optional
        The weights' name.

    Examples
    --------
    >>> weights = ShippedWeights(Path("data/mine.pt"), transforms=lambda: None, meta={"categories": ["sky"]})
    >>> str(weights), weights.meta["categories"]
    ('mine.pt, shipped with segtutor', ['sky'])
    """

    url: str | Path
    transforms: Callable[[], Callable[..., Any]]
    meta: dict[str, Any] = field(hash=False)
    name: str = "SHIPPED"

    def __str__(self) -> str:
        return f"{self.url.name}, shipped with segtutor" if isinstance(self.url, Path) else f"{self.name} from {self.url}"


@dataclass(frozen=True)
class ModelSpec(Generic[ModuleT]):
    """One model segtutor can load: everything the loaders, :func:`segtutor.segment` and the explorers read.

    Parameters
    ----------
    name : str
        The name :func:`segtutor.load_model` takes.
    builder : callable
        Builds the architecture with random weights (torchvision's builders
        get ``weights=None, weights_backbone=None``: no download).
    weights : torchvision.models.WeightsEnum or ShippedWeights
        The pretrained weights' entry: where the checkpoint is
        (``weights.url``), its transforms and its ``meta["categories"]``.
        For torchvision's models that is torchvision's own entry, e.g.
        ``FCN_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1``.
    palette : str
        Name of the palette of its classes (see :func:`segtutor.get_palette`).
    reader : callable, optional
        Reads a checkpoint file of the model as ``reader(path, fix=...)``, a
        :class:`segtutor.models._checkpoints.Checkpoint`, through segtutor's one safe
        reader; default a plain state dict
        (:func:`segtutor.models._checkpoints.read_state_dict`).
    note : str, optional
        A few words for menus, e.g. how the model was trained.
    """

    name: str
    builder: Callable[..., ModuleT]
    weights: WeightsEntry
    palette: str
    reader: Callable[..., Checkpoint] = read_state_dict
    note: str = ""

    @property
    def categories(self) -> tuple[str, ...]:
        """Class names, indexed by class id, as the weights give them."""
        return tuple(self.weights.meta["categories"])

    @property
    def transforms(self) -> Callable[[], Callable[..., Any]]:
        """Returns the model's own evaluation transform: a PIL image in, a normalized float ``[3, H, W]`` tensor out.

        For torchvision's models that is ``weights.transforms()``, the transform
        the weights were evaluated with: it resizes the shorter side to 520 and
        normalizes, without a crop. Training used another, random recipe:
        torchvision's ``references/segmentation`` resized the shorter side to a
        random size between 0.5x and 2x of 520, flipped left-right with
        probability 0.5 and took a random 480x480 crop
        (``presets.SegmentationPresetTrain(base_size=520, crop_size=480)`` in ``train.py``).
        """
        return self.weights.transforms

    @property
    def checkpoint(self) -> str | Path:
        """Where the pretrained weights come from: a URL, downloaded into torchvision's cache and
        checked against the hash in its name, or a file shipped with segtutor."""
        return self.weights.url

    @property
    def has_aux(self) -> bool:
        """Whether the architecture has an auxiliary head (then its output has ``'aux'``)."""
        return "aux_loss" in inspect.signature(self.builder).parameters

    @property
    def pretrained(self) -> str:
        """The pretrained weights, in words: torchvision's weights entry, or the shipped file."""
        return str(self.weights)

    @property
    def metrics(self) -> dict[str, float]:
        """Published mIoU and pixel accuracy (percent) on COCO val2017 with VOC labels (torchvision's models)."""
        if "_metrics" not in self.weights.meta:
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

    def relabelled(self, categories: Iterable[str]) -> ModelSpec[ModuleT]:
        """This spec with other class names (e.g. those a checkpoint carries), as weights of its own.

        Examples
        --------
        >>> from segtutor import get_spec
        >>> spec = get_spec("tiny").relabelled(["sky", "sea"])
        >>> spec.categories, spec.transforms is get_spec("tiny").transforms, spec.checkpoint == get_spec("tiny").checkpoint
        (('sky', 'sea'), True, True)
        """
        weights = ShippedWeights(self.checkpoint, self.transforms, {**self.weights.meta, "categories": list(categories)},
                                 name=self.weights.name)
        return replace(self, weights=weights)

    def build(self, checkpoint: Checkpoint | None = None) -> ModuleT:
        """Build the model in eval mode: the one build path of every model, tiny included.

        The architecture is built with random weights (no download; the
        auxiliary head included where the architecture has one), then, given
        a `checkpoint`, its state is copied in. The model carries this spec
        (with the checkpoint's class names, if it has its own). Every call
        returns a new model; random weights follow ``torch.manual_seed``.

        Parameters
        ----------
        checkpoint : segtutor.models._checkpoints.Checkpoint, optional
            Read by this spec's `reader`.

        Returns
        -------
        torch.nn.Module
            A new model in eval mode, on the CPU, of the type the builder builds.

        Raises
        ------
        CheckpointError
            If the checkpoint's tensors do not fit the architecture.

        Examples
        --------
        >>> from segtutor import get_spec
        >>> spec = get_spec("lraspp_mobilenet_v3_large")
        >>> model = spec.build()
        >>> model.training, ModelSpec.of(model) is spec, spec.build() is model
        (False, True, False)
        """
        spec = self
        if checkpoint is not None and checkpoint.categories is not None and tuple(checkpoint.categories) != self.categories:
            spec = self.relabelled(checkpoint.categories)
        arguments: dict[str, Any] = {"num_classes": len(spec.categories)}
        parameters = inspect.signature(self.builder).parameters
        arguments.update({key: None for key in ("weights", "weights_backbone") if key in parameters})
        arguments.update({"aux_loss": True} if self.has_aux else {})
        model = self.builder(**{**arguments, **(checkpoint.arguments if checkpoint is not None else {})})
        if checkpoint is not None:
            load_state_dict(model, checkpoint.state, source=f"checkpoint file '{checkpoint.path}'", fix=checkpoint.fix)
        return spec.attach(model.eval())

    def attach(self, model: AnyModule) -> AnyModule:
        """Let `model` carry this spec (see :meth:`of`); return `model`."""
        setattr(model, _ATTRIBUTE, self)
        return model

    @staticmethod
    def of(model: torch.nn.Module) -> ModelSpec | None:
        """The spec a model carries (models from :func:`segtutor.load_model` and ``load_tiny_model`` do), else None."""
        return getattr(model, _ATTRIBUTE, None)
