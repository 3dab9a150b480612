"""nbgrader's autograde step for the coding exercises: the grade comes from a fresh process, never from the kernel.

nbgrader runs a submission in a kernel and scores each autograded test cell from its outputs
(an error scores 0). A submission can make its kernel print anything, so :class:`SandboxGrades`,
placed after ``Execute`` and before ``SaveAutoGrades`` in ``c.Autograde.autograde_preprocessors``
(course/nbgrader_config.py), throws those outputs away. For each checker call of a test cell
(``segtutor.exercises.check_..._function(name)``; nbgrader has restored the cell from its
gradebook) it takes the learner's code from the submitted notebook (:func:`solution_source`),
grades it with :func:`segtutor.exercises._sandbox.grade_in_fresh_process` and writes the
checker's line of feedback as the cell's only output, with an error when nothing passed, so that
nbgrader scores 0, and the points earned when only some of the cell's calls passed.

Nothing here imports nbgrader: the preprocessor is a plain callable, which nbconvert accepts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

__all__ = ["SandboxGrades", "checker_calls", "solution_source"]

NO_CHECKER = "This test cell calls no segtutor coding checker, so it cannot be graded outside the kernel: 0 points."


def _code(source: str) -> str:
    """A cell's Python, IPython's magics and shell lines left out."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def _statements(source: str) -> list[ast.stmt]:
    try:
        return ast.parse(_code(source)).body
    except SyntaxError:
        return []


def checker_calls(source: str) -> list[tuple[str, str]]:
    """The ``(checker, function name)`` of each top-level ``check_...(name)`` call of a test cell, in order.

    Examples
    --------
    >>> checker_calls("segtutor.exercises.check_iou_function(iou_per_class)\\nprint('hi')")
    [('check_iou_function', 'iou_per_class')]
    """
    calls = []
    for statement in _statements(source):
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call) or not call.args or not isinstance(call.args[0], ast.Name):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name.startswith("check_"):
            calls.append((name, call.args[0].id))
    return calls


def _defines(statements: list[ast.stmt], name: str) -> bool:
    for node in statements:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


def solution_source(cells: list[Any], function: str) -> str:
    """The code that defines `function` as the notebook would: its imports, then the last code cell defining it.

    Each top-level import of the notebook's code cells comes first (one that fails is skipped), so
    that the function finds ``np``, ``torch`` or ``segtutor`` as it would in the kernel; then the
    whole last code cell whose top level defines `function`. Other cells never run: a lesson's
    figures and training runs have no place in a grading. Without such a cell, only the imports.

    Examples
    --------
    >>> cells = [{"cell_type": "code", "source": "%matplotlib inline\\nimport numpy as np"},
    ...          {"cell_type": "code", "source": "def f(x):\\n    return np.abs(x)"}]
    >>> print(solution_source(cells, "f"))
    try:
        import numpy as np
    except ImportError:
        pass
    def f(x):
        return np.abs(x)
    """
    code = [cell["source"] for cell in cells if cell["cell_type"] == "code"]
    defining = [source for source in code if _defines(_statements(source), function)]
    body = _code(defining[-1]) if defining else ""
    imports = [ast.unparse(node) for source in code if not defining or source is not defining[-1]
               for node in _statements(source) if isinstance(node, ast.Import | ast.ImportFrom)]
    guarded = [f"try:\n    {line}\nexcept ImportError:\n    pass" for line in dict.fromkeys(imports)]
    return "\n".join([*guarded, body]).strip("\n")


def _is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell["cell_type"] == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SandboxGrades:
    """An nbgrader autograde preprocessor: every autograded test cell's outputs become the fresh process's verdict.

    Parameters
    ----------
    time_limit, memory_limit : optional
        Passed to ``grade_in_fresh_process`` for each exercise.
    grade : callable, optional
        ``grade(checker, source, function, time_limit=..., memory_limit=...)`` returning an object with
        ``passed``, ``status`` and ``feedback``; by default ``grade_in_fresh_process``.
    """

    enabled = True  # nbconvert's flag for registered preprocessors

    def __init__(self, *, time_limit: float = 20.0, memory_limit: int = 2 * 2**30,
                 grade: Callable[..., Any] | None = None) -> None:
        self.time_limit, self.memory_limit, self._grade = time_limit, memory_limit, grade

    def __call__(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        """Replace the outputs of every autograded test cell of `nb`; return `nb` and `resources` as nbconvert expects."""
        from nbformat import from_dict

        for cell in nb.cells:
            if _is_test_cell(cell):
                points = float(cell["metadata"]["nbgrader"].get("points", 0))
                cell.outputs = [from_dict(output) for output in self.outputs(cell.source, nb.cells, points)]
        return nb, resources

    def outputs(self, test_source: str, cells: list[Any], points: float) -> list[dict[str, Any]]:
        """The outputs of one test cell: the feedback lines; an error if nothing passed; the points if only some did."""
        calls = checker_calls(test_source)
        if not calls:
            return [_error("NotGraded", NO_CHECKER)]
        grades = [self._grade_one(checker, solution_source(cells, function), function) for checker, function in calls]
        lines = [grade.feedback for grade in grades]
        outputs: list[dict[str, Any]] = [{"output_type": "stream", "name": "stdout", "text": "\n".join(lines) + "\n"}]
        passed = sum(grade.passed for grade in grades)
        if passed == 0:
            statuses = ", ".join(f"{function}: {grade.status}" for (_, function), grade in zip(calls, grades))
            outputs.append(_error("NotPassed", f"graded in a fresh process: {statuses}"))
        elif passed < len(grades):
            earned = round(points * passed / len(grades), 2)
            outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                            "data": {"text/plain": repr(earned)}})
        return outputs

    def _grade_one(self, checker: str, source: str, function: str) -> Any:
        grade = self._grade
        if grade is None:
            from ._sandbox import grade_in_fresh_process

            grade = grade_in_fresh_process
        try:
            return grade(checker, source, function, time_limit=self.time_limit, memory_limit=self.memory_limit)
        except ValueError as error:  # not a coding checker: nothing to run apart
            return _Failed(f"Not yet. {error}")


class _Failed:
    passed, status = False, "not graded"

    def __init__(self, feedback: str) -> None:
        self.feedback = feedback


def _error(name: str, value: str) -> dict[str, Any]:
    return {"output_type": "error", "ename": name, "evalue": value, "traceback": [f"{name}: {value}"]}
