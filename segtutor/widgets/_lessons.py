"""The explorers of one lesson's idea each: the preprocessing steps, the metrics playground, superpixels."""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from ..data import SCENE_CLASSES, seed_transform, trace_transform
from ..display import decode_segmap, mean_color_image, slic_superpixels, superpixel_boundaries
from . import _probe as probe
from ._controls import box, guarded, image_view
from ._encode import to_png
from ._gallery import explorer_image
from ._playground import perturb_labels, playground_scores, playground_target
from ._views import legend_html, step_view

__all__ = ["explore_metrics", "explore_preprocessing", "explore_superpixels"]


def explore_preprocessing(*, image: str = "chelsea") -> widgets.VBox:
    """Step through the seed's preprocessing: the picture and the tensor's statistics after each step.

    Pictures keep their own size (not enlarged): the sizes are part of the lesson.
    """
    steps = trace_transform(seed_transform(), image)
    controls = {"step": widgets.SelectionSlider(options=[(f"{i}: {name}", i) for i, (name, _) in enumerate(steps)],
                                                description="step", layout=widgets.Layout(width="500px"))}
    views = {"image": image_view(), "stats": widgets.HTML(), "status": widgets.HTML()}

    @functools.partial(guarded, views["status"])
    def show(_=None):
        picture, views["stats"].value = step_view(*steps[controls["step"].value])
        views["image"].value = to_png(picture)
        views["status"].value = ""

    controls["step"].observe(show, names="value")
    show()
    return box([controls["step"], views["status"], widgets.HBox([views["image"], views["stats"]])], controls, views)


def explore_metrics(*, seed: int = 0) -> widgets.VBox:
    """Shift, grow or shrink a prediction against its ground truth and watch accuracy, IoU and Dice."""
    target = playground_target(seed=seed)
    controls = {"dx": widgets.IntSlider(0, min=-20, max=20, description="shift x"),
                "dy": widgets.IntSlider(0, min=-20, max=20, description="shift y"),
                "grow": widgets.IntSlider(0, min=-8, max=8, description="grow")}
    views = {"image": image_view(), "legend": widgets.HTML(legend_html(target, palette="scenes")), "scores": widgets.HTML(),
             "status": widgets.HTML()}

    @functools.partial(guarded, views["status"])
    def update(_=None):
        pred = perturb_labels(target, shift=(controls["dx"].value, controls["dy"].value), grow=controls["grow"].value)
        views["image"].value = to_png(probe.panels_picture([decode_segmap(target, "scenes"), decode_segmap(pred, "scenes")])[0])
        scores = playground_scores(pred, target, num_classes=len(SCENE_CLASSES))
        views["scores"].value = "<br>".join(f"{k}: <b>{v:.3f}</b>" for k, v in scores.items()) + \
            "<br><i>Dice = 2·IoU/(1+IoU) ≥ IoU</i>"
        views["status"].value = ""

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return box([widgets.HBox(list(controls.values())), views["status"], widgets.HTML("ground truth | prediction"),
                views["image"], views["legend"], views["scores"]], controls, views)


def explore_superpixels(*, image: str = "astronaut") -> widgets.VBox:
    """Change SLIC's ``n_segments`` and ``compactness`` and see the superpixels and their mean colours."""
    picture = np.asarray(explorer_image(image))
    controls = {"n_segments": widgets.IntSlider(100, min=10, max=500, step=10, description="n_segments"),
                "compactness": widgets.FloatLogSlider(10, base=10, min=-1, max=2, description="compactness")}
    views = {"image": image_view(), "status": widgets.HTML()}

    @functools.partial(guarded, views["status"])
    def update(_=None):
        segments = slic_superpixels(picture, n_segments=controls["n_segments"].value,
                                    compactness=controls["compactness"].value)
        both = [superpixel_boundaries(picture, segments), mean_color_image(picture, segments)]
        views["image"].value = to_png(probe.panels_picture(both)[0])
        views["status"].value = f"{len(np.unique(segments))} superpixels"

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return box([widgets.HBox(list(controls.values())), views["status"], views["image"]], controls, views)
