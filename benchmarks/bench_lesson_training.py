"""Seed-to-seed spread of the trainings in notebooks 11 and 13.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_lesson_training.py [--seeds 0 1 2] [--lesson 11 13]

Each lesson trains once, from seed 0, and quotes the spread this script
measures: the same training (same scenes, settings and steps) repeated with
other seeds for the initial weights (``torch.manual_seed``) and the batch
order (``train(seed=...)``). It prints one row per seed and the spread
(max - min) of each score. One CPU thread, as in the notebooks; on one thread
the figures do not depend on the machine's load, only the times do.

Notebook 11 trains with a hand-written loop that takes the same steps as
:func:`segtutor.train` (AdamW, one-cycle, the same batches and augmentation
draws are not guaranteed to match bit for bit), so its row for seed 0 is
close to, not equal to, the notebook's printed score.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torchvision.transforms import v2

import segtutor

SIZE = 48
TRAIN = dict(n=1536, size=SIZE, seed=0, simple=True)
VAL = dict(n=64, size=SIZE, seed=1, simple=True)
LESSON_11 = dict(epochs=12, batch_size=16, lr=0.02)
LESSON_13 = dict(epochs=12, batch_size=16, lr=0.02, augmentation=None)
WIDTH = 8


def _scores(model: torch.nn.Module, val: segtutor.SceneDataset) -> tuple[float, float, float, float]:
    """(mIoU, lowest class IoU, boundary mIoU at 2 px, boundary F1 at 1 px) on the validation scenes."""
    pred = segtutor.logits_to_labels(segtutor.predict(model, segtutor.images_to_batch(val.images)))
    iou = segtutor.iou(pred, val.labels, num_classes=5)
    return (float(np.nanmean(iou)), float(np.nanmin(iou)),
            segtutor.metrics.boundary_miou(pred, val.labels, num_classes=5, width=2),
            segtutor.metrics.boundary_f1(pred, val.labels, tolerance=1))


def _train(seed: int, train: segtutor.SceneDataset, val: segtutor.SceneDataset, *, fusion: str, settings: dict,
           **extra) -> tuple[float, ...]:
    torch.manual_seed(seed)
    model = segtutor.models.SkipNet(fusion=fusion, width=WIDTH)
    start = time.perf_counter()
    segtutor.train(model, train, val, seed=seed, progress=False, **settings, **extra)
    return (*_scores(model, val), time.perf_counter() - start)


def _table(title: str, rows: dict[str, list[tuple[float, ...]]], seeds: list[int]) -> None:
    print(f"\n{title}")
    print("| run | seed | mIoU | lowest class IoU | boundary mIoU (2 px) | boundary F1 (1 px) | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, results in rows.items():
        for seed, result in zip(seeds, results):
            print(f"| {name} | {seed} | " + " | ".join(f"{v:.3f}" for v in result[:4]) + f" | {result[4]:.1f} |")
        spread = np.ptp(np.array(results)[:, :4], axis=0)
        print(f"| {name} | spread (max - min) | " + " | ".join(f"{v:.3f}" for v in spread) + " | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--lesson", type=int, nargs="+", default=[11, 13], choices=[11, 13])
    args = parser.parse_args()
    torch.set_num_threads(1)
    train = segtutor.SceneDataset(TRAIN["n"], size=SIZE, seed=TRAIN["seed"], simple=True)
    val = segtutor.SceneDataset(VAL["n"], size=SIZE, seed=VAL["seed"], simple=True)
    baseline = segtutor.mean_iou(np.zeros_like(val.labels), val.labels, num_classes=5)
    print(f"background-only baseline on the validation scenes: mIoU {baseline:.3f}")
    if 11 in args.lesson:
        augment = v2.Compose([v2.RandomHorizontalFlip(), v2.RandomVerticalFlip()])  # notebook 11's flips
        weights = segtutor.training.class_weights(train.labels, num_classes=5)
        rows = {name: [_train(seed, train, val, fusion="unet", settings=LESSON_11, augmentation=augment, class_weights=w)
                       for seed in args.seeds] for name, w in (("plain", None), ("class-weighted", weights))}
        _table(f"notebook 11: SkipNet(fusion='unet', width={WIDTH}), {LESSON_11}", rows, args.seeds)
    if 13 in args.lesson:
        rows = {fusion: [_train(seed, train, val, fusion=fusion, settings=LESSON_13) for seed in args.seeds]
                for fusion in segtutor.models.FUSIONS}
        _table(f"notebook 13: SkipNet(width={WIDTH}), {LESSON_13}", rows, args.seeds)


if __name__ == "__main__":
    main()
