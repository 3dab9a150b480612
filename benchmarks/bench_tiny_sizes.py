"""Held-out mIoU of the shipped tiny model on scenes of several sizes.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_tiny_sizes.py [--scenes 16]

For each scene size it scores three ways of running the model on the same
held-out scenes (``make_scenes(..., seed=2_000_000)``, a seed used nowhere
else): through :func:`segtutor.segment`'s defaults (the model's own
transforms: shorter side to its training scale, logits resized back), fed
at the scene's own size, and through the seed's 224 crop (scored on the
pixels the crop sees). The figures are deterministic for a given torch build.
"""

from __future__ import annotations

import argparse

import numpy as np

import segtutor

SIZES = (96, 128, 256, 384, 512)
HELD_OUT_SEED = 2_000_000


def miou_per_size(model, *, scenes: int) -> list[tuple[int, float, float, float]]:
    """(size, mIoU through segment's defaults, mIoU at the scene's own size, mIoU with the seed's crop)."""
    rows = []
    for size in SIZES:
        images, labels = segtutor.make_scenes(scenes, size=size, seed=HELD_OUT_SEED)
        own = np.stack([segtutor.segment(image, model=model) for image in images])
        native = segtutor.logits_to_labels(segtutor.predict(model, segtutor.images_to_batch(images))).numpy()
        seed = np.stack([segtutor.segment(image, model=model, preprocessing="seed") for image in images])
        seen = np.where(seed == 255, 255, labels)
        rows.append((size, *(segtutor.mean_iou(pred, target, num_classes=5)
                             for pred, target in ((own, labels), (native, labels), (seed, seen)))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=16, help="held-out scenes per size")
    args = parser.parse_args()
    rows = miou_per_size(segtutor.load_model("tiny", device="cpu"), scenes=args.scenes)
    print(f"held-out mIoU of the shipped tiny model, {args.scenes} scenes per size")
    print("| size | segment() defaults | own size, no resize | seed's 224 crop |")
    print("| --- | --- | --- | --- |")
    for size, own, native, seed in rows:
        print(f"| {size} | {own:.3f} | {native:.3f} | {seed:.3f} |")


if __name__ == "__main__":
    main()
