"""Peak memory of ``segment()`` on a 12-MP photo, above the model's own working set.

Usage::

    .venv/bin/python benchmarks/bench_segment_memory.py [--size 4000 3000] [--model lraspp_mobilenet_v3_large]
        [--no-old]

Every figure comes from a fresh subprocess, so that no allocation of one run
is reused by the next. Each child sets everything up (the model with random
weights, on the CPU; the synthetic RGB photo; for the model's run, the
preprocessed batch), reads its resident set size, then runs the measured call
while a thread samples the resident set every millisecond; the peak is the
larger of the samples and ``ru_maxrss`` (when the call raised it). The rows:

- ``model alone``: ``predict(model, batch)`` on the already-preprocessed
  batch, the model's own working set;
- ``segment(...)``: the whole call on the photo, for ``return_probs`` False
  and True, with today's code;
- ``old formula``: the same call with the code before issue 19 put back in
  (resize all the logits at once, softmax them into a full-size canvas, take
  the argmax of that), for comparison.

"above model" is the segment row's peak minus the model's. The goal of issue
19 is under 1.5 GB above the model for ``return_probs=False``. The labels
themselves (int64, 8 bytes a pixel: 96 MB at 12 MP) and, with
``return_probs=True``, the float32 C x H x W probabilities (about 1 GB with 21
classes) are the caller's output and count in the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil

MiB = 2**20


def _old_place(logits, size, box, *, ignore_index, return_probs):
    """segtutor.segment's `_place` before issue 19: every class resized at full size at once."""
    import torch.nn.functional as F

    from segtutor._checks import to_numpy

    left, top, right, bottom = box
    inside = F.interpolate(logits, size=(bottom - top, right - left), mode="bilinear", align_corners=False)
    probs = np.full((logits.shape[1], size[1], size[0]), np.nan, dtype=np.float32)
    probs[:, top:bottom, left:right] = to_numpy(inside.softmax(dim=1)[0])
    labels = np.where(np.isnan(probs[0]), ignore_index, probs.argmax(axis=0)).astype(np.int64)
    return labels, (probs if return_probs else None)


def _peak_during(call) -> tuple[int, int]:
    """(resident bytes just before `call`, peak resident bytes while it ran)."""
    process, samples, done = psutil.Process(), [], threading.Event()

    def sample():
        while not done.is_set():
            samples.append(process.memory_info().rss)
            time.sleep(0.001)

    before, maxrss_before = process.memory_info().rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    call()
    done.set()
    sampler.join()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = max(samples + [process.memory_info().rss] + ([maxrss * 1024] if maxrss > maxrss_before else []))
    return before, peak


def _child(kind: str, model_name: str, size: tuple[int, int]) -> dict:
    import torch

    import segtutor
    from segtutor.models import predict

    segment_module = sys.modules["segtutor.segment"]
    model = segtutor.load_model(model_name, weights="random", device="cpu")
    photo = np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    if kind == "model":
        from PIL import Image

        batch = model.segtutor_spec.transforms()(Image.fromarray(photo)).unsqueeze(0)
        del photo
        before, peak = _peak_during(lambda: predict(model, batch))
        return {"before": before, "peak": peak, "batch": list(batch.shape)}
    code, probs = kind.split("-")
    if code == "old":
        segment_module._place = _old_place
    with torch.inference_mode():
        before, peak = _peak_during(lambda: segtutor.segment(photo, model=model, return_probs=probs == "probs"))
    return {"before": before, "peak": peak}


def _run_child(kind: str, model_name: str, size: tuple[int, int]) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--model", model_name, "--size", *map(str, size)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, nargs=2, default=(4000, 3000), metavar=("WIDTH", "HEIGHT"))
    parser.add_argument("--model", default="lraspp_mobilenet_v3_large")
    parser.add_argument("--no-old", action="store_true", help="skip the old formula's rows")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = tuple(args.size)
    if args.child:
        print(json.dumps(_child(args.child, args.model, size)))
        return
    kinds = ["new-labels", "new-probs"] + ([] if args.no_old else ["old-labels", "old-probs"])
    model = _run_child("model", args.model, size)
    model_peak = model["peak"] - model["before"]
    print(f"segment() peak resident memory, {args.model} (random weights, CPU), {size[0]}x{size[1]} photo "
          f"({size[0] * size[1] / 1e6:.1f} MP), batch {model['batch']}")
    print(f"{'run':<40}{'peak above start':>18}{'above model':>14}")
    print(f"{'model alone: predict(model, batch)':<40}{model_peak / MiB:>14.0f} MiB{'':>14}")
    for kind in kinds:
        result = _run_child(kind, args.model, size)
        peak = result["peak"] - result["before"]
        code, probs = kind.split("-")
        name = f"{'segment' if code == 'new' else 'old formula'}(return_probs={probs == 'probs'})"
        print(f"{name:<40}{peak / MiB:>14.0f} MiB{(peak - model_peak) / MiB:>10.0f} MiB")


if __name__ == "__main__":
    main()
