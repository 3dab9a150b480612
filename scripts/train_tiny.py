"""Reproduce segtutor's shipped tiny segmenter, segtutor/models/tiny.pt.

Trains :class:`segtutor.TinySegNet` from scratch on :func:`segtutor.make_scenes`
scenes, on the CPU, and saves it with :func:`segtutor.models.save_tiny_model`
(float16 weights, with the settings and the training history in its
``meta``). Run from the repository root::

    PYTHONPATH=$PWD python scripts/train_tiny.py            # writes segtutor/models/tiny.pt
    PYTHONPATH=$PWD python scripts/train_tiny.py --out /tmp/tiny.pt --threads 2  # elsewhere, on 2 idle cores

Seeds: weights ``torch.manual_seed(--seed)``; training scenes ``--seed``;
validation scenes ``VAL_SEED``. The held-out test (tests/test_tiny.py) uses
a seed used nowhere here. With the same torch version, thread count and CPU
the result is bit-for-bit the same; elsewhere it differs in the last digits.

The shipped file was trained before issue 15, with quarter turns, flips and
whole-batch resizing. :func:`segtutor.train` now augments with
``torchvision.transforms.v2`` (flips, any angle, zoom; the exposed border is
ignored by the loss), so a rerun gives a similar model, not the same bytes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

import segtutor

VAL_SEED = 10_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=segtutor.models.TINY_CHECKPOINT)
    parser.add_argument("--scenes", type=int, default=3000, help="training scenes")
    parser.add_argument("--size", type=int, default=segtutor.models._tiny.TRAINING_SIZE, help="scene side in pixels")
    parser.add_argument("--epochs", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--min-scale", type=float, default=0.5, help="batches are zoomed by a factor in [min-scale, 1]")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads; on a busy, shared CPU more threads wait for each other and run slower")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = segtutor.TinySegNet()
    train_data = segtutor.SceneDataset(args.scenes, size=args.size, seed=args.seed)
    val_data = segtutor.SceneDataset(64, size=args.size, seed=VAL_SEED)
    start = time.perf_counter()
    history = segtutor.train(model, train_data, val_data, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                             seed=args.seed,
                             augmentation=segtutor.data.scene_augmentation(scale=(args.min_scale, 1.0)))
    minutes = (time.perf_counter() - start) / 60
    settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "out"}
    meta = {"script": "scripts/train_tiny.py", "settings": settings, "val_seed": VAL_SEED, "loss": history.loss,
            "val_miou": history.miou, "minutes": round(minutes, 1), "torch": str(torch.__version__)}
    path = segtutor.models.save_tiny_model(model, args.out, meta=meta)
    print(f"{'epoch':>5} {'loss':>8} {'val mIoU':>9}")
    for epoch, (loss, miou) in enumerate(zip(history.loss, history.miou), start=1):
        print(f"{epoch:>5} {loss:>8.4f} {miou:>9.4f}")
    print(f"trained in {minutes:.1f} min on {args.threads} threads; wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
