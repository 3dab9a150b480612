"""The wiring the explorers share: boxes, pictures, the model menu, the error guard and the pixel probe's controls."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets

from . import _probe as probe
from ._model_menu import EXPLORER_MODELS, model_label

try:  # optional: clicks on pictures; the sliders work without it
    from ipyevents import Event
except ImportError:  # pragma: no cover - depends on the environment
    Event = None

_LOG = logging.getLogger("segtutor.widgets")


def box(children: Sequence[Any], controls: dict[str, Any], views: dict[str, Any], events: dict[str, Any] | None = None) -> widgets.VBox:
    """A VBox of `children` that also carries its `controls`, `views` and `events` dicts."""
    vbox = widgets.VBox(children)
    vbox.controls, vbox.views, vbox.events = controls, views, events or {}
    return vbox


def image_view(format: str = "png") -> widgets.Image:
    return widgets.Image(format=format, layout=widgets.Layout(max_width="100%"))


def model_dropdown(value: str, description: str = "model") -> widgets.Dropdown:
    options = [(model_label(name), name) for name in EXPLORER_MODELS]
    return widgets.Dropdown(options=options, value=value, description=description)


def guarded(status: widgets.HTML, callback: Callable[..., Any]) -> Callable[..., Any]:
    """`callback` for an observer: whatever it raises shows in `status` (and the debug log) instead of escaping."""
    @functools.wraps(callback)
    def guard(*args: Any) -> Any:
        try:
            return callback(*args)
        except Exception as err:
            _LOG.info("explorer callback %s failed", callback.__name__, exc_info=True)
            status.value = f"⚠️ {html.escape(type(err).__name__)}: {html.escape(str(err), quote=False)}"
    return guard


@contextmanager
def quiet(state: dict[str, Any]) -> Iterator[None]:
    """Silence redraws while several controls change; the caller redraws once afterwards."""
    state["quiet"] = True
    try:
        yield
    finally:
        state["quiet"] = False


def probe_controls() -> dict:
    return {name: widgets.IntSlider(0, min=0, max=0, description=label, continuous_update=False)
            for name, label in (("row", "row"), ("col", "column"))}


def readout() -> widgets.HTML:
    view = widgets.HTML()
    view.add_class("segtutor-probe")  # for the browser tests
    return view


def fit_probe(controls: dict[str, Any], shape: Sequence[int], *, centre: bool) -> None:
    """Give the row and column sliders an image's (H, W) range; centre them on a new image."""
    for name, size in (("row", shape[0]), ("col", shape[1])):
        value = size // 2 if centre else min(controls[name].value, size - 1)
        controls[name].max, controls[name].value = size - 1, value


def clicks(views: dict[str, Any], controls: dict[str, Any], state: dict[str, Any], redraw: Callable[[], None], *,
           panels: int = 1) -> dict[str, Any]:
    """Where ipyevents is installed, a click on ``views["image"]`` moves the probe to the pixel under it."""
    if Event is None:
        return {}

    def click(event: dict[str, Any]) -> None:
        if "dataX" in event and "factor" in state:  # dataX, dataY: the picture's own pixels
            row, col = probe.pixel_at(event["dataX"], event["dataY"], factor=state["factor"], shape=state["shape"],
                                      panels=panels)
            with quiet(state):
                controls["row"].value, controls["col"].value = row, col
            redraw()

    event = Event(source=views["image"], watched_events=["click"])
    event.on_dom_event(guarded(views["status"], click))
    return {"click": event}
