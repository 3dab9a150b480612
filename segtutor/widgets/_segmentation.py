"""The explorers that run models: one model on one image, and two models side by side."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..data import SCENE_CLASSES
from ..display import decode_segmap, overlay
from ..models import get_spec
from . import _probe as probe
from ._cache import segment_cached
from ._controls import ClassToggles, box, clicks, fit_probe, guarded, image_view, model_dropdown, probe_controls, quiet, readout, titles_row
from ._encode import to_jpeg, to_png
from ._gallery import explorer_image, explorer_images, register_image, scene_labels
from ._model_menu import EXPLORER_MODELS, display_names, model_palette, weights_html
from ._playground import agreement_map
from ._uploads import read_upload
from ._views import agreement_html, comparison_legend_html, legend_html, untrained_fallback

__all__ = ["explore_comparison", "explore_segmentation"]


PREPROCESSING = [("the model's own", "weights"), ("seed: 224 crop", "seed")]
"""The preprocessing toggle: each model's own transform (its spec's, the default) or the seed's 224 centre crop."""

PANEL_PX = 300
"""Width of one of the comparison's panels, in CSS pixels: the same in JupyterLab, Voila and the classic notebook."""


def explore_segmentation(*, model: str = EXPLORER_MODELS[0], image: str = "scene-0",
                         preprocessing: str = "weights") -> widgets.VBox:
    """Switch model, image and preprocessing; change the opacity; tick classes; probe a pixel.

    Results are cached per (model, image content, preprocessing): the opacity
    slider, the class checkboxes and the probe only redraw the overlay. The
    label beside the model menu says which weights the model ran with; the
    probe's sliders and readout stand beside the picture.
    """
    controls = {
        "model": model_dropdown(model),
        "image": widgets.Dropdown(options=explorer_images(), value=image, description="image"),
        "upload": widgets.FileUpload(accept="image/*", multiple=False, description="upload"),
        "preprocessing": widgets.ToggleButtons(options=PREPROCESSING, value=preprocessing, description="preprocess"),
        "alpha": widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.05, description="opacity"),
        "classes": ClassToggles(),
        **probe_controls(),
    }
    views = {"image": image_view("jpeg", width="480px"), "legend": widgets.HTML(), "status": widgets.HTML(),
             "probe": readout(), "weights": widgets.HTML()}
    state: dict[str, Any] = {}

    def run(_=None):
        spec, key = get_spec(controls["model"].value), controls["image"].value  # the name becomes a spec here, once
        views["status"].value = f"⏳ running {spec.name} …"
        labels, probs, seconds, weights = segment_cached(spec, key, controls["preprocessing"].value)
        names, new_image = display_names(spec), state.get("key") != key
        state.update(model=spec, key=key, labels=labels, probs=probs, shape=labels.shape, names=names,
                     random=weights == "random")
        with quiet(state):  # new options and ranges fire the observers: one redraw suffices
            controls["classes"].options = tuple((names[i], int(i)) for i in np.unique(labels) if i < len(names))
            fit_probe(controls, labels.shape, centre=new_image)
        views["weights"].value = weights_html(spec, weights)
        views["status"].value = f"{spec.name}: {weights} weights, {seconds:.2f} s (cached afterwards)"
        redraw()

    def redraw(_=None):
        if state.get("quiet") or "labels" not in state:
            return
        palette, picked = model_palette(state["model"]), list(controls["classes"].value)
        pixel = controls["row"].value, controls["col"].value
        blended = overlay(explorer_image(state["key"]), state["labels"], alpha=controls["alpha"].value,
                          classes=picked, palette=palette)
        picture, state["factor"] = probe.panels_picture([blended], pixel=pixel)
        views["image"].value = to_jpeg(picture)
        views["legend"].value = legend_html(state["labels"], classes=picked, palette=palette, random=state["random"],
                                            unseen_color=(255, 255, 255))
        views["probe"].value = probe.readout_html(*pixel, [probe.probe_html(
            state["labels"], state["probs"], *pixel, names=state["names"], title=state["model"].name,
            random=state["random"])])

    def upload(change):
        try:
            key = register_image(read_upload(change["new"]))
        except ValueError as err:
            views["status"].value = f"⚠️ upload refused: {html.escape(str(err), quote=False)}"
            return
        controls["image"].options = explorer_images()
        controls["image"].value = key

    run, redraw, upload = (guarded(views["status"], f) for f in (run, redraw, upload))
    for name in ("model", "image", "preprocessing"):
        controls[name].observe(run, names="value")
    for name in ("alpha", "classes", "row", "col"):
        controls[name].observe(redraw, names="value")
    controls["upload"].observe(upload, names="value")
    events = clicks(views, controls, state, redraw)
    run()
    side = widgets.VBox([controls["row"], controls["col"], views["probe"], controls["alpha"], views["legend"],
                         widgets.HTML("<b>classes shown</b>"), controls["classes"]])
    rows = [widgets.HBox([controls["model"], views["weights"]]), widgets.HBox([controls["image"], controls["upload"]]),
            controls["preprocessing"], views["status"], widgets.HBox([views["image"], side])]
    return box(rows, controls, views, events)


def explore_comparison(*, model_a: str = "fcn_resnet101", model_b: str = "deeplabv3_resnet101",
                       image: str = "chelsea", preprocessing: str = "weights") -> widgets.VBox:
    """Two models side by side on one image, a map of where they agree, each model's time, and a pixel probe.

    Each panel has its title over it and its colour key under it; the
    agreement counts only the pixels both models saw. A model without
    pretrained weights runs with random weights; then a note says so, and a
    second picture shows segtutor's own model (trained here) on a synthetic
    scene beside the scene's ground truth.
    """
    controls = {"model_a": model_dropdown(model_a, "model A"), "model_b": model_dropdown(model_b, "model B"),
                "image": widgets.Dropdown(options=explorer_images(), value=image, description="image"),
                "preprocessing": widgets.ToggleButtons(options=PREPROCESSING, value=preprocessing, description="preprocess"),
                **probe_controls()}
    views = {"image": image_view(width=f"{3 * PANEL_PX}px"), "legend": widgets.HTML(), "status": widgets.HTML(),
             "probe": readout(), "note": widgets.HTML(), "fallback": image_view(width=f"{2 * PANEL_PX}px"),
             "weights": widgets.HTML()}
    titles = {"image": ["model A", "model B", "agreement"], "fallback": [f"{EXPLORER_MODELS[0]} (segtutor's own)", "ground truth"]}
    rows = {name: titles_row(names, width=PANEL_PX) for name, names in titles.items()}
    views["status"].add_class("segtutor-agreement")  # for the browser tests
    state: dict[str, Any] = {}

    def update(_=None):
        views["status"].value = "⏳ running …"
        key, models = controls["image"].value, (get_spec(controls["model_a"].value), get_spec(controls["model_b"].value))
        results = [segment_cached(spec, key, controls["preprocessing"].value) for spec in models]
        new_image = state.get("key") != key
        state.update(key=key, models=models, results=results, shape=results[0][0].shape)
        with quiet(state):
            fit_probe(controls, state["shape"], centre=new_image)
        (a, _, ta, wa), (b, _, tb, wb) = results
        views["weights"].value = "<br>".join(f"{side}: {weights_html(spec, weights)}"
                                             for side, spec, weights in zip("AB", models, (wa, wb)))
        views["legend"].value = comparison_legend_html(a, b, models, (wa, wb))
        views["status"].value = f"A: {ta:.2f} s · B: {tb:.2f} s · {agreement_html(a, b)}"
        offline([spec.name for spec, result in zip(models, results) if result[3] == "random"])
        redraw()

    def offline(untrained):
        shown = None if untrained else "none"
        views["fallback"].layout.display, rows["fallback"].layout.display, views["note"].value = shown, shown, ""
        if untrained:
            panels, views["note"].value = untrained_fallback(untrained, state["key"])
            views["fallback"].value = to_png(probe.panels_picture(panels)[0])

    def redraw(_=None):
        if state.get("quiet") or "results" not in state:
            return
        pixel = controls["row"].value, controls["col"].value
        (a, pa, _, wa), (b, pb, _, wb) = state["results"]
        panels = [decode_segmap(labels, model_palette(spec)) for labels, spec in zip((a, b), state["models"])]
        picture, state["factor"] = probe.panels_picture([*panels, agreement_map(a, b)[0]], pixel=pixel)
        views["image"].value = to_png(picture)
        lines = [probe.probe_html(labels, probs, *pixel, names=display_names(spec), title=f"{side} · {spec.name}",
                                  random=weights == "random")
                 for side, labels, probs, spec, weights in zip("AB", (a, b), (pa, pb), state["models"], (wa, wb))]
        if state["key"].startswith("scene-"):
            truth = int(scene_labels(state["key"])[pixel])
            lines.append(f"ground truth: <b>{SCENE_CLASSES[truth]}</b> (id {truth})")
        views["probe"].value = probe.readout_html(*pixel, lines)

    update, redraw = (guarded(views["status"], f) for f in (update, redraw))
    for name in ("model_a", "model_b", "image", "preprocessing"):
        controls[name].observe(update, names="value")
    for name in ("row", "col"):
        controls[name].observe(redraw, names="value")
    events = clicks(views, controls, state, redraw, panels=3)
    update()
    explorer = box([widgets.HBox([controls["model_a"], controls["model_b"]]), views["weights"],
                    widgets.HBox([controls["image"], controls["preprocessing"]]), widgets.HBox([controls["row"], controls["col"]]),
                    views["status"], rows["image"], views["image"], views["probe"], views["legend"], views["note"],
                    rows["fallback"], views["fallback"]], controls, views, events)
    explorer.panel_titles = titles
    return explorer
