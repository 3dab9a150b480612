"""Notebook 10 · the interactive explorer: the pixel probe's top-k classes from the probabilities."""

import numpy as np
from _reference import reference

top_k = reference(__file__, "top_k")  # the reference solution, kept once in course/source


def ascending(probs, row, col, k):
    values = probs[:, row, col]
    return [(int(c), float(values[c])) for c in np.argsort(values, kind="stable")[:k]]


def reverses_ties(probs, row, col, k):
    values = probs[:, row, col]
    return [(int(c), float(values[c])) for c in np.argsort(values, kind="stable")[::-1][:k]]


def ids_only(probs, row, col, k):
    return [int(c) for c in np.argsort(-probs[:, row, col], kind="stable")[:k]]


def float_ids(probs, row, col, k):
    return [(float(c), p) for c, p in top_k(probs, row, col, k)]


CASE = "(on 5 classes, 4x6 pixels, k=3)."
EXERCISES = [
    ("check_top_k_function", "top_k", [
        (ascending, f"Not yet. Most probable first: sort the probabilities from high to low {CASE}"),
        (reverses_ties, f"Not yet. Equal probabilities keep the lower class id first: use a stable sort {CASE}"),
        (ids_only, f"Not yet. Return a list of (class id, probability) pairs {CASE}"),
        (float_ids, "Not yet. Each pair is (class id, probability): the id an int, the probability a float "
                    f"{CASE}"),
    ]),
]
