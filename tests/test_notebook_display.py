"""segtutor's Figures display as images in a fresh Jupyter kernel (see segtutor/_notebook.py)."""

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

CELL = "import segtutor\nimport numpy as np\nsegtutor.plot_confusion_matrix(np.array([[3, 1], [0, 2]]))"


def test_a_returned_figure_is_shown_as_png_under_the_inline_backend(monkeypatch):
    # Jupyter's default backend; without segtutor's registration the cell shows only "<Figure size ...>" text.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = new_notebook(cells=[new_code_cell(CELL)])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    data = notebook.cells[0].outputs[0]["data"]
    assert "image/png" in data
    assert data["text/plain"].startswith("<Figure size")
