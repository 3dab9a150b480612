"""`make classroom-check`: a class of fictional students through nbgrader, end to end, in a temporary copy of course/.

Usage::

    .venv/bin/python tools/classroom_check.py            # needs segtutor's instructor extra (nbgrader)
    .venv/bin/python tools/classroom_check.py --keep DIR # leave the graded course in DIR to look at
    .venv/bin/python tools/classroom_check.py --copies 4 # each student 4 times (ada1..ada4, ...): a bigger class to time

It runs ``nbgrader generate_assignment`` for every lesson and checks that the release equals
notebooks/ (as tools/course.py check does). Then, for each lesson in :data:`LESSONS` (light ones,
so that autograding is quick), it writes one submission per student into
``submitted/<student>/<lesson>/`` and runs ``nbgrader autograde``, ``nbgrader export`` (CSV) and
``nbgrader generate_feedback``. The students (:data:`STUDENTS`):

* ``ada``: the reference solution, from the source notebook;
* ``ben``: the untouched stub;
* ``cy``: a typical wrong answer from solutions/;
* ``dee``: tampers with the kernel: replaces the checker, ``numpy``'s and ``torch``'s comparisons,
  ``print`` and ``sys.modules``'s checker module, prints fake "Correct!" lines, and returns garbage;
* ``eve``: loops forever.

It asserts each student's exact points in the CSV (full for ada, 0 for every other student),
and that each feedback page shows that student's exact line of feedback ("not attempted" for
ben) and never the reference solution. It prints how long autograding took.
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "solutions"))

import course  # noqa: E402

LESSONS = {"05-argmax": ("to_class_map", "squeezes")}
"""Each lesson graded: (the learner's function, the typical wrong answer from solutions/ that student cy submits)."""
STUDENTS = ("ada", "ben", "cy", "dee", "eve")
NOT_ATTEMPTED = "Not attempted yet"

TAMPER = '''import builtins
import sys

import numpy as np
import torch

import segtutor


def {function}(*args, **kwargs):
    return torch.zeros(1)  # garbage


FAKE = "Correct! Your answer matches on every input tried."
_print = builtins.print
builtins.print = lambda *args, **kwargs: _print(FAKE)
for name in dir(segtutor.exercises):
    if name.startswith("check_"):
        setattr(segtutor.exercises, name, lambda *args, **kwargs: print(FAKE) or True)
sys.modules["segtutor.exercises"] = segtutor.exercises
np.allclose = np.array_equal = lambda *args, **kwargs: True
torch.equal = torch.allclose = lambda *args, **kwargs: True
sys.stdout.write(FAKE + "\\n")
'''
HANG = '''def {function}(*args, **kwargs):
    while True:
        pass
'''


def _nbgrader(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}  # nbgrader runs `alembic`
    subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=cwd, env=env, check=True)


def _solution_cell(notebook, function: str):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution") and f"def {function}(" in c.source)


def reference_cell(lesson: str, function: str) -> str:
    """The source notebook's solution cell, markers left out: what a student who solved it submits."""
    cell = _solution_cell(nbformat.read(course.source_path(lesson), as_version=4), function)
    return "\n".join(line for line in cell.source.split("\n") if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def wrong_cell(lesson: str, function: str, wrong: str) -> str:
    """The typical wrong answer `wrong` of solutions/NN_*.py, submitted as the learner's `function`."""
    text = course.solutions_file(lesson).read_text()
    if "reference(__file__" in text:
        raise SystemExit(f"{lesson}: pick a lesson whose wrong answers do not call the reference")
    return f"{text}\n\n{function} = {wrong}\n"


def submissions(lesson: str, function: str, wrong: str) -> dict[str, str]:
    """Each student's solution cell."""
    stub = _solution_cell(nbformat.read(ROOT / "notebooks" / f"{lesson}.ipynb", as_version=4), function).source
    return {"ada": reference_cell(lesson, function), "ben": stub, "cy": wrong_cell(lesson, function, wrong),
            "dee": TAMPER.format(function=function), "eve": HANG.format(function=function)}


def expected_lines(lesson: str, function: str, wrong: str) -> dict[str, list[str]]:
    """Lines each student's feedback page must show."""
    path = course.solutions_file(lesson)
    module = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), module)  # our own solutions file
    (_, _, mistakes), = [e for e in module["EXERCISES"] if e[1] == function]
    line = dict((w.__name__, text) for w, text in mistakes)[wrong]
    return {"ada": ["Correct! "], "ben": [NOT_ATTEMPTED], "cy": [line], "dee": ["Not yet. ", "NotPassed"], "eve": ["time limit", "NotPassed"]}


def write_submissions(root: Path, lesson: str, cells: dict[str, str], copies: int = 1) -> None:
    release = root / "release" / lesson / f"{lesson}.ipynb"
    for student, source in _class(cells, copies).items():
        notebook = nbformat.read(release, as_version=4)
        function = LESSONS[lesson][0]
        _solution_cell(notebook, function).source = source
        folder = root / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{lesson}.ipynb")
        (folder / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")


def _class(by_kind: dict, copies: int) -> dict:
    """{student id: their kind's value}: each kind once as itself, or `copies` times numbered (ada1, ada2, ...)."""
    return by_kind if copies == 1 else {f"{kind}{i}": value for kind, value in by_kind.items() for i in range(1, copies + 1)}


def check_scores(csv_path: Path, lesson: str, copies: int = 1) -> list[str]:
    rows = {row["student_id"]: row for row in csv.DictReader(csv_path.open()) if row["assignment"] == lesson}
    problems = []
    for student, kind in _class({s: s for s in STUDENTS}, copies).items():
        expected = float(rows[student]["max_score"]) if kind == "ada" else 0.0
        if float(rows[student]["score"]) != expected:
            problems.append(f"{lesson}/{student}: {rows[student]['score']} points, expected {expected}")
    return problems


def check_feedback(root: Path, lesson: str, function: str, wrong: str, copies: int = 1) -> list[str]:
    problems = []
    reference = [line.strip() for line in reference_cell(lesson, function).split("\n")[1:] if line.strip()
                 and not line.strip().startswith(('"""', "#"))]
    for student, lines in _class(expected_lines(lesson, function, wrong), copies).items():
        page = html.unescape(re.sub(r"<[^>]+>", "", (root / "feedback" / student / lesson / f"{lesson}.html").read_text()))
        problems += [f"{lesson}/{student}: feedback lacks {line!r}" for line in lines if line not in page]
        if not student.startswith("ada"):  # ada submitted the reference; nobody else's page may show it
            problems += [f"{lesson}/{student}: feedback shows the reference {r!r}" for r in reference if r in page]
    return problems


def run(root: Path, copies: int = 1) -> int:
    shutil.copytree(course.COURSE, root, ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback",
                                                                       "gradebook.db", "__pycache__"))
    _nbgrader(["generate_assignment", "[0-9][0-9]-*", "--force"], root)  # every lesson: its release must be notebooks/
    stale = course.differences(root / "release")
    if stale:
        print("notebooks/ differ from the release of course/source: " + ", ".join(stale) + " (tools/course.py release)")
        return 1
    problems = []
    for lesson, (function, wrong) in LESSONS.items():
        write_submissions(root, lesson, submissions(lesson, function, wrong), copies)
        start = time.perf_counter()
        _nbgrader(["autograde", lesson, "--force"], root)
        print(f"{lesson}: autograded {len(STUDENTS) * copies} students in {time.perf_counter() - start:.1f} s", flush=True)
        _nbgrader(["export", "--to", str(root / "grades.csv")], root)
        _nbgrader(["generate_feedback", lesson, "--force"], root)
        problems += check_scores(root / "grades.csv", lesson, copies) + check_feedback(root, lesson, function, wrong, copies)
    print("\n".join(problems) or f"classroom check passed: {len(STUDENTS) * copies} students, {len(LESSONS)} lessons")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Release, submit, autograde, export and feed back a fictional class.")
    parser.add_argument("--keep", type=Path, help="grade in this new folder and leave it there")
    parser.add_argument("--copies", type=int, default=1, help="submit each of the five students this many times")
    args = parser.parse_args(argv)
    if args.keep:
        return run(args.keep, args.copies)
    with tempfile.TemporaryDirectory(prefix="segtutor-class-") as tmp:
        return run(Path(tmp) / "course", args.copies)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
