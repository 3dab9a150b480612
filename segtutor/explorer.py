"""What notebook 10 reads about the explorers: the models they offer.

The explorers' own computations live in the private package
``segtutor._explorer`` (one module per job); :mod:`segtutor.widgets`
builds the explorers.
"""

from __future__ import annotations

from ._explorer.model_menu import EXPLORER_MODELS

__all__ = ["EXPLORER_MODELS"]
