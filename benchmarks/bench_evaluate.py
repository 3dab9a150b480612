"""Benchmark: images per second of ``segtutor.metrics.evaluate_dataset`` against torchvision's reference evaluation loop.

Usage::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_evaluate.py [--model tiny] [--images 48] [--size 192]
        [--batch-size 8] [--workers 1] [--device cpu] [--repeat 3]

Data: a VOC-layout folder of ``--images`` scenes (:func:`segtutor.make_scenes`,
written by :func:`segtutor.write_voc` into a temporary folder), read by
:func:`segtutor.data.open_dataset`; the model from :func:`segtutor.load_model`
(``tiny``: its shipped weights; any other: random weights, the speed is the same).

Reference: the ``evaluate`` of torchvision's ``references/segmentation/train.py``,
reimplemented below in a few lines: a DataLoader of batch size 1 (same
``--workers``), the model's own transform on the image and the target resized
to it with nearest neighbours (what the reference's eval preset does to both),
``model(image)["out"]``, ``argmax(1)`` and the reference's ``ConfusionMatrix.update``
(one ``bincount``). segtutor scores each prediction at the mask's own size
instead, which is more work per image. The ratio is segtutor's images per
second / the reference's (>= 1.0: segtutor is at least as fast). Each figure
is the best of ``--repeat`` runs after one warm-up, the two loops interleaved.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

from segtutor import load_model, make_scenes, write_voc
from segtutor.data import open_dataset
from segtutor.metrics import evaluate_dataset
from segtutor.models import ModelSpec, get_spec


def reference_evaluate(model: torch.nn.Module, dataset, *, num_classes: int, workers: int, device: torch.device) -> np.ndarray:
    """torchvision's references/segmentation ``evaluate``: batch size 1, argmax, a bincount confusion matrix."""
    transform = ModelSpec.of(model).transforms()  # type: ignore[union-attr]

    def pair(index: int) -> tuple[torch.Tensor, torch.Tensor]:
        image, target = dataset[index]
        image = transform(image)
        target = torch.as_tensor(target)[None, None].float()
        return image, F.interpolate(target, size=image.shape[1:], mode="nearest")[0, 0].long()

    loader = torch.utils.data.DataLoader(range(len(dataset)), batch_size=1, num_workers=workers,
                                         collate_fn=lambda indices: tuple(t[None] for t in pair(indices[0])))
    matrix = torch.zeros((num_classes, num_classes), dtype=torch.int64, device=device)
    model.eval()
    with torch.inference_mode():
        for image, target in loader:
            image, target = image.to(device), target.to(device)
            output = model(image)["out"]
            a, b = target.flatten(), output.argmax(1).flatten()
            k = (a >= 0) & (a < num_classes)
            matrix += torch.bincount(num_classes * a[k] + b[k], minlength=num_classes**2).reshape(num_classes, num_classes)
    return matrix.cpu().numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--images", type=int, default=48)
    parser.add_argument("--size", type=int, default=192)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    device = torch.device(args.device)
    model = load_model(args.model, weights="pretrained" if args.model == "tiny" else "random", device=device)
    num_classes = len(get_spec(args.model).categories)
    root = write_voc(tempfile.mkdtemp(), *make_scenes(args.images, size=args.size), val_fraction=0.5)
    dataset = open_dataset("voc", root, split="val")
    loops = {
        "segtutor evaluate_dataset": lambda: evaluate_dataset(model, dataset, batch_size=args.batch_size, workers=args.workers,
                                                              progress=False),
        "torchvision reference loop": lambda: reference_evaluate(model, dataset, num_classes=num_classes, workers=args.workers,
                                                                 device=device),
    }
    best = {name: float("inf") for name in loops}
    for round_ in range(args.repeat + 1):
        for name, loop in loops.items():
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            loop()
            if device.type == "cuda":
                torch.cuda.synchronize()
            if round_:  # the first round warms up
                best[name] = min(best[name], time.perf_counter() - start)
    print(f"{len(dataset)} images of {args.size}x{args.size}, model {args.model}, device {device}, "
          f"batch size {args.batch_size}, workers {args.workers}, torch threads {torch.get_num_threads()}")
    print(f"{'loop':<28}  {'seconds':>8}  {'images/s':>9}")
    for name, seconds in best.items():
        print(f"{name:<28}  {seconds:>8.3f}  {len(dataset) / seconds:>9.1f}")
    ratio = best["torchvision reference loop"] / best["segtutor evaluate_dataset"]
    print(f"ratio (segtutor images/s / reference images/s): {ratio:.2f} ({'meets' if ratio >= 1 else 'misses'} the bar of 1.0)")


if __name__ == "__main__":
    main()
