"""ipywidgets explorers. They compute nothing themselves: each control calls a pure function.

Every ``explore_*`` function returns a ``widgets.VBox`` whose ``controls``
attribute maps names to its controls and whose ``views`` attribute maps
names to its outputs (``widgets.Image`` and ``widgets.HTML``), so tests and
curious readers can drive them from code. Images are ``widgets.Image``
values updated by ``observe``; no matplotlib figure is drawn inside a widget.
Works with ipywidgets 7.7 (Colab) and 8.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from . import explorer
from .metrics import dice, iou, pixel_accuracy
from .overlays import overlay
from .playground import agreement_map, perturb_labels
from .preprocessing import seed_transform, trace_transform
from .registry import class_names
from .superpixels import mean_color_image, slic_superpixels, superpixel_boundaries
from .visualize import decode_segmap

__all__ = ["explore_comparison", "explore_metrics", "explore_preprocessing", "explore_segmentation", "explore_superpixels"]


def _box(children, controls: dict, views: dict) -> widgets.VBox:
    box = widgets.VBox(children)
    box.controls, box.views = controls, views
    return box


def _image(format: str = "png") -> widgets.Image:
    return widgets.Image(format=format, layout=widgets.Layout(max_width="100%"))


def _model_dropdown(value: str, description: str = "model") -> widgets.Dropdown:
    options = [(explorer.model_label(name), name) for name in explorer.EXPLORER_MODELS]
    return widgets.Dropdown(options=options, value=value, description=description)


def explore_segmentation(*, model: str = explorer.EXPLORER_MODELS[0], image: str = "scene-0",
                         preprocessing: str = "seed") -> widgets.VBox:
    """Switch model, image and preprocessing; change the opacity; toggle classes; read the legend.

    Logits are cached per (model, image, preprocessing): the opacity slider
    and the class toggles only redraw the overlay.
    """
    controls = {
        "model": _model_dropdown(model),
        "image": widgets.Dropdown(options=explorer.explorer_images(), value=image, description="image"),
        "upload": widgets.FileUpload(accept="image/*", multiple=False, description="upload"),
        "preprocessing": widgets.ToggleButtons(options=[("seed: 224 crop", "seed"), ("weights' transform", "weights")],
                                               value=preprocessing, description="preprocess"),
        "alpha": widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.05, description="opacity"),
        "classes": widgets.SelectMultiple(options=[], description="classes", rows=6),
    }
    views = {"image": _image("jpeg"), "legend": widgets.HTML(), "status": widgets.HTML()}
    state = {}

    def run(_=None):
        views["status"].value = f"⏳ running {controls['model'].value} …"
        labels, _, seconds, weights = explorer.segment_cached(controls["model"].value, controls["image"].value,
                                                              controls["preprocessing"].value)
        state["labels"], state["quiet"] = labels, True  # new options fire the observers: one redraw suffices
        names = class_names(controls["model"].value, labels=labels, ignore_index=255)
        controls["classes"].options = names
        controls["classes"].value = tuple(names)
        state["quiet"] = False
        views["status"].value = f"{controls['model'].value}: {weights} weights, {seconds:.2f} s (cached afterwards)"
        redraw()

    def redraw(_=None):
        if state.get("quiet"):
            return
        image = explorer.explorer_image(controls["image"].value)
        model = controls["model"].value
        palette = explorer.model_palette(model)
        picked = list(controls["classes"].value)
        views["image"].value = explorer.to_jpeg(overlay(image, state["labels"], alpha=controls["alpha"].value,
                                                        classes=picked, palette=palette))
        views["legend"].value = explorer.legend_html(state["labels"], classes=picked, palette=palette)

    def upload(change):
        try:
            key = explorer.register_image(explorer.read_upload(change["new"]))
        except ValueError as err:
            views["status"].value = f"⚠️ upload refused: {err}"
            return
        controls["image"].options = explorer.explorer_images()
        controls["image"].value = key

    for name in ("model", "image", "preprocessing"):
        controls[name].observe(run, names="value")
    controls["alpha"].observe(redraw, names="value")
    controls["classes"].observe(redraw, names="value")
    controls["upload"].observe(upload, names="value")
    run()
    rows = [widgets.HBox([controls["model"], controls["image"], controls["upload"]]), controls["preprocessing"],
            widgets.HBox([controls["alpha"], controls["classes"]]), views["status"],
            widgets.HBox([views["image"], views["legend"]])]
    return _box(rows, controls, views)


def explore_preprocessing(*, image: str = "chelsea") -> widgets.VBox:
    """Step through the seed's preprocessing: the picture and the tensor's statistics after each step."""
    steps = trace_transform(seed_transform(), image)
    controls = {"step": widgets.SelectionSlider(options=[(f"{i}: {name}", i) for i, (name, _) in enumerate(steps)],
                                                description="step", layout=widgets.Layout(width="500px"))}
    views = {"image": _image(), "stats": widgets.HTML()}

    def show(_=None):
        picture, views["stats"].value = explorer.step_view(*steps[controls["step"].value])
        views["image"].value = explorer.to_png(picture)

    controls["step"].observe(show, names="value")
    show()
    return _box([controls["step"], widgets.HBox([views["image"], views["stats"]])], controls, views)


def explore_metrics(*, seed: int = 0) -> widgets.VBox:
    """Shift, grow or shrink a prediction against its ground truth and watch accuracy, IoU and Dice."""
    target = explorer.playground_target(seed=seed)
    num_classes = int(target.max()) + 1
    controls = {"dx": widgets.IntSlider(0, min=-20, max=20, description="shift x"),
                "dy": widgets.IntSlider(0, min=-20, max=20, description="shift y"),
                "grow": widgets.IntSlider(0, min=-8, max=8, description="grow")}
    views = {"image": _image(), "scores": widgets.HTML()}

    def update(_=None):
        pred = perturb_labels(target, shift=(controls["dx"].value, controls["dy"].value), grow=controls["grow"].value)
        views["image"].value = explorer.to_png(np.hstack([decode_segmap(target), decode_segmap(pred)]))
        scores = {"pixel accuracy": pixel_accuracy(pred, target, num_classes=num_classes),
                  "mean IoU": float(np.nanmean(iou(pred, target, num_classes=num_classes))),
                  "mean Dice": float(np.nanmean(dice(pred, target, num_classes=num_classes)))}
        views["scores"].value = "<br>".join(f"{k}: <b>{v:.3f}</b>" for k, v in scores.items()) + \
            "<br><i>Dice = 2·IoU/(1+IoU) ≥ IoU</i>"

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return _box([widgets.HBox(list(controls.values())), widgets.HTML("ground truth | prediction"),
                 views["image"], views["scores"]], controls, views)


def explore_superpixels(*, image: str = "astronaut") -> widgets.VBox:
    """Change SLIC's ``n_segments`` and ``compactness`` and see the superpixels and their mean colours."""
    picture = np.asarray(explorer.explorer_image(image))
    controls = {"n_segments": widgets.IntSlider(100, min=10, max=500, step=10, description="n_segments"),
                "compactness": widgets.FloatLogSlider(10, base=10, min=-1, max=2, description="compactness")}
    views = {"image": _image(), "status": widgets.HTML()}

    def update(_=None):
        segments = slic_superpixels(picture, n_segments=controls["n_segments"].value,
                                    compactness=controls["compactness"].value)
        both = np.hstack([superpixel_boundaries(picture, segments), mean_color_image(picture, segments)])
        views["image"].value = explorer.to_png(both)
        views["status"].value = f"{len(np.unique(segments))} superpixels"

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return _box([widgets.HBox(list(controls.values())), views["status"], views["image"]], controls, views)


def explore_comparison(*, model_a: str = "fcn_resnet101", model_b: str = "deeplabv3_resnet101",
                       image: str = "chelsea") -> widgets.VBox:
    """Two models side by side on one image, a map of where they agree, and each model's time."""
    controls = {"model_a": _model_dropdown(model_a, "model A"), "model_b": _model_dropdown(model_b, "model B"),
                "image": widgets.Dropdown(options=explorer.explorer_images(), value=image, description="image")}
    views = {"image": _image(), "status": widgets.HTML()}

    def update(_=None):
        views["status"].value = "⏳ running …"
        key = controls["image"].value
        (a, _, ta, wa), (b, _, tb, wb) = (explorer.segment_cached(controls[m].value, key, "seed") for m in ("model_a", "model_b"))
        picture, share = agreement_map(a, b)
        views["image"].value = explorer.to_png(np.hstack([
            decode_segmap(a, explorer.model_palette(controls["model_a"].value)),
            decode_segmap(b, explorer.model_palette(controls["model_b"].value)), picture]))
        views["status"].value = (f"A: {ta:.2f} s ({wa}) · B: {tb:.2f} s ({wb}) · "
                                 f"they agree on <b>{100 * share:.1f}%</b> of the pixels (green)")

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return _box([widgets.HBox(list(controls.values())), views["status"], widgets.HTML("model A | model B | agreement"),
                 views["image"]], controls, views)
