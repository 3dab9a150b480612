"""CPU speed of the six torchvision models, and what channels_last and bfloat16 autocast give.

Usage::

    .venv/bin/python benchmarks/bench_models.py [--sizes 224 520] [--repeats 3] [--models NAME ...]

For each model and input size it prints: the time to build the model (random
weights: no download here), fp32 forward speed through ``segtutor.predict``,
predict's overhead against the bare ``model(batch)["out"]`` call under
``torch.inference_mode`` (ratio of median times), the speed-up of
``channels_last`` and of bfloat16 autocast, each with the largest absolute
logit difference from fp32 and the share of pixels whose argmax changed.
Variants are interleaved within each repeat, so machine noise hits them alike.
Random weights give realistic compute cost; their logit differences are only
indicative of pretrained ones (random ResNet logits reach about 1e4, so compare
differences with that scale). ``load_model`` adopts channels_last on the CPU
after this comparison; the baseline here is the plain contiguous layout.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch

import segtutor


def _timed(fn, calls: int = 1) -> tuple[float, torch.Tensor]:
    """Seconds per call, averaged over `calls` calls, and the last output."""
    start = time.perf_counter()
    for _ in range(calls):
        out = fn()
    return (time.perf_counter() - start) / calls, out


def _variants(model, batch):
    cl_model = None

    def bare():
        with torch.inference_mode():
            return model(batch)["out"]

    def channels_last():
        nonlocal cl_model
        cl_model = cl_model or copy.deepcopy(model).to(memory_format=torch.channels_last)  # .to() is in place
        return segtutor.predict(cl_model, batch.to(memory_format=torch.channels_last))

    def bf16():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return segtutor.predict(model, batch).float()

    return {"predict": lambda: segtutor.predict(model, batch), "bare": bare,
            "channels_last": channels_last, "bf16": bf16}


def bench(name: str, size: int, repeats: int) -> dict:
    torch.manual_seed(0)
    load_s, model = _timed(lambda: segtutor.load_model(name, weights="random", device="cpu", cache=False))
    model = model.to(memory_format=torch.contiguous_format)  # the fp32 baseline: plain (contiguous) layout
    batch = torch.randn(1, 3, size, size)
    variants = _variants(model, batch)
    reference = variants["predict"]()  # also warms up
    for fn in variants.values():
        fn()
    one_call, _ = _timed(variants["predict"])
    calls = max(1, int(0.3 / one_call))  # each measurement lasts at least ~0.3 s
    times = {k: [] for k in variants}
    outputs = {}
    for _ in range(repeats):
        for key, fn in variants.items():
            seconds, outputs[key] = _timed(fn, calls)
            times[key].append(seconds)
    med = {k: statistics.median(v) for k, v in times.items()}
    row = {"model": name, "size": size, "load s": load_s, "img/s": 1 / med["predict"],
           "predict/bare": med["predict"] / med["bare"]}
    for key in ("channels_last", "bf16"):
        row[f"{key} x"] = med["predict"] / med[key]
        row[f"{key} max|d|"] = float((outputs[key] - reference).abs().max())
        row[f"{key} argmax %"] = 100 * float((outputs[key].argmax(1) != reference.argmax(1)).float().mean())
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[224, 520])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=segtutor.models.MODEL_NAMES)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, repeats={args.repeats}")
    header = ("| model | size | load s | img/s | predict/bare | channels_last x | max abs diff | argmax changed % "
              "| bf16 x | max abs diff | argmax changed % |")
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for name in args.models:
        for size in args.sizes:
            r = bench(name, size, args.repeats)
            print(f"| {r['model']} | {r['size']} | {r['load s']:.2f} | {r['img/s']:.2f} | {r['predict/bare']:.3f} | "
                  f"{r['channels_last x']:.2f} | {r['channels_last max|d|']:.1e} | {r['channels_last argmax %']:.3f} | "
                  f"{r['bf16 x']:.2f} | {r['bf16 max|d|']:.1e} | {r['bf16 argmax %']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
