"""Exercise checkers for notebook 15 · scoring a whole dataset."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..metrics._accumulator import Scores
from ._common import _call, _coding, _describe, _rng, _Stop

__all__ = ["check_dataset_miou_function"]


def _miou(matrix: np.ndarray) -> float:
    return float(Scores(matrix).mean_iou)


def _wrong_answers(matrices: list[np.ndarray]) -> dict[str, float]:
    """What the typical mistakes return on `matrices`: feedback line to value."""
    total = np.sum(matrices, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tp = total.diagonal()
        iou = tp / (total.sum(0) + total.sum(1) - tp)
    return {
        "You averaged each process's mIoU: a process with few pixels of a class then weighs as much as one with many. "
        "Add the matrices first, then score once.": float(np.mean([_miou(m) for m in matrices])),
        "You scored one process's matrix only: the dataset's counts are spread over all of them.": _miou(matrices[0]),
        "A class absent from every image and every prediction has no IoU (NaN) and is left out of the mean, "
        "not counted as 0.": float(np.nan_to_num(iou).mean()),
        "That is the pixel accuracy (the diagonal over all pixels). mIoU scores each class first, then averages "
        "the classes.": float(tp.sum() / total.sum()),
    }


def _cases(rng: np.random.Generator) -> list[tuple[str, list[np.ndarray]]]:
    """(description, per-process confusion matrices): uneven shares, one class never seen; every mistake stands out."""
    cases = []
    for processes, classes in [(2, 4), (3, 5), (4, 3)]:
        while True:
            matrices = []
            for rank in range(processes):
                matrix = rng.integers(0, 40, size=(classes, classes)) * (10 ** (rank % 2))
                matrix += np.diag(rng.integers(50, 400, size=classes) * (10 ** (rank % 2)))
                matrix[1, :] = matrix[1, :] * (rank == 0)  # class 1 occurs only in the first process's images
                matrices.append(matrix.astype(np.int64))
            for matrix in matrices:
                matrix[-1, :] = matrix[:, -1] = 0  # the last class occurs nowhere
            reference = _miou(np.sum(matrices, axis=0))
            values = [reference, *_wrong_answers(matrices).values()]
            if all(abs(a - b) > 0.02 for i, a in enumerate(values) for b in values[i + 1:]):
                break
        cases.append((f"{processes} processes, {classes} classes", matrices))
    return cases


def _number(result: Any, case: str) -> float:
    """The learner's result as a float; an array of per-class values or a non-number stops with feedback."""
    if isinstance(result, (torch.Tensor, np.ndarray)):
        if int(np.prod(result.shape)) != 1:
            raise _Stop(f"Return one number, the mean over the classes, not {_describe(result)} ({case}).")
        result = result.item()
    if not isinstance(result, numbers.Real) or isinstance(result, (bool, np.bool_)):
        raise _Stop(f"Return the mIoU as a number (a float), got {_describe(result)} ({case}).")
    return float(result)


def check_dataset_miou_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(matrices)``: the mIoU of a whole dataset from the confusion matrices of its processes.

    Under ``torchrun`` each process counts a (C, C) confusion matrix (rows: true
    class, columns: predicted class) on its share of the images. Your function
    gets the list of those int64 NumPy matrices and returns the dataset's mIoU
    as a float: the mean IoU over the classes, leaving out a class that occurs
    in no image and no prediction. The checker draws fresh matrices for 2 to 4
    processes, with uneven shares and a class that never occurs.

    Parameters
    ----------
    function : callable
        Your ``function(matrices)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def dataset_miou(matrices):
    ...     return matrices[0].trace() / matrices[0].sum()
    >>> check_dataset_miou_function(dataset_miou, seed=0)
    Not yet. Your mIoU differs from the one the summed matrix gives: add the matrices, score each class \
(IoU = TP / (TP + FP + FN)), then take the mean over the classes that occur (2 processes, 4 classes).
    False
    """
    def check():
        for case, matrices in _cases(_rng(seed)):
            answer = _number(_call(function, [m.copy() for m in matrices]), case)
            if math.isclose(answer, _miou(np.sum(matrices, axis=0)), abs_tol=1e-4):
                continue
            for line, value in _wrong_answers(matrices).items():
                if math.isclose(answer, value, abs_tol=1e-4):
                    raise _Stop(f"{line} ({case}).")
            raise _Stop("Your mIoU differs from the one the summed matrix gives: add the matrices, score each class "
                        f"(IoU = TP / (TP + FP + FN)), then take the mean over the classes that occur ({case}).")
        return "Your function adds the processes' counts before scoring, as ConfusionMatrix.sync does with all_reduce."
    return _coding(check)
