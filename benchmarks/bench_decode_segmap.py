"""Time segtutor.decode_segmap against the seed notes' per-class loop.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_decode_segmap.py

For each size it draws a random VOC class map (int64, as ``argmax`` returns
it), checks that both functions give the same picture, and prints the best
of several interleaved timings of each. Timings vary with the machine and
its load: compare the speed-ups of one run, not times across runs. The bar
(issue 16): 40x or more at 520x520.
"""

from __future__ import annotations

import platform
import sys
import timeit
from pathlib import Path

import numpy as np

from segtutor import decode_segmap

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for the tests' reference
from tests.seed_reference import seed_decode_segmap

SIZES = (224, 520, 1024)


def best_seconds(functions, labels, *, rounds: int = 9) -> list[float]:
    """Best time of one call of each function.

    Each round times every function once, over enough calls to last about
    0.2 s; the rounds interleave the functions, so that a busy machine slows
    them alike. The best round of each counts.
    """
    timers = [timeit.Timer(lambda f=f: f(labels)) for f in functions]
    numbers = [timer.autorange()[0] for timer in timers]
    best = [float("inf")] * len(functions)
    for _ in range(rounds):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], timer.timeit(number) / number)
    return best


def main() -> None:
    print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}")
    print("| size      | seed loop (ms) | decode_segmap (ms) | speed-up |")
    print("|-----------|---------------:|-------------------:|---------:|")
    for size in SIZES:
        labels = np.random.default_rng(size).integers(0, 21, size=(size, size))
        assert np.array_equal(decode_segmap(labels), seed_decode_segmap(labels))
        seed, ours = best_seconds([seed_decode_segmap, decode_segmap], labels)
        print(f"| {f'{size}x{size}':<9} | {seed * 1e3:14.2f} | {ours * 1e3:18.3f} | {seed / ours:7.1f}x |")


if __name__ == "__main__":
    main()
