"""The nbgrader autograde step (segtutor.exercises._nbgrader): a test cell's outputs become the fresh process's verdict."""

import nbformat
import pytest

from segtutor.exercises._nbgrader import NO_CHECKER, SandboxGrades, checker_calls, solution_source


class FakeGrade:
    def __init__(self, passed, status, feedback):
        self.passed, self.status, self.feedback = passed, status, feedback


def _notebook(solution, test, *, points=1):
    grade = {"grade": True, "grade_id": "test", "locked": True, "points": points, "schema_version": 3, "solution": False,
             "task": False}
    answer = {"grade": False, "grade_id": "answer", "locked": False, "schema_version": 3, "solution": True, "task": False}
    cells = [nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nimport segtutor"),
             nbformat.v4.new_code_cell(solution, metadata={"nbgrader": answer}),
             nbformat.v4.new_code_cell(test, metadata={"nbgrader": grade})]
    # what the learner's kernel printed: a tampering submission can make it say anything
    cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="Correct! (printed by the submission)\n")]
    return nbformat.v4.new_notebook(cells=cells)


def _score(cell):
    """nbgrader's own score of an autograded cell (the instructor extra; skipped without it)."""
    return pytest.importorskip("nbgrader.utils").determine_grade(cell)


def _recorder(verdicts):
    calls = []

    def grade(checker, source, function, **limits):
        calls.append((checker, source, function, limits))
        return verdicts[checker]

    return grade, calls


def test_checker_calls_reads_each_top_level_checker_call_of_a_test_cell():
    source = ("segtutor.exercises.check_confusion_function(confusion)\nexercises.check_iou_function(iou)\n"
              "check_dice_function(dice)\nprint(check_x)\nx = segtutor.exercises.check_top_k_function(top_k)\n%time 1")
    assert checker_calls(source) == [("check_confusion_function", "confusion"), ("check_iou_function", "iou"),
                                     ("check_dice_function", "dice")]
    assert checker_calls("this is not python(") == []


def test_solution_source_is_the_notebooks_imports_then_the_last_cell_defining_the_function():
    cells = [nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np\nfrom PIL import Image\nx = np.zeros(3)"),
             nbformat.v4.new_markdown_cell("import os"),
             nbformat.v4.new_code_cell("def f(a):\n    raise NotImplementedError  # your code here"),
             nbformat.v4.new_code_cell("import torch\n\ndef f(a):\n    return np.abs(a)  # the learner's own cell\n!ls")]
    assert solution_source(cells, "f") == ("try:\n    import numpy as np\nexcept ImportError:\n    pass\n"
                                           "try:\n    from PIL import Image\nexcept ImportError:\n    pass\n"
                                           "import torch\n\ndef f(a):\n    return np.abs(a)  # the learner's own cell")
    assert solution_source(cells, "g") == ("try:\n    import numpy as np\nexcept ImportError:\n    pass\n"
                                           "try:\n    from PIL import Image\nexcept ImportError:\n    pass\n"
                                           "try:\n    import torch\nexcept ImportError:\n    pass")


def test_a_passing_exercise_replaces_the_kernels_output_with_the_feedback_line():
    grade, calls = _recorder({"check_class_map_function": FakeGrade(True, "correct", "Correct! Your class maps match.")})
    nb = _notebook("def to_class_map(logits):\n    return logits.argmax(dim=1)",
                   "segtutor.exercises.check_class_map_function(to_class_map)")
    out, resources = SandboxGrades(grade=grade, time_limit=5.0, memory_limit=2**30)(nb, {"x": 1})
    assert out is nb and resources == {"x": 1}
    assert nb.cells[2].outputs == [nbformat.v4.new_output("stream", name="stdout", text="Correct! Your class maps match.\n")]
    (checker, source, function, limits), = calls
    assert (checker, function, limits) == ("check_class_map_function", "to_class_map", {"time_limit": 5.0, "memory_limit": 2**30})
    assert source.endswith("def to_class_map(logits):\n    return logits.argmax(dim=1)") and "import segtutor" in source
    assert nb.cells[0].outputs == [] and nb.cells[1].outputs == []  # only autograded test cells change


def test_a_failing_exercise_gets_an_error_so_that_nbgrader_scores_0_whatever_the_kernel_printed():
    stub = "Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again."
    grade, _ = _recorder({"check_class_map_function": FakeGrade(False, "not attempted", stub)})
    nb = _notebook("def to_class_map(logits):\n    raise NotImplementedError  # your code here",
                   "segtutor.exercises.check_class_map_function(to_class_map)")
    kernel = nbformat.from_dict(nb.cells[2])
    SandboxGrades(grade=grade)(nb, {})
    stream, error = nb.cells[2].outputs
    assert stream.text == stub + "\n"
    assert (error.output_type, error.ename, error.evalue) == ("error", "NotPassed",
                                                              "graded in a fresh process: to_class_map: not attempted")
    assert _score(kernel) == (1, 1)  # what nbgrader alone would give: the kernel said Correct!
    assert _score(nb.cells[2]) == (0, 1)


def test_a_cell_with_several_exercises_earns_the_points_of_those_that_passed():
    grade, calls = _recorder({"check_confusion_function": FakeGrade(True, "correct", "Correct! matrix"),
                              "check_iou_function": FakeGrade(False, "wrong", "Not yet. iou"),
                              "check_dice_function": FakeGrade(False, "timed out", "Not yet. slow")})
    nb = _notebook("def confusion(p, t):\n    pass\n\n\ndef iou(p, t):\n    pass\n\n\ndef dice(p, t):\n    pass",
                   "segtutor.exercises.check_confusion_function(confusion)\nsegtutor.exercises.check_iou_function(iou)\n"
                   "segtutor.exercises.check_dice_function(dice)", points=3)
    SandboxGrades(grade=grade)(nb, {})
    assert [c[2] for c in calls] == ["confusion", "iou", "dice"]
    assert nb.cells[2].outputs[0].text == "Correct! matrix\nNot yet. iou\nNot yet. slow\n"
    assert _score(nb.cells[2]) == (1.0, 3)
    grade, _ = _recorder({name: FakeGrade(True, "correct", "Correct!") for name in
                          ("check_confusion_function", "check_iou_function", "check_dice_function")})
    SandboxGrades(grade=grade)(nb, {})
    assert _score(nb.cells[2]) == (3, 3) and len(nb.cells[2].outputs) == 1


def test_a_test_cell_without_a_checker_call_scores_0_and_says_why():
    grade, calls = _recorder({})
    nb = _notebook("def f():\n    pass", "assert True")
    SandboxGrades(grade=grade)(nb, {})
    assert calls == [] and nb.cells[2].outputs[0].evalue == NO_CHECKER
    assert _score(nb.cells[2]) == (0, 1)


def test_a_checker_the_grader_refuses_scores_0_with_its_message():
    def grade(checker, source, function, **limits):
        raise ValueError(f"`checker` must name a coding checker of segtutor.exercises, e.g. 'check_majority_function', got {checker!r}")

    nb = _notebook("answer = 3", "segtutor.exercises.check_resize_size(answer)")
    SandboxGrades(grade=grade)(nb, {})
    assert nb.cells[2].outputs[0].text == ("Not yet. `checker` must name a coding checker of segtutor.exercises, "
                                           "e.g. 'check_majority_function', got 'check_resize_size'\n")
    assert nb.cells[2].outputs[1].ename == "NotPassed"


def test_the_default_grader_is_the_fresh_process():
    sandbox = pytest.importorskip("segtutor.exercises._sandbox")
    nb = _notebook("def majority_class(labels, ignore_index=255):\n    raise NotImplementedError  # your code here",
                   "segtutor.exercises.check_majority_function(majority_class)")
    SandboxGrades()(nb, {})
    assert nb.cells[2].outputs[0].text.startswith("Not attempted yet")
    assert sandbox.grade_in_fresh_process.__module__ == "segtutor.exercises._sandbox"
