"""House style of the notebooks, and proof that nbval really compares their outputs."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
GENERATED = "segtutor-generated"


def _code_lines(cell) -> list[str]:
    return [line for line in cell.source.splitlines() if line.strip() != CHECK_MARK]


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_house_style(path):
    assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb", path.name)
    cells = nbformat.read(path, as_version=4).cells
    content = [c for c in cells if GENERATED not in c.metadata.get("tags", [])]
    assert content[0].cell_type == "markdown" and "**Goal:**" in content[0].source
    for before, cell in zip(cells, cells[1:]):
        if cell.cell_type == "code":
            assert before.cell_type == "markdown", f"no prose before: {cell.source[:60]!r}"
            assert len(_code_lines(cell)) <= 10, f"cell longer than 10 lines: {cell.source[:60]!r}"
            assert not re.search(r"^\s*(def|class|lambda)\b", cell.source, re.M), "notebooks define no helper"
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "## Summary" in markdown and "## Exercises" in markdown
    assert "segtutor.exercises.check_" in content[-1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_cells_store_outputs(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    checked = [c for c in cells if c.source.startswith(CHECK_MARK)]
    assert checked, "each notebook output-checks its shape, dtype and class-name cells"
    for cell in cells:
        assert bool(cell.outputs) == (cell in checked), cell.source[:60]


def test_nbval_fails_when_a_checked_output_changes(tmp_path):
    notebook = nbformat.read(ROOT / "notebooks" / "01-seed-pipeline.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.source.startswith(CHECK_MARK))
    cell.outputs[0]["text"] = cell.outputs[0]["text"].replace("451x300", "452x300")
    nbformat.write(notebook, tmp_path / "01-tampered.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
         str(tmp_path / "01-tampered.ipynb"), "-x", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "452x300" in result.stdout and "451x300" in result.stdout
