"""How fast the segmentation explorer reacts: overlay redraws and model switches.

Usage::

    .venv/bin/python benchmarks/bench_widgets.py [--repeats 20]

A 520x520 photo (chelsea, resized) is registered as the explorer's image.
"redraw" moves the opacity slider (overlay + PNG encoding + legend; no model
run). "first switch" picks a model never loaded in the process (load +
inference); "cached switch" switches back to a model already seen (the cache
hashes the image's pixels to find its result).
Offline, torchvision models run with random weights: same cost.
"""

from __future__ import annotations

import argparse
import statistics
import time

from segtutor import load_image
from segtutor import widgets as explorers
from segtutor.widgets._gallery import register_image


def _time(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    key = register_image(load_image("chelsea").resize((520, 520)))  # listed like an upload
    box = explorers.explore_segmentation(model="tiny", image=key)
    alpha, model = box.controls["alpha"], box.controls["model"]
    redraws = [_time(lambda v=v: setattr(alpha, "value", v)) for v in [0.2, 0.8] * (args.repeats // 2)]
    classes = box.controls["classes"]
    ids = [class_id for _, class_id in classes.options]  # the checkboxes' (name, id) pairs
    choices = [tuple(ids[:1]), tuple(ids)] * (args.repeats // 2)
    toggles = [_time(lambda v=v: setattr(classes, "value", v)) for v in choices]
    rows = [("redraw (opacity slider), 520x520", statistics.median(redraws) * 1000),
            ("redraw (class toggle), 520x520", statistics.median(toggles) * 1000)]
    for name in ("lraspp_mobilenet_v3_large", "fcn_resnet101"):
        rows.append((f"first switch to {name}", _time(lambda name=name: setattr(model, "value", name)) * 1000))
        rows.append(("cached switch back to tiny", _time(lambda: setattr(model, "value", "tiny")) * 1000))
        rows.append((f"cached switch to {name}", _time(lambda name=name: setattr(model, "value", name)) * 1000))
    print("| action | ms (median of the repeats for redraws) |")
    print("| --- | --- |")
    for action, ms in rows:
        print(f"| {action} | {ms:.1f} |")


if __name__ == "__main__":
    main()
