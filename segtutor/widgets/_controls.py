"""The wiring the explorers share: boxes, pictures, the model menu, the error guard and the pixel probe's controls."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import traitlets

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


def image_view(format: str = "png", *, width: str | None = None) -> widgets.Image:
    """A picture; with `width` (CSS pixels), always shown that wide, whatever the front end."""
    layout = widgets.Layout(width=width, height="auto") if width else widgets.Layout(max_width="100%")
    return widgets.Image(format=format, layout=layout)


def titles_row(titles: Sequence[str], *, width: int) -> widgets.HBox:
    """Titles over side-by-side panels of `width` CSS pixels each, one centred over each panel."""
    return widgets.HBox([widgets.HTML(f'<div style="text-align:center"><b>{html.escape(title)}</b></div>',
                                      layout=widgets.Layout(width=f"{width}px")) for title in titles])


def model_dropdown(value: str, description: str = "model") -> widgets.Dropdown:
    options = [(model_label(name), name) for name in EXPLORER_MODELS]
    return widgets.Dropdown(options=options, value=value, description=description, layout=widgets.Layout(width="360px"))


class ClassToggles(widgets.VBox):
    """One checkbox per class, all ticked when the classes change.

    ``options`` holds (display name, class id) pairs; ``value`` the ids ticked,
    in that order. Changing ``options`` builds new checkboxes (a shorter list
    never updates a selection widget's options in place, which ipywidgets 8's
    front end logs as an error).
    """

    options = traitlets.Tuple()
    value = traitlets.Tuple()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._syncing = False

    @traitlets.observe("options")
    def _rebuild(self, change: dict[str, Any]) -> None:
        old = self.children  # type: ignore[has-type]
        boxes = [widgets.Checkbox(value=True, description=str(name), indent=False, layout=widgets.Layout(width="auto"))
                 for name, _ in change["new"]]
        for checkbox in boxes:
            checkbox.observe(self._ticked, names="value")
        self.children = tuple(boxes)
        for checkbox in old:
            checkbox.close()
        self.value = tuple(class_id for _, class_id in change["new"])

    def _ticked(self, _: Any) -> None:
        if not self._syncing:
            self.value = tuple(class_id for (_, class_id), box in zip(self.options, self.children) if box.value)

    @traitlets.observe("value")
    def _tick(self, change: dict[str, Any]) -> None:
        self._syncing = True
        try:
            for (_, class_id), checkbox in zip(self.options, self.children):
                checkbox.value = class_id in change["new"]
        finally:
            self._syncing = False


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
