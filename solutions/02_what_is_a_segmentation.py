"""Notebook 02 · what a segmentation is: the majority class of a class map, void pixels left out."""

import numpy as np


def counts_void(labels, ignore_index=255):
    return int(np.bincount(labels.ravel()).argmax())


def ties_to_larger(labels, ignore_index=255):
    ids, counts = np.unique(labels[labels != ignore_index], return_counts=True)
    return int(ids[::-1][np.argmax(counts[::-1])])


def ignores_only_255(labels, ignore_index=255):
    return int(np.bincount(labels[labels != 255].ravel()).argmax())


def median_class(labels, ignore_index=255):
    return int(np.median(labels[labels != ignore_index]))


def returns_float(labels, ignore_index=255):
    return float(np.bincount(labels[labels != ignore_index].ravel()).argmax())


EXERCISES = [
    ("check_majority_function", "majority_class", [
        (counts_void, "Not yet. Your function returns 255 on a map that is mostly void (255), ignore_index=255: leave "
                      "pixels equal to ignore_index out of the vote."),
        (ignores_only_255, "Not yet. Your function returns 0 on a map that is mostly void (0), ignore_index=0: leave "
                           "pixels equal to ignore_index out of the vote."),
        (median_class, "Not yet. That is the median id, the middle one once sorted, not the id with the most pixels "
                       "(on a map whose most frequent id is its smallest)."),
        (ties_to_larger, "Not yet. Two classes tie for the most pixels (on a map with a tie): the vote goes to the "
                         "smaller class id."),
        (returns_float, "Not yet. Return the class id as an int, got float (on a map whose most frequent id is its "
                        "smallest)."),
    ]),
]
