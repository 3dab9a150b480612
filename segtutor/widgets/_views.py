"""What the explorers' views show, as plain data: the HTML legend, one preprocessing step, the comparison's fallback;
and a still of an explorer's first view, for pages read without a kernel."""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image

from .._checks import ArrayOrTensor, is_int
from ..data import SCENE_CLASSES, channel_stats, describe, tensor_to_image, unnormalize
from ..data._palettes import Classes, PaletteLike
from ..display import class_shares, decode_segmap
from ..metrics import pixel_accuracy
from ..models import get_spec
from ._cache import segment_cached
from ._gallery import scene_labels
from ._model_menu import EXPLORER_MODELS, model_label, model_palette

__all__ = ["first_view", "legend_html", "step_view", "untrained_fallback"]


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


STILL_TITLE = "The explorer's first view: moving the controls needs a running kernel"
_GAP = 0.15
"""Inches between two pictures."""
_COLUMNS = 90
"""Readouts are wrapped at this many characters."""
_PICTURES = ("image", "fallback")
_TEXTS = ("status", "stats", "scores", "probe", "note")
_SWATCH = re.compile(r"<b>([^<]*)</b>|background:rgb\((\d+), (\d+), (\d+)\);[^>]*></span>([^<]*)")
"""A legend's parts, in order: a bold heading (e.g. which model), or a colour swatch and its class."""
_TIMING = re.compile(r"\d+(\.\d+)?\s?(ms|s)\b")
_SYMBOLS = re.compile("[\u2300-\u23ff\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]")  # emoji: no glyph in matplotlib's font


def _plain(markup: str) -> str:
    """The text of an HTML view: one line per <br>, row or block; timings (they vary) as ``TIME``; no emoji."""
    text = re.sub(r"<br\s*/?>|</tr>|</div>|</p>|<table", r"\n\g<0>", markup)
    text = re.sub(r"</t[dh]>", "  ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = _SYMBOLS.sub("", _TIMING.sub("TIME", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _pictures(explorer: Any) -> list[np.ndarray]:
    """The explorer's pictures that are shown: its ``image`` view, and its ``fallback`` unless hidden."""
    shown = [explorer.views[name] for name in _PICTURES
             if name in explorer.views and explorer.views[name].value and explorer.views[name].layout.display != "none"]
    return [np.asarray(Image.open(io.BytesIO(view.value)).convert("RGB")) for view in shown]


def first_view(explorer: Any, *, width: float = 6.0) -> Figure:
    """A still of an explorer as it stands: its pictures, its legend and its readouts, under a title that says so.

    Notebooks show it after an explorer, so that a page read without a kernel
    (a repository page, nbviewer, the course's site) shows what the explorer
    first shows. Timings in the readouts are written ``TIME``, so that the
    still is the same on every run.

    Parameters
    ----------
    explorer : ipywidgets.VBox
        An explorer from ``segtutor.widgets.explore_*``: its ``views`` map
        names to ``widgets.Image`` and ``widgets.HTML`` views.
    width : float, optional
        Width of the figure in inches; the height follows the pictures.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per picture shown (``views["image"]``, then
        ``views["fallback"]`` unless it is hidden), a legend of the swatches
        of ``views["legend"]`` if there is one, the text of the other HTML
        views below, and the title :data:`STILL_TITLE`.

    Raises
    ------
    TypeError
        If `explorer` has no ``views`` dict, or `width` is not a number.
    ValueError
        If `width` is not positive, or the explorer shows no picture.

    Examples
    --------
    >>> from segtutor.widgets import explore_metrics
    >>> figure = first_view(explore_metrics())
    >>> figure._suptitle.get_text()
    "The explorer's first view: moving the controls needs a running kernel"
    """
    if not isinstance(getattr(explorer, "views", None), dict):
        raise TypeError(f"`explorer` must be an explorer from segtutor.widgets (with a `views` dict), got {type(explorer).__name__}")
    if not (is_int(width) or isinstance(width, float)):
        raise TypeError(f"`width` must be a number of inches, got {type(width).__name__}")
    if not width > 0:
        raise ValueError(f"`width` must be a positive number of inches, got {width!r}")
    pictures = _pictures(explorer)
    if not pictures:
        raise ValueError("`explorer` shows no picture: its `image` view is empty")
    lines = [_plain(explorer.views[name].value) for name in _TEXTS if name in explorer.views]
    text = "\n".join(textwrap.fill(line, _COLUMNS, subsequent_indent="  ") for block in lines for line in block.splitlines())
    heights = [width * p.shape[0] / p.shape[1] for p in pictures]
    figure, top = Figure(figsize=(width, sum(heights) + _GAP * (len(pictures) - 1))), 1.0
    axes = []
    for picture, height in zip(pictures, heights):
        top -= height / figure.get_figheight()
        axes.append(figure.add_axes((0.0, top, 1.0, height / figure.get_figheight())))
        axes[-1].imshow(picture)
        axes[-1].set_axis_off()
        top -= _GAP / figure.get_figheight()
    handles = _legend_handles(explorer.views["legend"].value) if "legend" in explorer.views else []
    if handles:
        axes[0].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, title="class  pixels")
    figure.suptitle(STILL_TITLE, y=1.0, va="bottom")
    if text:
        figure.text(0.0, -0.02, text, va="top", ha="left", fontsize=9, family="monospace")
    return figure


def _legend_handles(legend: str) -> list[Patch]:
    """The HTML legend's headings (as entries without a swatch) and colour swatches, in order, for a matplotlib legend."""
    return [Patch(visible=False, label=html.unescape(heading)) if heading else
            Patch(facecolor=(int(r) / 255, int(g) / 255, int(b) / 255), edgecolor="black", label=html.unescape(name).strip())
            for heading, r, g, b, name in _SWATCH.findall(legend)]
