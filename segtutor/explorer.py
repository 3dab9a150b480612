"""What notebook 10 reads about the explorers: the models they offer and each model's class names.

The explorers' own computations live in the private package
``segtutor._explorer`` (one module per job); :mod:`segtutor.widgets`
builds the explorers.
"""

from __future__ import annotations

from ._explorer.model_menu import EXPLORER_MODELS
from .registry import class_names

__all__ = ["EXPLORER_MODELS", "class_names_for"]


def class_names_for(name: str) -> list[str]:
    """A model's class names, indexed by class id: :func:`segtutor.class_names` of `name`.

    Examples
    --------
    >>> class_names_for("tiny")
    ['background', 'disc', 'square', 'triangle', 'ring']
    """
    return class_names(name)
