"""predict()'s overhead; CPU speed of the six torchvision models, and what channels_last and bfloat16 autocast give.

Usage::

    .venv/bin/python benchmarks/bench_models.py [--sizes 224 520] [--repeats 3] [--models NAME ...]
    .venv/bin/python benchmarks/bench_models.py --overhead-only [--overhead-repeats 21]

First table: ``segtutor.predict`` against the bare ``model(batch)["out"]``
under ``torch.inference_mode`` for lraspp_mobilenet_v3_large with random
weights, batch 4 at 224², the model as ``load_model`` gives it (channels-last
on the CPU), on the CPU and on CUDA when there is a GPU. The two calls
alternate (their order swapped every round) and the ratio is of the medians.
The goal is predict/bare ≤ 1.05.

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


def overhead(device: str, repeats: int) -> dict:
    """Median predict and bare times (ms) for lraspp, batch 4 at 224², interleaved rounds."""
    torch.manual_seed(0)
    model = segtutor.load_model("lraspp_mobilenet_v3_large", weights="random", device=device, cache=False)
    batch = torch.randn(4, 3, 224, 224, device=device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def bare():
        with torch.inference_mode():
            return model(batch)["out"]

    variants = {"predict": lambda: segtutor.predict(model, batch), "bare": bare}
    for fn in (*variants.values(), *variants.values()):  # warm-up
        fn()
    times: dict[str, list[float]] = {k: [] for k in variants}
    for round_ in range(repeats):
        for key in (("predict", "bare") if round_ % 2 else ("bare", "predict")):
            sync()
            start = time.perf_counter()
            variants[key]()
            sync()
            times[key].append(time.perf_counter() - start)
    med = {k: 1e3 * statistics.median(v) for k, v in times.items()}
    return {"device": device, **med, "ratio": med["predict"] / med["bare"]}


def print_overhead(repeats: int) -> None:
    print("| device | model | batch | predict ms | bare ms | predict/bare |")
    print("| --- | --- | --- | --- | --- | --- |")
    for device in ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",):
        r = overhead(device, repeats)
        print(f"| {device} | lraspp_mobilenet_v3_large | 4x3x224x224 | {r['predict']:.2f} | {r['bare']:.2f} | "
              f"{r['ratio']:.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[224, 520])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=segtutor.models.MODEL_NAMES)
    parser.add_argument("--overhead-repeats", type=int, default=21, help="interleaved rounds for predict/bare")
    parser.add_argument("--overhead-only", action="store_true", help="print only the predict/bare table")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print_overhead(args.overhead_repeats)
    if args.overhead_only:
        return
    print(f"\nrepeats={args.repeats}")
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
