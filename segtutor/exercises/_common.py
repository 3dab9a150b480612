"""Shared pieces of the checkers."""

from __future__ import annotations

import numpy as np
import torch


def _feedback(correct: bool, message: str) -> bool:
    print(("Correct! " if correct else "Not yet. ") + message)
    return correct


def _close(answer: np.ndarray, reference: np.ndarray) -> bool:
    """Equal up to rounding to two decimals (or 0.1 % for large values)."""
    return np.allclose(answer, reference, rtol=1e-3, atol=5e-3)


def _as_tuple(answer) -> tuple:
    return tuple(int(v) for v in answer) if isinstance(answer, (tuple, list, torch.Size, np.ndarray)) else (answer,)


def _same(answer: torch.Tensor, reference: torch.Tensor) -> bool:
    return answer.shape == reference.shape and torch.allclose(answer, reference, atol=1e-5)


def _per_image(answer, reference: torch.Tensor):
    """`answer` as a tensor shaped like `reference` ([N, H, W]); an (H, W) answer counts for N = 1."""
    answer = torch.as_tensor(np.asarray(answer)).to(reference.dtype)
    if answer.ndim == 2 and reference.shape[0] == 1:
        answer = answer.unsqueeze(0)
    return answer if answer.shape == reference.shape else None

