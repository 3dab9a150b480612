"""The model registry: torchvision's segmentation models and what their weights say about them."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

import torch
import torchvision
from torchvision.models import WeightsEnum

__all__ = ["MODEL_NAMES", "ModelSpec", "ModelTable", "class_names", "get_spec", "list_models"]

MODEL_NAMES: list[str] = sorted(torchvision.models.list_models(module=torchvision.models.segmentation))
"""The segmentation models torchvision provides, read from torchvision itself."""


@dataclass(frozen=True)
class ModelSpec:
    """One model: its builder and default weights. Every other field is read from the weights."""

    name: str
    builder: Callable[..., torch.nn.Module]
    weights: WeightsEnum

    @property
    def categories(self) -> list[str]:
        """Class names, from ``weights.meta["categories"]``."""
        return list(self.weights.meta["categories"])

    @property
    def has_aux(self) -> bool:
        """Whether the architecture has an auxiliary head (then its output has ``'aux'``)."""
        return "aux_loss" in inspect.signature(self.builder).parameters

    def transforms(self):
        """The preprocessing the weights were evaluated with (``weights.transforms()``).

        It resizes the shorter side to 520 and normalizes, without a crop.
        Training used another, random recipe: torchvision's
        ``references/segmentation`` resized the shorter side to a random size
        between 0.5x and 2x of 520, flipped left-right with probability 0.5 and
        took a random 480x480 crop (``presets.SegmentationPresetTrain(base_size=520,
        crop_size=480)`` in ``train.py``).
        """
        return self.weights.transforms()

    @property
    def metrics(self) -> dict[str, float]:
        """Published mIoU and pixel accuracy (percent) on COCO val2017 with VOC labels."""
        return dict(next(iter(self.weights.meta["_metrics"].values())))

    def row(self) -> dict[str, object]:
        """The published figures of this model, as one table row."""
        meta = self.weights.meta
        return {
            "model": self.name, "weights": self.weights.name, "mIoU": self.metrics["miou"],
            "pixel acc": self.metrics["pixel_acc"], "params (M)": round(meta["num_params"] / 1e6, 1),
            "GFLOPS": meta["_ops"], "file (MB)": meta["_file_size"],
        }


def get_spec(name: str) -> ModelSpec:
    """Look up a model by name.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`.

    Returns
    -------
    ModelSpec
        The builder and default weights of that model.

    Raises
    ------
    ValueError
        If `name` is not a known model; the message lists the valid names.

    Examples
    --------
    >>> spec = get_spec("fcn_resnet101")
    >>> spec.weights.name, spec.has_aux, len(spec.categories), spec.metrics["miou"]
    ('COCO_WITH_VOC_LABELS_V1', True, 21, 63.7)
    """
    if name not in MODEL_NAMES:
        raise ValueError(f"`name` must be one of {', '.join(MODEL_NAMES)}, got {name!r}")
    return ModelSpec(
        name=name,
        builder=torchvision.models.get_model_builder(name),
        weights=torchvision.models.get_model_weights(name).DEFAULT,
    )


def class_names(name: str = "fcn_resnet101") -> list[str]:
    """Return the class names of a model's pretrained weights.

    Examples
    --------
    >>> class_names()[:4]
    ['__background__', 'aeroplane', 'bicycle', 'bird']
    """
    return get_spec(name).categories


class ModelTable(list):
    """A list of table rows (dicts) that prints as a text table and shows as HTML in Jupyter."""

    def __str__(self) -> str:
        columns = list(self[0])
        cells = [[str(row[c]) for c in columns] for row in self]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
        rows = [columns, *cells]
        return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in self[0])
        body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row.values()) + "</tr>" for row in self)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def list_models() -> ModelTable:
    """Tabulate every model with its published figures, as torchvision's weights report them.

    Returns
    -------
    ModelTable
        One row per model: weights, mIoU and pixel accuracy (COCO val2017,
        VOC labels), parameters, GFLOPS and download size.

    Examples
    --------
    >>> print(str(list_models()).splitlines()[-1])
    lraspp_mobilenet_v3_large     COCO_WITH_VOC_LABELS_V1  57.9  91.2       3.2         2.086    12.49
    """
    return ModelTable(get_spec(name).row() for name in MODEL_NAMES)
