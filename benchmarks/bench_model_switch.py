"""How long a model switch takes now that load_model builds a new model on every call.

Usage::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_model_switch.py [--repeats 20]

"load_model, checkpoint kept" is the cached switch: the verified checkpoint
is kept in the process, so a call builds the architecture and copies the
weights in (no file read, no hash). "checkpoint read" reads the file again
(``cache=False``), "random" builds without a checkpoint. The explorer rows
switch the segmentation explorer's model: "result cached" finds the
segmentation in the explorer's cache (no model needed); "new image" clears
that cache first, so the switch loads a new model (checkpoint kept) and runs it.
torchvision's model reads a random checkpoint written into a temporary
TORCH_HOME under its official name (no network, no pretrained weights here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from unittest import mock

import torch

import segtutor
from segtutor import load_image, load_model
from segtutor import widgets as explorers
from segtutor.models import _weights as weights_module
from segtutor.widgets._cache import segment_cached
from segtutor.widgets._gallery import register_image


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _fake_pretrained(name: str) -> None:
    """A random checkpoint under `name`'s official file name, passing the hash check (stands for a download)."""
    path = segtutor.models.checkpoint_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(load_model(name, weights="random", device="cpu").state_dict(), path)
    original = weights_module._expected_prefix
    prefix = __import__("hashlib").sha256(path.read_bytes()).hexdigest()[:8]
    weights_module._expected_prefix = lambda p: prefix if p == path else original(p)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as home, mock.patch.dict(os.environ, {"TORCH_HOME": home}):
        _fake_pretrained("lraspp_mobilenet_v3_large")
        for name in ("tiny", "lraspp_mobilenet_v3_large"):
            load_model(name, device="cpu")  # the first call reads and keeps the checkpoint
            calls = {"checkpoint kept": lambda name=name: load_model(name, device="cpu"),
                     "checkpoint read": lambda name=name: load_model(name, device="cpu", cache=False),
                     "weights='random'": lambda name=name: load_model(name, weights="random", device="cpu")}
            rows += [(f"load_model({name!r}), {what}", _median_ms(call, args.repeats)) for what, call in calls.items()]
        key = register_image(load_image("chelsea").resize((520, 520)))  # listed like an upload
        box = explorers.explore_segmentation(model="lraspp_mobilenet_v3_large", image=key)
        model = box.controls["model"]

        def switch(to_tiny_fresh: bool) -> None:
            model.value = "lraspp_mobilenet_v3_large"
            if to_tiny_fresh:
                segment_cached.cache_clear()
            start = time.perf_counter()
            model.value = "tiny"
            switch.times.append(time.perf_counter() - start)

        for label, fresh in (("explorer switch to tiny, result cached", False), ("explorer switch to tiny, new image (new model)", True)):
            switch.times = []
            for _ in range(args.repeats):
                switch(fresh)
            rows.append((label + ", 520x520", statistics.median(switch.times) * 1000))
    print(f"| action (CPU, torch threads: {torch.get_num_threads()}) | median ms of {args.repeats} |")
    print("| --- | --- |")
    for action, ms in rows:
        print(f"| {action} | {ms:.1f} |")


if __name__ == "__main__":
    main()
