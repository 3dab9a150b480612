"""What the explorers' views show, as plain data: the HTML legend, one preprocessing step, the comparison's fallback;
and a still of an explorer's first view, for pages read without a kernel."""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image

from .._checks import ArrayOrTensor, is_int, to_numpy
from ..data import SCENE_CLASSES, channel_stats, describe, tensor_to_image, unnormalize
from ..data._palettes import Classes, PaletteLike, get_palette
from ..display import class_shares, decode_segmap
from ..metrics import pixel_accuracy
from ..models import get_spec
from ._cache import segment_cached
from ._gallery import scene_labels
from ._model_menu import EXPLORER_MODELS, display_name, model_palette
from ._playground import AGREE, DIFFER, UNSEEN, agreement_map

__all__ = ["NOISE", "UNSEEN_NAME", "agreement_html", "agreement_key_html", "comparison_legend_html", "first_view", "legend_entries", "legend_html",
           "step_view", "table_html", "untrained_fallback"]


NOISE = "random weights: noise, not a prediction"
"""What the explorers write on a random-weight model's legend and readout."""

UNSEEN_NAME = "unseen border (outside the model's crop)"
"""The legend's name for the pixels the model did not see (``ignore_index`` in its class map)."""


def legend_entries(labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc",
                   ignore_index: int = 255) -> list[tuple[str, tuple[int, int, int], float]]:
    """The legend's rows: (display name, colour, share of all the pixels), classes largest first, then the unseen border.

    Shares are of the whole picture, so that with every class shown they add
    up to 1 with the unseen border's. Class names are shown as
    :func:`display_name` writes them.

    Examples
    --------
    >>> legend_entries(np.array([[0, 8, 8, 255]]))
    [('cat', (64, 0, 0), 0.5), ('background', (0, 0, 0), 0.25), ("unseen border (outside the model's crop)", (224, 224, 192), 0.25)]
    """
    palette = get_palette(palette)
    rows = [(display_name(entry.name), entry.color, entry.share)
            for entry in class_shares(labels, classes=classes, palette=palette) if entry.class_id != ignore_index]
    unseen = float((to_numpy(labels) == ignore_index).mean()) if to_numpy(labels).size else 0.0
    return rows + ([(UNSEEN_NAME, palette.void_color, unseen)] if unseen else [])


def legend_html(labels: ArrayOrTensor, *, classes: Classes = None, palette: PaletteLike = "voc", random: bool = False,
                unseen_color: tuple[int, int, int] | None = None) -> str:
    """An HTML legend: a colour swatch, the class name and its share of all the pixels (see :func:`legend_entries`).

    A random-weight model's legend starts with :data:`NOISE`; `unseen_color`
    replaces the unseen border's swatch (e.g. white where the picture leaves the photo plain there).

    Examples
    --------
    >>> print(legend_html(np.array([[0, 8, 8, 8]]))[:60])
    <div style="font-family: sans-serif; font-size: 12px"><span
    """
    entries = [(name, unseen_color if name == UNSEEN_NAME and unseen_color else color, share)
               for name, color, share in legend_entries(labels, classes=classes, palette=palette)]
    rows = [f'<span style="display:inline-block;width:12px;height:12px;background:rgb{color};'
            f'border:1px solid #888;margin-right:4px"></span>{html.escape(name)} {100 * share:.1f}%'
            for name, color, share in entries]
    head = [f"<b>⚠️ {NOISE}</b>"] if random else []
    return '<div style="font-family: sans-serif; font-size: 12px">' + "<br>".join(head + rows) + "</div>"


def agreement_html(labels_a: ArrayOrTensor, labels_b: ArrayOrTensor, *, ignore_index: int = 255) -> str:
    """The comparison's sentence: how much two class maps agree, among the pixels both models saw.

    Examples
    --------
    >>> agreement_html(np.array([[1, 2, 255, 255]]), np.array([[1, 3, 3, 255]]))
    'they agree on <b>50.0%</b> of the pixels both models saw (50% of the picture; grey: unseen by one of them)'
    """
    share = agreement_map(labels_a, labels_b, ignore_index=ignore_index)[1]
    seen = float(((to_numpy(labels_a) != ignore_index) & (to_numpy(labels_b) != ignore_index)).mean())
    if not seen:
        return "the models saw no pixel in common: nothing to compare"
    return (f"they agree on <b>{100 * share:.1f}%</b> of the pixels both models saw "
            f"({100 * seen:.0f}% of the picture; grey: unseen by one of them)")


def agreement_key_html() -> str:
    """The agreement panel's colour key: agree, differ, unseen."""
    return '<div style="font-family: sans-serif; font-size: 12px">' + "<br>".join(
        f'<span style="display:inline-block;width:12px;height:12px;background:rgb{color};border:1px solid #888;'
        f'margin-right:4px"></span>{name}' for name, color in
        (("same class", AGREE), ("different classes", DIFFER), ("unseen by one model", UNSEEN))) + "</div>"


def comparison_legend_html(labels_a: ArrayOrTensor, labels_b: ArrayOrTensor, models: Sequence[Any], weights: Sequence[str],
                           *, width: int = 300) -> str:
    """The comparison's colour keys, one under each panel: model A's classes, model B's, and the agreement's colours.

    A fixed-width table (`width` CSS pixels a column), so that each key stands
    under its panel in every front end. A model that ran with random weights
    has its key marked :data:`NOISE`.
    """
    cells = [f"<b>{side} · {html.escape(spec.name)}</b>"
             f"{legend_html(labels, palette=model_palette(spec), random=kind == 'random')}"
             for side, labels, spec, kind in zip("AB", (labels_a, labels_b), models, weights)]
    cells.append(f"<b>agreement</b>{agreement_key_html()}")
    style = f'style="width:{width}px;vertical-align:top;text-align:left;padding:0 8px 0 0"'
    return (f'<table style="table-layout:fixed;border-collapse:collapse;width:{width * len(cells)}px"><tr>'
            + "".join(f"<td {style}>{cell}</td>" for cell in cells) + "</tr></table>")


def table_html(rows: Sequence[dict[str, Any]]) -> str:
    """An HTML table with explicit cell padding, readable in every front end (ipywidgets 7's classic notebook included).

    Examples
    --------
    >>> table_html([{"channel": "R", "mean": 0.5}])[:74]
    '<table style="border-collapse:collapse"><tr><th style="padding:2px 10px;te'
    """
    cell = 'style="padding:2px 10px;text-align:right;border-bottom:1px solid #ddd"'
    head = "".join(f"<th {cell}>{html.escape(str(column))}</th>" for column in rows[0])
    body = "".join("<tr>" + "".join(f"<td {cell}>{html.escape(str(value))}</td>" for value in row.values()) + "</tr>"
                   for row in rows)
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


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
    return picture, f"<b>{html.escape(name)}</b>: {html.escape(describe(result))}{table_html(channel_stats(values))}"


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
            f"random weights, so their maps and their agreement are noise, not predictions. Below, segtutor's own model, "
            f"{own.name} ({own.note}), on {scene}, beside the scene's ground truth: <b>{100 * right:.1f}%</b> of the pixels right.")
    palette = model_palette(own)
    return [decode_segmap(predicted, palette), decode_segmap(truth, palette)], note


STILL_TITLE = "The explorer's first view: moving the controls needs a running kernel"
_GAP = 0.15
"""Inches between two pictures."""
_TITLE = 0.25
"""Inches above a picture for the titles of its panels."""
_COLUMNS = 80
"""Readouts are wrapped at this many characters."""
_PICTURES = ("image", "fallback")
_TEXTS = ("weights", "status", "stats", "scores", "probe", "note")
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


def _pictures(explorer: Any) -> list[tuple[str, np.ndarray]]:
    """The explorer's pictures that are shown, by name: its ``image`` view, and its ``fallback`` unless hidden."""
    shown = [name for name in _PICTURES
             if name in explorer.views and explorer.views[name].value and explorer.views[name].layout.display != "none"]
    return [(name, np.asarray(Image.open(io.BytesIO(explorer.views[name].value)).convert("RGB"))) for name in shown]


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
        ``views["fallback"]`` unless it is hidden), each with the titles of
        its side-by-side panels over them (the explorer's ``panel_titles``, if any), a legend of the swatches
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
    named = _pictures(explorer)
    pictures, titles = [picture for _, picture in named], getattr(explorer, "panel_titles", {})
    if not pictures:
        raise ValueError("`explorer` shows no picture: its `image` view is empty")
    lines = [_plain(explorer.views[name].value) for name in _TEXTS if name in explorer.views]
    text = "\n".join(textwrap.fill(line, _COLUMNS, subsequent_indent="  ") for block in lines for line in block.splitlines())
    heights = [width * p.shape[0] / p.shape[1] for p in pictures]
    room = [_TITLE if titles.get(name) else 0.0 for name, _ in named]  # above a picture, for its panels' titles
    figure, top = Figure(figsize=(width, sum(heights) + sum(room) + _GAP * (len(pictures) - 1))), 1.0
    axes = []
    for (name, picture), height, above in zip(named, heights, room):
        top -= (height + above) / figure.get_figheight()
        axes.append(figure.add_axes((0.0, top, 1.0, height / figure.get_figheight())))
        axes[-1].imshow(picture)
        axes[-1].set_axis_off()
        for i, title in enumerate(titles.get(name, ())):  # over its panel: the panels share the picture's width
            axes[-1].text((i + 0.5) / len(titles[name]), 1.01, title, transform=axes[-1].transAxes, ha="center", va="bottom",
                          fontsize=9, fontweight="bold")
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
