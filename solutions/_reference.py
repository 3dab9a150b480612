"""The reference solutions, kept once in course/source/: loaded here as functions, or as code to submit.

``reference(__file__, "transform")`` in solutions/03_preprocessing.py gives notebook 03's reference
``transform``, defined by the code the grader would run for it (:func:`reference_source`: the
notebook's imports, then its solution cell). Needs segtutor and nbformat importable.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import nbformat

from segtutor.exercises._nbgrader import solution_source

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "course" / "source"
LOADER = "from _reference import reference"


def source_notebook(lesson: str) -> Path:
    """The source notebook of the lesson numbered `lesson` ("05"), e.g. course/source/05-argmax/05-argmax.ipynb."""
    found = sorted(SOURCE.glob(f"{lesson}-*/{lesson}-*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"no single source notebook for lesson {lesson} in {SOURCE}: {found}")
    return found[0]


@functools.cache
def reference_source(lesson: str, name: str) -> str:
    """The code that defines the reference `name` of lesson `lesson`: its imports, then its solution cell."""
    return solution_source(nbformat.read(source_notebook(lesson), as_version=4).cells, name)


@functools.cache
def _loaded(lesson: str, name: str):
    namespace: dict = {}
    exec(compile(reference_source(lesson, name), str(source_notebook(lesson)), "exec"), namespace)  # our own reference
    return namespace[name]


def reference(solutions_file: str, name: str):
    """The reference function `name` of the lesson that the file solutions/NN_*.py (its ``__file__``) belongs to."""
    return _loaded(Path(solutions_file).name[:2], name)


def exercise_names(solutions_file: str | Path) -> list[str]:
    """The reference names that a solutions file's ``EXERCISES`` refer to, in order."""
    for node in ast.parse(Path(solutions_file).read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "EXERCISES" for t in node.targets):
            return [entry.elts[1].value for entry in node.value.elts]  # type: ignore[attr-defined]
    return []


def submission_source(solutions_file: str | Path) -> str:
    """A solutions file as code a learner could submit: its references defined first, the loader left out.

    The sandbox (segtutor.exercises._sandbox) can then call the reference or any typical wrong answer by name.
    """
    path = Path(solutions_file)
    lines = path.read_text().split("\n")
    used = [line.split(" = reference(")[0] for line in lines if " = reference(__file__, " in line]
    own = [line for line in lines if line != LOADER and " = reference(__file__, " not in line]
    names = dict.fromkeys([*exercise_names(path), *used])
    return "\n\n".join([*dict.fromkeys(reference_source(path.name[:2], name) for name in names), "\n".join(own)])
