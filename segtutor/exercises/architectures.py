"""Exercise checkers for notebook 13 · upsampling and skip connections."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable
from typing import Any

from ..models import receptive_field as _reference
from ._common import _call, _coding, _feedback, _is_int, _Stop

__all__ = ["check_receptive_field_function", "check_upsampled_size"]

def _cases(rng: random.Random) -> list[list[tuple[int, int, int]]]:
    """Fresh random chains of (kernel, stride, dilation), each with a stride and a dilation above 1.

    A chain is kept only where the right answer and each typical mistake give four different
    numbers, so every mistake gets its own hint.
    """
    cases: list[list[tuple[int, int, int]]] = []
    while len(cases) < 4:
        chain = [(rng.choice((1, 3, 5, 7)), rng.choice((1, 1, 2)), rng.choice((1, 1, 2, 3))) for _ in range(rng.randint(3, 6))]
        chain[rng.randrange(len(chain))] = (3, 2, 1)
        chain[rng.randrange(len(chain))] = (3, 1, 2)
        if len({_reference(chain), *(wrong(chain) for wrong in (_no_stride, _no_dilation, _stride_first))}) == 4:
            cases.append(chain)
    return cases


def _no_stride(chain):
    return 1 + sum(d * (k - 1) for k, _, d in chain)


def _no_dilation(chain):
    return _reference([(k, s, 1) for k, s, _ in chain])


def _stride_first(chain):
    field, jump = 1, 1
    for k, s, d in chain:
        jump *= s
        field += d * (k - 1) * jump
    return field


def check_receptive_field_function(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check a learner's ``receptive_field(layers)`` for chains of (kernel, stride, dilation).

    It is run on fresh random chains, each with a strided and a dilated layer (`seed` fixes them).

    Examples
    --------
    >>> def receptive_field(layers):  # counts the layers, as a float
    ...     return float(len(layers))
    >>> check_receptive_field_function(receptive_field, seed=0)
    Not yet. Return the receptive field as an int, got float.
    False
    """
    def check():
        hints = ((_no_stride, "A layer after a stride-2 layer steps 2 input pixels per pixel: multiply by the product "
                              "of the earlier strides."),
                 (_no_dilation, "A dilated kernel of size k spans d(k - 1) + 1 pixels: multiply by the dilation."),
                 (_stride_first, "A layer's own stride only affects the layers after it: update the product after adding."))
        for chain in _cases(random.Random(secrets.randbelow(2**31) if seed is None else seed)):
            answer = _call(function, list(chain))
            if not _is_int(answer):
                raise _Stop(f"Return the receptive field as an int, got {type(answer).__name__}.")
            if answer == _reference(chain):
                continue
            hint = next((text for wrong, text in hints if answer == wrong(chain)),
                        "It matches none of the usual slips: check what each layer adds, and how the strides before "
                        "it scale that.")
            raise _Stop(f"On a random chain of (kernel, stride, dilation) your result is off. {hint}")
        return "Strides multiply the step of every later layer, dilations widen each kernel: right on 4 random chains."
    return _coding(check)


def check_upsampled_size(answer: Any, *, size: int, factor: int) -> bool:
    """Check a guess of the output size of :func:`segtutor.models.bilinear_upsampler` (kernel 2f - f % 2, stride f, padding f // 2).

    Examples
    --------
    >>> check_upsampled_size(22, size=10, factor=2)
    Not yet. The padding trims the output on both sides: subtract 2 x padding.
    False
    """
    if not _is_int(answer):
        return _feedback(False, f"Give the size as an int, got {type(answer).__name__}.")
    kernel = 2 * factor - factor % 2
    expected = (size - 1) * factor - 2 * (factor // 2) + kernel
    if answer == expected:
        return _feedback(True, f"({size} - 1) x {factor} - 2 x {factor // 2} + {kernel} = {expected}: exactly {factor} x {size}.")
    if answer == (size - 1) * factor + kernel:
        return _feedback(False, "The padding trims the output on both sides: subtract 2 x padding.")
    if math.isclose(answer, size / factor):
        return _feedback(False, "A transposed convolution with stride f enlarges: the output is larger than the input.")
    return _feedback(False, "That is not the size this layer gives: work it out from its kernel, stride and padding.")
