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
    return {"model": model_name, "predictions": predictions, "per_class_iou": dict(zip(names, scores.tolist())),
            "miou": segtutor.macro_mean(scores), "failure": int(np.argmin(per_scene))}


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


def constant_predictions(report):
    """A model that calls everything background: an honest report, but under the mIoU criterion."""
    predictions = np.zeros_like(report["predictions"])
    labels = segtutor.exercises.capstone_set()[1]
    scores = segtutor.iou(predictions, labels, num_classes=5)
    return _with(report, predictions=predictions, per_class_iou=dict(zip(segtutor.class_names("tiny"), scores.tolist())),
                 miou=segtutor.macro_mean(scores))


MISTAKES = [
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
