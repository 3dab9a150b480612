"""ipywidgets explorers. They compute nothing themselves: each control calls a pure function.

Every ``explore_*`` function returns a ``widgets.VBox`` whose ``controls``
and ``views`` attributes map names to its controls and its outputs
(``widgets.Image`` and ``widgets.HTML``), and whose ``events`` attribute maps
names to ipyevents ``Event`` widgets where ipyevents is installed (else it is
empty), so tests and curious readers can drive them from code. Images are
``widgets.Image`` values updated by ``observe``, small ones enlarged by
:func:`segtutor.probe.panels_picture`. One guard runs every callback: an error
shows in ``views["status"]`` and the controls stay usable. The segmentation
and comparison explorers probe a pixel, chosen by the ``row`` and ``col``
sliders (Colab included) or by a click with ipyevents: a crosshair marks it
and ``views["probe"]`` gives its class and top 3 softmax probabilities.
Works with ipywidgets 7.7 (Colab) and 8.
"""

from __future__ import annotations

import functools
import html
import logging
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np

from . import explorer, probe
from .metrics import dice, iou, pixel_accuracy
from .overlays import overlay
from .playground import agreement_map, perturb_labels
from .preprocessing import seed_transform, trace_transform
from .registry import class_names
from .scenes import SCENE_CLASSES
from .superpixels import mean_color_image, slic_superpixels, superpixel_boundaries
from .visualize import decode_segmap

try:  # optional: clicks on pictures; the sliders work without it
    from ipyevents import Event
except ImportError:  # pragma: no cover - depends on the environment
    Event = None

__all__ = ["explore_comparison", "explore_metrics", "explore_preprocessing", "explore_segmentation", "explore_superpixels"]

_LOG = logging.getLogger(__name__)


def _box(children, controls: dict, views: dict, events: dict | None = None) -> widgets.VBox:
    box = widgets.VBox(children)
    box.controls, box.views, box.events = controls, views, events or {}
    return box


def _image(format: str = "png") -> widgets.Image:
    return widgets.Image(format=format, layout=widgets.Layout(max_width="100%"))


def _model_dropdown(value: str, description: str = "model") -> widgets.Dropdown:
    options = [(explorer.model_label(name), name) for name in explorer.EXPLORER_MODELS]
    return widgets.Dropdown(options=options, value=value, description=description)


def _guarded(status: widgets.HTML, callback):
    """`callback` for an observer: whatever it raises shows in `status` (and the debug log) instead of escaping."""
    @functools.wraps(callback)
    def guarded(*args):
        try:
            return callback(*args)
        except Exception as err:  # noqa: BLE001 - the reader sees it; the observer must not die
            _LOG.info("explorer callback %s failed", callback.__name__, exc_info=True)
            status.value = f"⚠️ {html.escape(type(err).__name__)}: {html.escape(str(err), quote=False)}"
    return guarded


@contextmanager
def _quiet(state: dict):
    """Silence redraws while several controls change; the caller redraws once afterwards."""
    state["quiet"] = True
    try:
        yield
    finally:
        state["quiet"] = False


def _probe_controls() -> dict:
    return {name: widgets.IntSlider(0, min=0, max=0, description=label, continuous_update=False)
            for name, label in (("row", "row"), ("col", "column"))}


def _readout() -> widgets.HTML:
    readout = widgets.HTML()
    readout.add_class("segtutor-probe")  # for the browser tests
    return readout


def _fit_probe(controls: dict, shape, *, centre: bool) -> None:
    """Give the row and column sliders an image's (H, W) range; centre them on a new image."""
    for name, size in (("row", shape[0]), ("col", shape[1])):
        value = size // 2 if centre else min(controls[name].value, size - 1)
        controls[name].max, controls[name].value = size - 1, value


def _clicks(views: dict, controls: dict, state: dict, redraw, *, panels: int = 1) -> dict:
    """Where ipyevents is installed, a click on ``views["image"]`` moves the probe to the pixel under it."""
    if Event is None:
        return {}

    def click(event):
        if "dataX" in event and "factor" in state:  # dataX, dataY: the picture's own pixels
            row, col = probe.pixel_at(event["dataX"], event["dataY"], factor=state["factor"], shape=state["shape"],
                                      panels=panels)
            with _quiet(state):
                controls["row"].value, controls["col"].value = row, col
            redraw()

    event = Event(source=views["image"], watched_events=["click"])
    event.on_dom_event(_guarded(views["status"], click))
    return {"click": event}


def explore_segmentation(*, model: str = explorer.EXPLORER_MODELS[0], image: str = "scene-0",
                         preprocessing: str = "seed") -> widgets.VBox:
    """Switch model, image and preprocessing; change the opacity; toggle classes; probe a pixel.

    Logits are cached per (model, image, preprocessing): the opacity slider,
    the class toggles and the probe only redraw the overlay.
    """
    controls = {
        "model": _model_dropdown(model),
        "image": widgets.Dropdown(options=explorer.explorer_images(), value=image, description="image"),
        "upload": widgets.FileUpload(accept="image/*", multiple=False, description="upload"),
        "preprocessing": widgets.ToggleButtons(options=[("seed: 224 crop", "seed"), ("weights' transform", "weights")],
                                               value=preprocessing, description="preprocess"),
        "alpha": widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.05, description="opacity"),
        "classes": widgets.SelectMultiple(options=[], description="classes", rows=6),
        **_probe_controls(),
    }
    views = {"image": _image("jpeg"), "legend": widgets.HTML(), "status": widgets.HTML(), "probe": _readout()}
    state = {}

    def run(_=None):
        name, key = controls["model"].value, controls["image"].value
        views["status"].value = f"⏳ running {name} …"
        labels, probs, seconds, weights = explorer.segment_cached(name, key, controls["preprocessing"].value)
        names, new_image = class_names(name, labels=labels, ignore_index=255), state.get("key") != key
        state.update(model=name, key=key, labels=labels, probs=probs, shape=labels.shape)
        with _quiet(state):  # new options and ranges fire the observers: one redraw suffices
            controls["classes"].options = names
            controls["classes"].value = tuple(names)
            _fit_probe(controls, labels.shape, centre=new_image)
        views["status"].value = f"{name}: {weights} weights, {seconds:.2f} s (cached afterwards)"
        redraw()

    def redraw(_=None):
        if state.get("quiet") or "labels" not in state:
            return
        palette, picked = explorer.model_palette(state["model"]), list(controls["classes"].value)
        pixel = controls["row"].value, controls["col"].value
        blended = overlay(explorer.explorer_image(state["key"]), state["labels"], alpha=controls["alpha"].value,
                          classes=picked, palette=palette)
        picture, state["factor"] = probe.panels_picture([blended], pixel=pixel)
        views["image"].value = explorer.to_jpeg(picture)
        views["legend"].value = explorer.legend_html(state["labels"], classes=picked, palette=palette)
        views["probe"].value = probe.readout_html(*pixel, [probe.probe_html(
            state["labels"], state["probs"], *pixel, names=class_names(state["model"]), title=state["model"])])

    def upload(change):
        try:
            key = explorer.register_image(explorer.read_upload(change["new"]))
        except ValueError as err:
            views["status"].value = f"⚠️ upload refused: {html.escape(str(err), quote=False)}"
            return
        controls["image"].options = explorer.explorer_images()
        controls["image"].value = key

    run, redraw, upload = (_guarded(views["status"], f) for f in (run, redraw, upload))
    for name in ("model", "image", "preprocessing"):
        controls[name].observe(run, names="value")
    for name in ("alpha", "classes", "row", "col"):
        controls[name].observe(redraw, names="value")
    controls["upload"].observe(upload, names="value")
    events = _clicks(views, controls, state, redraw)
    run()
    rows = [widgets.HBox([controls["model"], controls["image"], controls["upload"]]), controls["preprocessing"],
            widgets.HBox([controls["alpha"], controls["classes"]]), widgets.HBox([controls["row"], controls["col"]]),
            views["status"], widgets.HBox([views["image"], views["legend"]]), views["probe"]]
    return _box(rows, controls, views, events)


def explore_preprocessing(*, image: str = "chelsea") -> widgets.VBox:
    """Step through the seed's preprocessing: the picture and the tensor's statistics after each step.

    Pictures keep their own size (not enlarged): the sizes are part of the lesson.
    """
    steps = trace_transform(seed_transform(), image)
    controls = {"step": widgets.SelectionSlider(options=[(f"{i}: {name}", i) for i, (name, _) in enumerate(steps)],
                                                description="step", layout=widgets.Layout(width="500px"))}
    views = {"image": _image(), "stats": widgets.HTML(), "status": widgets.HTML()}

    @functools.partial(_guarded, views["status"])
    def show(_=None):
        picture, views["stats"].value = explorer.step_view(*steps[controls["step"].value])
        views["image"].value = explorer.to_png(picture)
        views["status"].value = ""

    controls["step"].observe(show, names="value")
    show()
    return _box([controls["step"], views["status"], widgets.HBox([views["image"], views["stats"]])], controls, views)


def explore_metrics(*, seed: int = 0) -> widgets.VBox:
    """Shift, grow or shrink a prediction against its ground truth and watch accuracy, IoU and Dice."""
    target = explorer.playground_target(seed=seed)
    num_classes = int(target.max()) + 1
    controls = {"dx": widgets.IntSlider(0, min=-20, max=20, description="shift x"),
                "dy": widgets.IntSlider(0, min=-20, max=20, description="shift y"),
                "grow": widgets.IntSlider(0, min=-8, max=8, description="grow")}
    views = {"image": _image(), "scores": widgets.HTML(), "status": widgets.HTML()}

    @functools.partial(_guarded, views["status"])
    def update(_=None):
        pred = perturb_labels(target, shift=(controls["dx"].value, controls["dy"].value), grow=controls["grow"].value)
        views["image"].value = explorer.to_png(probe.panels_picture([decode_segmap(target), decode_segmap(pred)])[0])
        scores = {"pixel accuracy": pixel_accuracy(pred, target, num_classes=num_classes),
                  "mean IoU": float(np.nanmean(iou(pred, target, num_classes=num_classes))),
                  "mean Dice": float(np.nanmean(dice(pred, target, num_classes=num_classes)))}
        views["scores"].value = "<br>".join(f"{k}: <b>{v:.3f}</b>" for k, v in scores.items()) + \
            "<br><i>Dice = 2·IoU/(1+IoU) ≥ IoU</i>"
        views["status"].value = ""

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return _box([widgets.HBox(list(controls.values())), views["status"], widgets.HTML("ground truth | prediction"),
                 views["image"], views["scores"]], controls, views)


def explore_superpixels(*, image: str = "astronaut") -> widgets.VBox:
    """Change SLIC's ``n_segments`` and ``compactness`` and see the superpixels and their mean colours."""
    picture = np.asarray(explorer.explorer_image(image))
    controls = {"n_segments": widgets.IntSlider(100, min=10, max=500, step=10, description="n_segments"),
                "compactness": widgets.FloatLogSlider(10, base=10, min=-1, max=2, description="compactness")}
    views = {"image": _image(), "status": widgets.HTML()}

    @functools.partial(_guarded, views["status"])
    def update(_=None):
        segments = slic_superpixels(picture, n_segments=controls["n_segments"].value,
                                    compactness=controls["compactness"].value)
        both = [superpixel_boundaries(picture, segments), mean_color_image(picture, segments)]
        views["image"].value = explorer.to_png(probe.panels_picture(both)[0])
        views["status"].value = f"{len(np.unique(segments))} superpixels"

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return _box([widgets.HBox(list(controls.values())), views["status"], views["image"]], controls, views)


def explore_comparison(*, model_a: str = "fcn_resnet101", model_b: str = "deeplabv3_resnet101",
                       image: str = "chelsea") -> widgets.VBox:
    """Two models side by side on one image, a map of where they agree, each model's time, and a pixel probe.

    A model without pretrained weights runs with random weights; then a note
    says so, and a second picture shows the tiny model (trained here) on a
    synthetic scene beside the scene's ground truth.
    """
    controls = {"model_a": _model_dropdown(model_a, "model A"), "model_b": _model_dropdown(model_b, "model B"),
                "image": widgets.Dropdown(options=explorer.explorer_images(), value=image, description="image"),
                **_probe_controls()}
    views = {"image": _image(), "status": widgets.HTML(), "probe": _readout(), "note": widgets.HTML(),
             "fallback": _image()}
    state = {}

    def update(_=None):
        views["status"].value = "⏳ running …"
        key, models = controls["image"].value, (controls["model_a"].value, controls["model_b"].value)
        results = [explorer.segment_cached(name, key, "seed") for name in models]
        new_image = state.get("key") != key
        state.update(key=key, models=models, results=results, shape=results[0][0].shape)
        with _quiet(state):
            _fit_probe(controls, state["shape"], centre=new_image)
        (a, _, ta, wa), (b, _, tb, wb) = results
        views["status"].value = (f"A: {ta:.2f} s ({wa}) · B: {tb:.2f} s ({wb}) · "
                                 f"they agree on <b>{100 * agreement_map(a, b)[1]:.1f}%</b> of the pixels (green)")
        offline([name for name, result in zip(models, results) if result[3] == "random"])
        redraw()

    def offline(untrained):
        views["fallback"].layout.display, views["note"].value = (None if untrained else "none"), ""
        if untrained:
            panels, views["note"].value = explorer.untrained_fallback(untrained, state["key"])
            views["fallback"].value = explorer.to_png(probe.panels_picture(panels)[0])

    def redraw(_=None):
        if state.get("quiet") or "results" not in state:
            return
        pixel = controls["row"].value, controls["col"].value
        (a, pa, *_), (b, pb, *_) = state["results"]
        panels = [decode_segmap(labels, explorer.model_palette(name)) for labels, name in zip((a, b), state["models"])]
        picture, state["factor"] = probe.panels_picture([*panels, agreement_map(a, b)[0]], pixel=pixel)
        views["image"].value = explorer.to_png(picture)
        lines = [probe.probe_html(labels, probs, *pixel, names=class_names(name), title=f"{side} · {name}")
                 for side, labels, probs, name in zip("AB", (a, b), (pa, pb), state["models"])]
        if state["key"].startswith("scene-"):
            truth = int(explorer.scene_labels(state["key"])[pixel])
            lines.append(f"ground truth: <b>{SCENE_CLASSES[truth]}</b> (id {truth})")
        views["probe"].value = probe.readout_html(*pixel, lines)

    update, redraw = (_guarded(views["status"], f) for f in (update, redraw))
    for name in ("model_a", "model_b", "image"):
        controls[name].observe(update, names="value")
    for name in ("row", "col"):
        controls[name].observe(redraw, names="value")
    events = _clicks(views, controls, state, redraw, panels=3)
    update()
    return _box([widgets.HBox([controls["model_a"], controls["model_b"], controls["image"]]),
                 widgets.HBox([controls["row"], controls["col"]]), views["status"],
                 widgets.HTML("model A | model B | agreement"), views["image"], views["probe"], views["note"],
                 views["fallback"]], controls, views, events)
