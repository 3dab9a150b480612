"""Notebook 15 · scoring a whole dataset: the mIoU of a dataset from the confusion matrices of its processes."""

import numpy as np


def _miou(matrix):
    tp = np.diag(matrix).astype(np.float64)
    union = matrix.sum(axis=0) + matrix.sum(axis=1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.nanmean(tp / union))  # a class absent from labels and predictions is NaN, left out


def averages_the_mious(matrices):
    return float(np.mean([_miou(matrix) for matrix in matrices]))


def first_process_only(matrices):
    return _miou(matrices[0])


def absent_class_as_zero(matrices):
    total = sum(matrices)
    tp = np.diag(total).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.nan_to_num(tp / (total.sum(axis=0) + total.sum(axis=1) - tp)).mean())


def pixel_accuracy(matrices):
    total = sum(matrices)
    return float(np.trace(total) / total.sum())


def first_process_pixel_accuracy(matrices):
    return matrices[0].trace() / matrices[0].sum()


def per_class_ious(matrices):
    total = sum(matrices)
    tp = np.diag(total).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return tp / (total.sum(axis=0) + total.sum(axis=1) - tp)


CASE = "(2 processes, 4 classes)."
EXERCISES = [
    ("check_dataset_miou_function", "dataset_miou", [
        (averages_the_mious, "Not yet. You averaged each process's mIoU: a process with few pixels of a class then weighs "
                             f"as much as one with many. Add the matrices first, then score once. {CASE}"),
        (first_process_only, "Not yet. You scored one process's matrix only: the dataset's counts are spread over all of "
                             f"them. {CASE}"),
        (absent_class_as_zero, "Not yet. A class absent from every image and every prediction has no IoU (NaN) and is left "
                               f"out of the mean, not counted as 0. {CASE}"),
        (pixel_accuracy, "Not yet. That is the pixel accuracy (the diagonal over all pixels). mIoU scores each class "
                         f"first, then averages the classes. {CASE}"),
        (first_process_pixel_accuracy, "Not yet. Your mIoU differs from the one the summed matrix gives: add the matrices, "
                                       "score each class (IoU = TP / (TP + FP + FN)), then take the mean over the classes "
                                       f"that occur {CASE}"),
        (per_class_ious, "Not yet. Return one number, the mean over the classes, not float64 array of shape (4,) "
                         f"{CASE}"),
    ]),
]
