"""What the explorers' views show, as plain data: the HTML legend, one preprocessing step, the comparison's fallback."""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np
import torch
from PIL import Image

from .._checks import ArrayOrTensor
from ..data import SCENE_CLASSES, channel_stats, describe, tensor_to_image, unnormalize
from ..data._palettes import Classes, PaletteLike
from ..display import class_shares, decode_segmap
from ..metrics import pixel_accuracy
from ..models import get_spec
from ._cache import segment_cached
from ._gallery import scene_labels
from ._model_menu import EXPLORER_MODELS, model_label, model_palette

__all__ = ["legend_html", "step_view", "untrained_fallback"]


def legend_html(labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc") -> str:
    """An HTML legend: a colour swatch, the class name and its share of the pixels, largest first.

    Examples
    --------
    >>> print(legend_html(np.array([[0, 8, 8, 8]]))[:60])
    <div style="font-family: sans-serif; font-size: 12px"><span
    """
    rows = [
        f'<span style="display:inline-block;width:12px;height:12px;background:rgb{entry.color};'
        f'border:1px solid #888;margin-right:4px"></span>{html.escape(entry.name)} {100 * entry.share:.1f}%'
        for entry in class_shares(labels, classes=classes, palette=palette)
    ]
    return '<div style="font-family: sans-serif; font-size: 12px">' + "<br>".join(rows) + "</div>"


def step_view(name: str, result: Image.Image | torch.Tensor) -> tuple[np.ndarray, str]:
    """What the preprocessing stepper shows for one step: a picture and an HTML table of statistics.

    PIL steps are shown as they are, with statistics on the 0-255 scale;
    tensors are shown through :func:`segtutor.tensor_to_image` (after
    :func:`segtutor.unnormalize` for the ``Normalize`` step), with statistics
    of the tensor itself.

    Examples
    --------
    >>> picture, stats = step_view("ToTensor", torch.zeros(3, 2, 4))
    >>> picture.shape, stats.startswith("<b>ToTensor</b>: tensor of shape (3, 2, 4), dtype torch.float32")
    ((2, 4, 3), True)
    """
    if isinstance(result, Image.Image):
        picture = np.asarray(result.convert("RGB"))
        values = torch.from_numpy(picture.copy()).permute(2, 0, 1).float()
    else:
        picture = tensor_to_image(unnormalize(result) if name == "Normalize" else result)
        values = result
    return picture, f"<b>{html.escape(name)}</b>: {html.escape(describe(result))}{channel_stats(values)._repr_html_()}"


def untrained_fallback(untrained: Iterable[str], key: str) -> tuple[list[np.ndarray], str]:
    """What the comparison explorer adds when models run with random weights: a trained model on a scene, and why.

    Parameters
    ----------
    untrained : iterable of str
        Names of the models without pretrained weights (at least one).
    key : str
        The image being compared: a synthetic scene is kept, any other image is replaced by ``"scene-0"``.

    Returns
    -------
    panels : list of numpy.ndarray
        Two uint8 (H, W, 3) pictures: segtutor's own model's class map (its
        own preprocessing: the whole scene), then the scene's ground truth.
    note : str
        HTML: which models lack weights, why their maps are noise, and the own model's pixel accuracy.
    """
    scene = key if key.startswith("scene-") else "scene-0"
    own = get_spec(EXPLORER_MODELS[0])  # segtutor's own model: trained here, so it works offline
    predicted, truth = segment_cached(own, scene, "weights")[0], scene_labels(scene)
    right = pixel_accuracy(predicted, truth, num_classes=len(SCENE_CLASSES))
    note = (f"⚠️ No pretrained weights here for {' and '.join(sorted(set(untrained)))} (offline, nothing cached): "
            "random weights, so their maps and their agreement are noise. Below, segtutor's own model, "
            f"{model_label(own)}, on {scene} | its ground truth: <b>{100 * right:.1f}%</b> of the pixels right.")
    palette = model_palette(own)
    return [decode_segmap(predicted, palette), decode_segmap(truth, palette)], note
