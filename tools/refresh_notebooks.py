"""Execute notebooks and keep only the outputs that nbval checks.

Usage::

    .venv/bin/python tools/refresh_notebooks.py               # every notebook
    .venv/bin/python tools/refresh_notebooks.py notebooks/01-*.ipynb

Each notebook runs top to bottom in notebooks/ with SEGTUTOR_OFFLINE=1 (as
under the test suite). Afterwards every code cell loses its outputs and
execution count, except cells that start with ``# NBVAL_CHECK_OUTPUT``:
their fresh outputs are stored, and nbval compares against them.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell) -> bool:
    """Whether nbval compares this cell's outputs."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK)


def strip_unchecked(notebook) -> None:
    """Drop outputs and execution counts from every cell nbval does not check.

    Checked cells keep their execution count: nbval refuses stored outputs
    of a cell that looks unrun.
    """
    notebook.metadata.pop("widgets", None)  # widget state saved by the run: noise, not checked
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if not is_checked(cell):
            cell.execution_count = None
            cell.outputs = []
        for output in cell.outputs:
            output.pop("execution_count", None)
            output.get("metadata", {}).clear()
        cell.metadata.pop("execution", None)


def refresh(path: Path, *, timeout: int = 600) -> float:
    """Execute one notebook in place and store only its checked outputs; return seconds taken."""
    notebook = nbformat.read(path, as_version=4)
    os.environ["SEGTUTOR_OFFLINE"] = "1"
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    notebook.metadata["segtutor"] = {"cpu_seconds": round(seconds, 1)}
    strip_unchecked(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(argv: list[str]) -> None:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"{path.name}: ran in {refresh(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
