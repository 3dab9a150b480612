"""Models' class maps beside their input, each titled by its model; random-weight output is marked as noise."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from .._checks import ArrayOrTensor, ImageLike, to_numpy
from ..data._palettes import PaletteLike
from ..models import ModelSpec, checkpoint_path, get_spec
from ._overlays import add_legend
from ._visualize import decode_segmap, show_images

__all__ = ["NOISE_TITLE", "show_predictions", "weights_state"]

NOISE_TITLE = "random weights: noise, not a prediction"
"""The title of a class map from a model with random weights: its classes say nothing about the image."""


def weights_state(name: str | ModelSpec) -> str:
    """Which weights :func:`segtutor.models.load_with_fallback` gives a model here: ``"pretrained"`` or ``"random"``.

    Read from the registry: a model is pretrained when its checkpoint is on
    this machine (in torchvision's cache, or shipped with segtutor as the
    ``tiny`` model's is), which is when the lessons' loader can use it.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with tempfile.TemporaryDirectory() as empty, mock.patch.dict(os.environ, {"TORCH_HOME": empty}):
    ...     weights_state("tiny"), weights_state("fcn_resnet101")  # nothing cached
    ('pretrained', 'random')
    """
    return "pretrained" if checkpoint_path(get_spec(name)).is_file() else "random"


def show_predictions(image: ImageLike, predictions: Mapping[str, ArrayOrTensor], *, truth: ArrayOrTensor | None = None,
                     extra: Mapping[str, ImageLike] | None = None, weights: Mapping[str, str] | None = None,
                     palette: PaletteLike = "voc", image_title: str = "input", width: float = 4.0) -> Figure:
    """Show an input, optionally its ground truth, then each model's class map, with legends.

    A model with pretrained weights gets its name as title and a legend of
    its classes and their pixel shares. A model with random weights gets the
    title ``"random weights: noise, not a prediction"`` under its name (see
    :data:`NOISE_TITLE`) and no legend: its classes and shares would read as
    a confident answer about the image, and they are noise.

    Parameters
    ----------
    image : PIL.Image.Image or numpy.ndarray
        What the models saw.
    predictions : mapping of str to class map
        Model name (one of :data:`segtutor.models.LOADABLE_MODELS`) to its
        integer class map (H, W), in display order.
    truth : class map, optional
        The ground truth, shown (with its legend) before the predictions.
    extra : mapping of str to image, optional
        Further panels made from the predictions, title to image, shown last
        (an agreement map, say). When a prediction comes from random
        weights, each of their titles gets a second line,
        ``"from random weights: noise"``.
    weights : mapping of str to str, optional
        Model name to ``"pretrained"`` or ``"random"``, for models loaded
        otherwise than by the lessons' loader. By default each model's
        :func:`weights_state`.
    palette : str or Palette, optional
        The palette of the class maps.
    image_title : str, optional
        The input panel's title.
    width : float, optional
        Width of each panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per input, truth, prediction and extra, in that order.

    Raises
    ------
    ValueError
        If `predictions` is empty, a name is not a model, or a weights state
        is neither ``"pretrained"`` nor ``"random"``.

    Examples
    --------
    >>> fig = show_predictions(np.zeros((2, 2, 3), np.uint8), {"fcn_resnet101": np.array([[0, 8], [8, 8]])},
    ...                        weights={"fcn_resnet101": "random"})
    >>> fig.axes[1].get_title(), fig.axes[1].get_legend()
    ('fcn_resnet101\\nrandom weights: noise, not a prediction', None)
    >>> fig = show_predictions(np.zeros((2, 2, 3), np.uint8), {"tiny": np.array([[0, 1], [1, 1]])}, palette="scenes")
    >>> fig.axes[1].get_title(), [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    ('tiny', ['disc  75.0%', 'background  25.0%'])
    """
    if not predictions:
        raise ValueError("`predictions` must hold at least one model's class map, got an empty mapping")
    states = {name: _state(name, weights) for name in predictions}
    titles = {name: f"{name}\n{NOISE_TITLE}" if state == "random" else name for name, state in states.items()}
    maps = {**({"ground truth": truth} if truth is not None else {}), **predictions}
    noise = "\nfrom random weights: noise" if "random" in states.values() else ""
    panels = {image_title: np.asarray(image), **{titles.get(k, k): decode_segmap(v, palette) for k, v in maps.items()},
              **{title + noise: panel for title, panel in (extra or {}).items()}}
    if len(panels) < 1 + len(maps) + len(extra or {}):
        raise ValueError(f"`predictions`, `truth` and `extra` must have distinct titles, got {list(maps)} and {list(extra or {})}")
    fig = show_images(panels, width=width)
    for ax, (name, class_map) in zip(fig.axes[1:], maps.items()):
        if states.get(name) != "random":
            add_legend(ax, to_numpy(class_map), palette=palette)
    return fig


def _state(name: str, weights: Mapping[str, str] | None) -> str:
    """A model's weights state: given in `weights`, else read from the registry."""
    state = weights[name] if weights is not None and name in weights else weights_state(name)
    if state not in ("pretrained", "random"):
        raise ValueError(f"`weights` must map each model to 'pretrained' or 'random', got {state!r} for {name!r}")
    return state
