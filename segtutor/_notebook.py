"""Make the matplotlib Figures that segtutor returns show as images in Jupyter.

segtutor's plots are plain ``matplotlib.figure.Figure`` objects, made without
pyplot. IPython registers the PNG display of a Figure only once pyplot has
loaded the inline backend, so in a fresh kernel a cell ending in such a
Figure showed the text ``<Figure size 400x400 with 1 Axes>`` instead of the
plot. Importing the inline backend module performs that registration, and
does nothing outside a Jupyter kernel or under another backend.
"""

from __future__ import annotations

import sys


def enable_inline_figures() -> bool:
    """Register the PNG display of Figures if running in a Jupyter kernel; return whether it tried.

    Examples
    --------
    >>> enable_inline_figures() in (True, False)  # True only inside a Jupyter kernel
    True
    """
    if "ipykernel" not in sys.modules:
        return False
    try:
        import matplotlib_inline.backend_inline  # noqa: F401  (registers the display on import)
    except ImportError:
        return False
    return True
