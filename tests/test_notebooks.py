"""House style of the notebooks, their stored outputs and figures, the refresh tool, and proof that nbval compares outputs."""

import base64
import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

import segtutor

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
GENERATED = "segtutor-generated"


def _code_lines(cell) -> list[str]:
    return [line for line in cell.source.splitlines() if line.strip() != CHECK_MARK]


STUB = "raise NotImplementedError  # your code here"


def _is_exercise_stub(cell) -> bool:
    """A learner's exercise function: every function the cell defines is an untouched stub."""
    defs = re.findall(r"^def \w+\(", cell.source, re.M)
    return bool(defs) and cell.source.count(STUB) == len(defs) and not re.search(r"^\s*(class|lambda)\b", cell.source, re.M)


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
            if not _is_exercise_stub(cell):
                assert not re.search(r"^\s*(def|class|lambda)\b", cell.source, re.M), "notebooks define no helper"
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "## Summary" in markdown and "## Exercises" in markdown
    assert "segtutor.exercises.check_" in content[-1].source


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] <= "10"], ids=lambda p: p.name)
def test_every_lesson_ends_with_a_coding_exercise_checked_on_fresh_inputs(path):
    """Issue 14: a function stub in the exercises, then a cell that passes it to its checker."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if GENERATED not in c.metadata.get("tags", [])]
    stubs = [i for i, c in enumerate(cells) if c.cell_type == "code" and _is_exercise_stub(c)]
    assert stubs, "no coding exercise"
    names = re.findall(r"^def (\w+)\(", cells[stubs[0]].source, re.M)
    calls = "\n".join(c.source for c in cells[stubs[0] + 1:] if c.cell_type == "code")
    for name in names:
        assert re.search(rf"segtutor\.exercises\.check_\w+\({name}\)", calls), name


def test_a_helper_is_not_mistaken_for_an_exercise_stub():
    helper = nbformat.v4.new_code_cell("def f(x):\n    return x")
    half = nbformat.v4.new_code_cell(f"def f(x):\n    {STUB}\n\n\ndef g(x):\n    return x")
    assert not _is_exercise_stub(helper) and not _is_exercise_stub(half)
    assert _is_exercise_stub(nbformat.v4.new_code_cell(f"def f(x):\n    {STUB}"))


PACKAGES = ("data", "models", "metrics", "display", "training", "widgets")


def _figure_functions() -> set[str]:
    """segtutor's public functions that return a matplotlib Figure, at the top level and in its packages."""
    names = set()
    for module in (segtutor, *(getattr(segtutor, package) for package in PACKAGES)):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type) and inspect.signature(obj).return_annotation in ("Figure", Figure):
                names.add(name)
    return names


FIGURE_FUNCTIONS = _figure_functions()
DRAWS_FIGURE = re.compile(r"\bsegtutor\.(?:(?:" + "|".join(PACKAGES) + r")\.)?(" + "|".join(sorted(FIGURE_FUNCTIONS)) + r")\(")


def test_figure_functions_are_found():
    assert {"show_images", "show_overlay", "show_palette", "show_contours", "plot_history", "plot_confusion_matrix"} <= FIGURE_FUNCTIONS
    assert DRAWS_FIGURE.search("segtutor.display.show_palette(x)") and DRAWS_FIGURE.search("segtutor.show_images(x)")


def _mimes(cell) -> list[str]:
    return [mime for output in cell.outputs for mime in output.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_show_every_figure_and_no_widget_state(path):
    notebook = nbformat.read(path, as_version=4)
    assert "widgets" not in notebook.metadata, "saved widget state is dropped (tools/refresh_notebooks.py)"
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert any(c.source.startswith(CHECK_MARK) for c in cells), "each notebook output-checks its shape, dtype and class-name cells"
    for cell in cells:
        assert cell.execution_count is not None, f"not run by tools/refresh_notebooks.py: {cell.source[:60]!r}"
        assert "application/vnd.jupyter.widget-view+json" not in _mimes(cell)
        if cell.source.startswith(CHECK_MARK):
            assert cell.outputs, f"nbval has nothing to compare: {cell.source[:60]!r}"
        if DRAWS_FIGURE.search(cell.source):
            assert "image/png" in _mimes(cell), f"figure not stored: {cell.source[:60]!r}"
        for output in cell.outputs:
            text = output.get("data", {}).get("text/plain", "")
            assert not (text.startswith("<Figure size") and "image/png" not in output["data"]), f"figure not drawn: {cell.source[:60]!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_stores_a_figure_or_a_widget_view(path):
    """Issue 22: read without a kernel (a repository page, nbviewer, the site), every lesson shows a picture."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert any(mime in ("image/png", "application/vnd.jupyter.widget-view+json") for c in cells for mime in _mimes(c))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_explorer_is_followed_by_a_stored_still_of_its_first_view(path):
    """Issue 22: an explorer's widget view needs a kernel (or a CDN); a still of its first view stands in its place."""
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    for cell, after in zip(cells, cells[1:] + [None]):
        explorer = re.match(r"(\w+) = widgets\.explore_\w+\(", cell.source)
        assert explorer or "explore_" not in cell.source.split("#")[0] or "first_view" in cell.source, cell.source[:60]
        if explorer:
            assert after is not None and after.source == f"segtutor.widgets.first_view({explorer[1]})", cell.source[:60]
            assert "image/png" in _mimes(after), f"still not stored: {after.source!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_coloured_class_map_shown_gets_a_legend(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and "show_images(" in cell.source and "decode_segmap(" in cell.source:
            assert "add_legend(" in cell.source, f"class map without a legend: {cell.source[:60]!r}"


def test_stored_figures_are_png_without_version_metadata():
    figures = [base64.b64decode(output["data"]["image/png"]) for path in NOTEBOOKS
               for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
               for output in cell.outputs if "image/png" in output.get("data", {})]
    assert len(figures) >= 30
    for png in figures:
        assert png.startswith(b"\x89PNG") and b"Software" not in png and b"Matplotlib version" not in png


def test_notebooks_folder_stays_under_10_mb():
    assert sum(p.stat().st_size for p in (ROOT / "notebooks").rglob("*") if p.is_file()) <= 10_000_000


@pytest.mark.notebook
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


def _refresh_tool():
    spec = importlib.util.spec_from_file_location("refresh_notebooks", ROOT / "tools" / "refresh_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.notebook
def test_refresh_stores_figures_and_a_second_refresh_changes_nothing(tmp_path):
    tool = _refresh_tool()
    cells = ["%matplotlib inline\nimport time\nimport ipywidgets\nfrom matplotlib.figure import Figure",
             "fig = Figure(figsize=(2, 2))\nfig.subplots().plot([0, 1], [1, 0])\nfig",
             'print(f"took {time.perf_counter() % 1000:.4f} s")',
             "ipywidgets.IntSlider()"]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), path)
    tool.refresh(path, timeout=120)
    first = nbformat.read(path, as_version=4)
    tool.refresh(path, timeout=120)
    second = nbformat.read(path, as_version=4)
    assert first == second
    png = base64.b64decode(second.cells[1].outputs[0]["data"]["image/png"])
    assert png.startswith(b"\x89PNG") and b"Software" not in png
    assert second.cells[2].outputs[0]["text"].startswith("took ")
    assert second.cells[3].outputs == [] and "widgets" not in second.metadata
    assert [c.execution_count for c in second.cells] == [1, 2, 3, 4]


def test_refresh_keeps_the_stored_run_time_unless_outputs_changed_and_it_moved_by_a_quarter():
    tool = _refresh_tool()
    assert tool.run_time(None, 12.34, changed=False) == 12.3
    assert tool.run_time(20.0, 45.0, changed=False) == 20.0
    assert tool.run_time(20.0, 24.9, changed=True) == 20.0 and tool.run_time(20.0, 15.1, changed=True) == 20.0
    assert tool.run_time(20.0, 25.1, changed=True) == 25.1 and tool.run_time(20.0, 14.9, changed=True) == 14.9


def test_refresh_keeps_outputs_that_differ_only_where_nbval_sanitizes():
    tool = _refresh_tool()
    stored = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", execution_count=1), nbformat.v4.new_code_cell("y", execution_count=2)])
    fresh = nbformat.from_dict(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", execution_count=1),
                                                               nbformat.v4.new_code_cell("y", execution_count=2)]))
    stored.cells[0].outputs = [nbformat.v4.new_output("stream", text="took 1.25 s\n")]
    fresh.cells[0].outputs = [nbformat.v4.new_output("stream", text="took 3.5 s\n")]
    stored.cells[1].outputs = [nbformat.v4.new_output("stream", text="mIoU 0.596\n")]
    fresh.cells[1].outputs = [nbformat.v4.new_output("stream", text="mIoU 0.597\n")]
    assert tool.merge(stored, fresh, rules=tool.sanitizers()) == 1
    assert [c.outputs[0]["text"] for c in stored.cells] == ["took 1.25 s\n", "mIoU 0.597\n"]
