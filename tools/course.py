"""The nbgrader course in course/: its source notebooks come from notebooks/, and notebooks/ is its release.

Usage::

    .venv/bin/python tools/course.py import    # notebooks/ (+ the reference solutions) -> course/source/
    .venv/bin/python tools/course.py release   # nbgrader generate_assignment, then the release -> notebooks/
    .venv/bin/python tools/course.py check     # exit 1 unless notebooks/ equal a fresh release

``import`` writes ``course/source/<lesson>/<lesson>.ipynb`` for every lesson: the lesson's cells
without the generated navigation (tools/make_navigation.py) and without outputs, where each coding
exercise's stub (``raise NotImplementedError  # your code here``) holds the reference solution
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, and its checker cell is a locked
autograded test cell worth one point per checker call. The reference is the one already in
course/source, or, for an exercise that has none there yet, the function of that name in
solutions/NN_*.py (it should then be removed from there: the command says so). Running it again
changes nothing.

``release`` runs ``nbgrader generate_assignment`` for every lesson in a temporary copy of the
course (nbgrader's stub replaces each solution; ClearSolutions.code_stub in
course/nbgrader_config.py) and writes each released notebook to notebooks/, with the navigation
cells added and the stored outputs kept wherever a cell is unchanged. A changed cell has no
output until ``tools/refresh_notebooks.py`` runs it. ``check`` compares cell types, sources and
nbgrader metadata, never outputs.

After editing a lesson in notebooks/: ``import``, ``release``, ``refresh_notebooks.py``, ``make_navigation.py``.
"""

from __future__ import annotations

import ast
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import make_navigation  # noqa: E402

from segtutor.exercises._nbgrader import checker_calls  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "course"
SOURCE = COURSE / "source"
SOLUTIONS = ROOT / "solutions"
STUB = "raise NotImplementedError  # your code here"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NAV = make_navigation.TAG


def lessons() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def source_path(lesson: str) -> Path:
    return SOURCE / lesson / f"{lesson}.ipynb"


def _nbgrader(*, grade: bool, solution: bool, grade_id: str, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade and not solution, "schema_version": 3,
            "solution": solution, "task": False}
    return {**meta, "points": points} if grade else meta


def solution_blocks(source: str) -> dict[str, str]:
    """{function name: the lines between its solution markers} of a source notebook's solution cell."""
    blocks, current, lines, inside = {}, None, [], False
    for line in source.split("\n"):
        match = re.match(r"def (\w+)\(", line)
        if match:
            current = match.group(1)
        if BEGIN in line:
            inside, lines = True, []
        elif END in line:
            inside, blocks[current] = False, "\n".join(lines)
        elif inside:
            lines.append(line)
    return blocks


def solutions_file(lesson: str) -> Path | None:
    found = sorted(SOLUTIONS.glob(f"{lesson[:2]}_*.py"))
    return found[0] if found else None


def _from_solutions_file(lesson: str, function: str) -> str | None:
    """The body of `function` in solutions/NN_*.py (docstring left out), or None."""
    path = solutions_file(lesson)
    if path is None:
        return None
    text = path.read_text()
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            return "\n".join(text.split("\n")[body[0].lineno - 1: node.end_lineno])
    return None


def _references(lesson: str) -> dict[str, str]:
    path = source_path(lesson)
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            found.update(solution_blocks(cell.source))
    return found


def with_solutions(stub: str, references: dict[str, str], lesson: str) -> tuple[str, list[str]]:
    """The stub cell with each function's stub line replaced by its reference between the markers."""
    lines, function, done = [], None, []
    for line in stub.split("\n"):
        match = re.match(r"def (\w+)\(", line)
        function = match.group(1) if match else function
        if line.strip() == STUB and function is not None:
            indent = line[: len(line) - len(line.lstrip())]
            body = references.get(function)
            if body is None:
                body = _from_solutions_file(lesson, function)
                if body is None:
                    raise SystemExit(f"{lesson}: no reference solution for {function}: neither course/source nor "
                                     f"solutions/{lesson[:2]}_*.py defines it")
                print(f"{lesson}: took {function} from {solutions_file(lesson).name}; remove it there, "
                      "course/source now holds it (solutions/README.md)")
            lines += [indent + BEGIN, body, indent + END]
            done.append(function)
        else:
            lines.append(line)
    return "\n".join(lines), done


def _defines(cell, name: str) -> bool:
    return cell.cell_type == "code" and re.search(rf"^def {re.escape(name)}\(", cell.source, re.M) is not None


def source_notebook(lesson_path: Path):
    """The source version of one lesson (see the module's docstring)."""
    lesson = lesson_path.stem
    notebook = nbformat.read(lesson_path, as_version=4)
    references = _references(lesson)
    cells = [copy.deepcopy(c) for c in notebook.cells if NAV not in c.metadata.get("tags", [])]
    for cell in cells:
        cell.metadata.pop("nbgrader", None)
        for key in ("editable", "deletable"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    for cell in cells:
        calls = checker_calls(cell.source) if cell.cell_type == "code" else []
        stubs = [c for _, name in calls for c in cells if _defines(c, name) and STUB in c.source]
        if calls and len(stubs) != len(calls):
            defined = [name for _, name in calls if any(_defines(c, name) for c in cells)]
            if defined:  # a function the checker gets, but no stub to hold its solution: not graded
                print(f"{lesson}: {', '.join(defined)} has no cell with the stub `{STUB}`: not an autograded exercise")
            continue
        if not calls:
            continue
        names = [name for _, name in calls]
        for stub in {id(c): c for c in stubs}.values():
            stub.source, done = with_solutions(stub.source, references, lesson)
            stub.metadata["nbgrader"] = _nbgrader(grade=False, solution=True, grade_id="solution_" + "_".join(done))
        cell.metadata["nbgrader"] = _nbgrader(grade=True, solution=False, grade_id="test_" + "_".join(names),
                                              points=len(calls))
    source = nbformat.v4.new_notebook(cells=cells)
    source.metadata = {k: v for k, v in notebook.metadata.items() if k in ("kernelspec", "language_info")}
    return source


def _write(notebook, path: Path) -> bool:
    text = nbformat.writes(notebook) + "\n"
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return True


def import_lessons() -> list[str]:
    """Write course/source/ from notebooks/; return the lessons whose source changed."""
    paths = lessons()
    changed = [p.stem for p in paths if _write(source_notebook(p), source_path(p.stem))]
    for stale in sorted(SOURCE.glob("[0-9][0-9]-*")):
        if stale.name not in {p.stem for p in paths}:
            shutil.rmtree(stale)
            changed.append(f"{stale.name} (removed)")
    return changed


def generate(into: Path) -> Path:
    """Run nbgrader generate_assignment for every lesson in a copy of the course at `into`; return its release folder."""
    shutil.copytree(COURSE, into, ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback",
                                                                "gradebook.db", "*.pyc", "__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # course/nbgrader_config.py imports segtutor
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "[0-9][0-9]-*", "--no-db", "--force",
                    "--log-level=WARN"], cwd=into, check=True, env=env)  # the assignment is a glob: one run for all
    return into / "release"


def _key(cell) -> tuple:
    return cell.cell_type, cell.source


def released(release: Path, lesson_path: Path, paths: list[Path], titles: dict) -> object:
    """The notebooks/ version of one released lesson: navigation added, unchanged cells' outputs kept."""
    fresh = nbformat.read(release / lesson_path.stem / lesson_path.name, as_version=4)
    stored = nbformat.read(lesson_path, as_version=4)
    cells = make_navigation.with_navigation(fresh, lesson_path, paths, titles)
    kept: dict = {}
    for c in stored.cells:  # cells with the same text (e.g. two "run the checker" lines) are matched in order
        kept.setdefault(_key(c), []).append(c)
    for cell in cells:
        old = kept[_key(cell)].pop(0) if kept.get(_key(cell)) else None
        if old is not None:
            cell.id = old.id
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = old.outputs, old.execution_count
    notebook = copy.deepcopy(stored)
    notebook.cells = cells
    return notebook


def release_lessons() -> list[str]:
    """Write notebooks/ from a fresh release; return the lessons that changed."""
    paths = lessons()
    titles = {p: make_navigation.title(nbformat.read(p, as_version=4)) for p in paths}
    with tempfile.TemporaryDirectory() as tmp:
        release = generate(Path(tmp) / "course")
        return [p.stem for p in paths if _write(released(release, p, paths, titles), p)]


def comparable(notebook) -> list[tuple]:
    """What must equal between notebooks/ and the release: each cell's type, source and nbgrader metadata."""
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in notebook.cells
            if NAV not in c.metadata.get("tags", [])]


def differences(release: Path | None = None) -> list[str]:
    """The lessons of notebooks/ that differ from `release` (by default a fresh one), or have no release there."""
    if release is None:
        with tempfile.TemporaryDirectory() as tmp:
            return differences(generate(Path(tmp) / "course"))
    stale = []
    for path in lessons():
        fresh = release / path.stem / path.name
        if not fresh.exists() or comparable(nbformat.read(fresh, as_version=4)) != comparable(nbformat.read(path, as_version=4)):
            stale.append(path.stem)
    return stale


def main(argv: list[str]) -> int:
    if argv not in (["import"], ["release"], ["check"]):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if argv == ["check"]:
        stale = differences()
        print(("differ from the release: " + ", ".join(stale)) if stale else "notebooks/ equal the release")
        return 1 if stale else 0
    changed = import_lessons() if argv == ["import"] else release_lessons()
    print("updated: " + (", ".join(changed) or "nothing"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
