"""Notebook 14 · capstone: a report that meets every criterion, and reports that miss one."""

import numpy as np

import segtutor


def build_report(model_name="tiny"):
    images, labels = segtutor.exercises.capstone_set()
    model = segtutor.load_model(model_name)
    predictions = segtutor.logits_to_labels(segtutor.predict(model, segtutor.images_to_batch(images))).numpy()
    names = segtutor.class_names("tiny")
    scores = segtutor.iou(predictions, labels, num_classes=len(names))  # over the whole set, NaN if absent
    per_scene = [segtutor.macro_mean(segtutor.iou(p, t, num_classes=len(names))) for p, t in zip(predictions, labels)]
    failure = int(np.argmin(per_scene))
    return {"model": model_name, "predictions": predictions, "per_class_iou": dict(zip(names, scores.tolist())),
            "miou": segtutor.macro_mean(scores), "failure": failure,
            "figure": failure_figure(images, labels, predictions, failure)}


def failure_figure(images, labels, predictions, failure, *, legend=True):
    """The failure scene, its truth and the prediction, coloured with the scenes' palette, with a legend."""
    fig = segtutor.show_images({f"scene {failure}": images[failure],
                                "truth": segtutor.decode_segmap(labels[failure], "scenes"),
                                "prediction": segtutor.decode_segmap(predictions[failure], "scenes")}, width=2.5)
    if legend:
        segtutor.add_legend(fig.axes[2], predictions[failure], palette="scenes")
    return fig


def _with(report, **changes):
    return {**report, **changes}


def best_scene_as_failure(report):
    labels = segtutor.exercises.capstone_set()[1]
    per_scene = [segtutor.macro_mean(segtutor.iou(p, t, num_classes=5)) for p, t in zip(report["predictions"], labels)]
    return _with(report, failure=int(np.argmax(per_scene)))


def pixel_accuracy_as_miou(report):
    labels = segtutor.exercises.capstone_set()[1]
    return _with(report, miou=float((report["predictions"] == labels).mean()))


def table_without_background(report):
    return _with(report, per_class_iou={k: v for k, v in report["per_class_iou"].items() if k != "background"})


def table_from_another_model(report):
    return _with(report, per_class_iou={k: v - 0.1 for k, v in report["per_class_iou"].items()})


def float_predictions(report):
    return _with(report, predictions=report["predictions"].astype(np.float32))


def first_half_only(report):
    return _with(report, predictions=report["predictions"][:8])


def nonsense_model_name(report):
    return _with(report, model="my_best_model")


def figure_of_another_scene(report):
    images, labels = segtutor.exercises.capstone_set()
    other = (report["failure"] + 1) % len(images)
    return _with(report, figure=failure_figure(images, labels, report["predictions"], other))


def figure_without_prediction(report):
    images, labels = segtutor.exercises.capstone_set()
    failure = report["failure"]
    fig = segtutor.show_images({"scene": images[failure], "truth": segtutor.decode_segmap(labels[failure], "scenes")})
    segtutor.add_legend(fig.axes[1], labels[failure], palette="scenes")
    return _with(report, figure=fig)


def figure_without_legend(report):
    images, labels = segtutor.exercises.capstone_set()
    return _with(report, figure=failure_figure(images, labels, report["predictions"], report["failure"], legend=False))


def no_figure(report):
    return _with(report, figure=None)


def constant_predictions(report):
    """A model that calls everything background: an honest report, but under the mIoU criterion."""
    predictions = np.zeros_like(report["predictions"])
    labels = segtutor.exercises.capstone_set()[1]
    scores = segtutor.iou(predictions, labels, num_classes=5)
    return _with(report, predictions=predictions, per_class_iou=dict(zip(segtutor.class_names("tiny"), scores.tolist())),
                 miou=segtutor.macro_mean(scores))


MISTAKES = [
    (nonsense_model_name, "Not yet. report['model'] must name a model segtutor knows (deeplabv3_mobilenet_v3_large, "
                          "deeplabv3_resnet101, deeplabv3_resnet50, fcn_resnet101, fcn_resnet50, "
                          "lraspp_mobilenet_v3_large, tiny), got 'my_best_model'."),
    (figure_of_another_scene, "Not yet. Your figure does not show scene 0, the one report['failure'] names."),
    (figure_without_prediction, "Not yet. Your figure shows scene 0 and its truth, but not your prediction of "
                                "it."),
    (figure_without_legend, "Not yet. Your figure has no legend: without one, nobody can tell which colour is which "
                            "class."),
    (no_figure, "Not yet. report['figure'] is the matplotlib figure that shows your failure case, such as show_images "
                "returns; got NoneType."),
    (best_scene_as_failure, "Not yet. The scene you show as a failure scores at least the set's mIoU: pick one the model "
                            "gets worse than average, e.g. the lowest per-scene mIoU."),
    (pixel_accuracy_as_miou, "Not yet. Your mIoU is not the mean of your per-class IoUs (absent classes left out)."),
    (table_without_background, "Not yet. report['per_class_iou'] needs one entry per class: background, disc, square, "
                               "triangle, ring."),
    (table_from_another_model, "Not yet. The IoU you report for 'background' is not what your predictions give: compute "
                               "it from report['predictions'] and the held-out labels."),
    (float_predictions, "Not yet. report['predictions'] holds integer class maps, got float32 array of shape "
                        "(16, 128, 128)."),
    (first_half_only, "Not yet. report['predictions'] must hold one class map per held-out scene, shape (16, 128, 128), "
                      "got (8, 128, 128)."),
    (constant_predictions, "Not yet. The predictions reach an mIoU under 0.8: try another model or check the "
                           "preprocessing your model expects."),
]
