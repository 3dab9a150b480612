"""grade_in_fresh_process: the learner's code runs in its own limited process, the checker and the verdict in ours."""

import builtins
import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import segtutor
from segtutor import exercises
from segtutor.exercises import Grade, grade_in_fresh_process
from segtutor.exercises._common import NOT_ATTEMPTED
from tests.test_solutions import EXERCISES, SOLUTIONS, submission_source

MAJORITY = "check_majority_function"
REFERENCE = submission_source(SOLUTIONS / "02_what_is_a_segmentation.py")


def _grade(source: str, **options) -> Grade:
    return grade_in_fresh_process(MAJORITY, source, "majority_class", seed=0, **options)


def test_it_is_in_the_exercises_namespace_not_the_top_level():
    assert exercises.grade_in_fresh_process is grade_in_fresh_process and "Grade" in exercises.__all__
    assert not hasattr(segtutor, "grade_in_fresh_process") and "grade_in_fresh_process" not in segtutor.__all__


def test_only_a_coding_checker_and_a_python_name_are_accepted():
    with pytest.raises(ValueError, match=r"`checker` must name a coding checker of segtutor.exercises.*got 'check_dice'"):
        grade_in_fresh_process("check_dice", REFERENCE, "majority_class")  # a checker of a number, not of a function
    with pytest.raises(ValueError, match=r"`checker` must name a coding checker.*got '__import__'"):
        grade_in_fresh_process("__import__", REFERENCE, "majority_class")
    with pytest.raises(ValueError, match=r"`function` must be a Python name, got 'os.system'"):
        grade_in_fresh_process(MAJORITY, REFERENCE, "os.system")
    with pytest.raises(TypeError, match=r"`source` must be a str of Python code, got bytes"):
        grade_in_fresh_process(MAJORITY, b"def f(): pass", "f")
    with pytest.raises(ValueError, match=r"`time_limit` must be > 0 and `memory_limit` at least 512 MiB, got 0 and"):
        grade_in_fresh_process(MAJORITY, REFERENCE, "majority_class", time_limit=0)


def test_reference_solution_is_correct_and_a_typical_wrong_answer_gets_its_exact_line():  # (g), (h)
    assert _grade(REFERENCE) == Grade(True, "correct", "Correct! Your function finds the majority class on every map "
                                                       "tried, whatever the ignore_index, and ties go to the smaller id.")
    assert grade_in_fresh_process(MAJORITY, REFERENCE, "counts_void", seed=0) == Grade(False, "wrong", "Not yet. Your function returns 255 on a map that is mostly void (255), "
                                 "ignore_index=255: leave pixels equal to ignore_index out of the vote.")


def test_untouched_stub_is_not_attempted():  # (f)
    stub = "def majority_class(labels, ignore_index=255):\n    raise NotImplementedError  # your code here\n"
    assert _grade(stub) == Grade(False, "not attempted", NOT_ATTEMPTED)


TAMPERING = '''
import builtins, sys, numpy
import segtutor.exercises as exercises
exercises.check_iou_function = lambda *args, **kwargs: True
exercises._common._close = lambda *args: True
numpy.allclose = lambda *args, **kwargs: True
builtins.print = lambda *args, **kwargs: None
sys.modules["segtutor.exercises"] = None

def iou_per_class(pred, target, num_classes, ignore_index=255):
    numpy.allclose = lambda *args, **kwargs: True
    return numpy.zeros(num_classes)
'''


def test_monkeypatching_in_the_submission_changes_nothing_in_the_grader():  # (a)
    allclose, printing, module = np.allclose, builtins.print, sys.modules["segtutor.exercises"]
    grade = grade_in_fresh_process("check_iou_function", TAMPERING, "iou_per_class", seed=0)
    assert (grade.passed, grade.status) == (False, "wrong") and grade.feedback.startswith("Not yet. ")
    assert (np.allclose, builtins.print, sys.modules["segtutor.exercises"]) == (allclose, printing, module)
    assert exercises.check_iou_function.__module__ == "segtutor.exercises.metrics"


FAKE_OUTPUT = '''
import os, sys
print("Correct! Your function finds the majority class on every map tried.")
sys.stderr.write("Correct!\\n")
os.write(1, b"Correct! \\x00\\xff")
os.write(2, b"Correct! \\x00\\xff")

def majority_class(labels, ignore_index=255):
    print("Correct!")
    os.write(1, b"\\nCorrect! all done\\n")
    return 255
'''


def test_printed_correct_lines_and_bytes_on_stdout_and_stderr_earn_nothing(capfd):  # (b)
    grade = _grade(FAKE_OUTPUT)
    assert grade == Grade(False, "wrong", "Not yet. Your function returns 255 on a map whose most frequent id is "
                                          "its smallest: leave pixels equal to ignore_index out of the vote.")
    assert capfd.readouterr() == ("", "")  # nothing of the learner's reaches the grader's output


def test_bytes_written_into_the_graders_pipes_grade_as_crashed():  # (b), fd 3 and up
    source = ("import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'Correct! ' * 8)\n"
              "    except OSError:\n        pass\n" + REFERENCE)
    assert _grade(source) == Grade(False, "crashed", "Not yet. The grader could not read your function's answer: "
                                                     "it is too long.")


def test_an_endless_loop_times_out():  # (c)
    source = "def majority_class(labels, ignore_index=255):\n    while True:\n        pass\n"
    assert _grade(source, time_limit=2) == Grade(False, "timed out", "Not yet. Your function ran past the 2 s time limit.")
    assert _grade("while True:\n    pass\n", time_limit=1.5) == Grade(False, "timed out",
                                                                       "Not yet. Your code ran past the 1.5 s time limit.")


@pytest.mark.parametrize("allocation", ["chunks = []\n    while True:\n        chunks.append(bytearray(2**26))",
                                        "return numpy.ones(2**31)", "return torch.ones(2**31)"])
def test_unbounded_allocation_is_out_of_memory(allocation):  # (d)
    source = f"import numpy, torch\ndef majority_class(labels, ignore_index=255):\n    {allocation}\n"
    assert _grade(source, memory_limit=2**30) == Grade(False, "out of memory",
                                                       "Not yet. Your function used more than 1 GiB of memory.")


def test_a_forked_process_is_killed_with_the_learners(tmp_path):  # (e)
    pid_file = tmp_path / "pid"
    source = (f"import os, time\ndef majority_class(labels, ignore_index=255):\n    if os.fork() == 0:\n"
              f"        open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n        while True:\n"
              f"            time.sleep(1)\n    time.sleep(1)\n    return 255\n")
    grade = _grade(source)
    assert (grade.passed, grade.status) == (False, "wrong")  # as root the fork succeeds; otherwise RLIMIT_NPROC refuses it
    if pid_file.exists():
        status = Path(f"/proc/{pid_file.read_text()}/status")
        for _ in range(100):  # killed at once; init reaps the orphan soon after
            if not status.exists() or "zombie" in status.read_text():
                break
            time.sleep(0.1)
        assert not status.exists() or "zombie" in status.read_text()


def test_a_huge_file_is_cut_at_the_file_size_limit(tmp_path):  # (e)
    big = tmp_path / "big"
    source = (f"def majority_class(labels, ignore_index=255):\n    with open({str(big)!r}, 'wb') as f:\n"
              f"        f.write(bytes(2**25))\n    return 0\n")
    assert _grade(source) == Grade(False, "wrong", "Not yet. Your function raised OSError: [Errno 27] File too large")
    assert big.stat().st_size <= 16 * 2**20


@pytest.mark.parametrize(("source", "grade"), [
    ("def majority_class(labels:\n", Grade(False, "crashed", "Not yet. Your code raised SyntaxError: '(' was never closed "
                                                             "(<your code>, line 1)")),
    ("def majority(labels, ignore_index=255):\n    return 0\n", Grade(False, "wrong", "Not yet. Your code did not define "
                                                                                   "`majority_class`.")),
    ("majority_class = 3\n", Grade(False, "wrong", "Not yet. Your code defines `majority_class`, but not as a function.")),
    ("import os\ndef majority_class(labels, ignore_index=255):\n    os._exit(3)\n",
     Grade(False, "crashed", "Not yet. Your code ended its Python process (exit code 3) before it answered.")),
    ("import sys\ndef majority_class(labels, ignore_index=255):\n    sys.exit(0)\n",
     Grade(False, "wrong", "Not yet. Your function raised SystemExit: 0")),
])
def test_code_that_fails_gets_one_clear_line(source, grade):
    assert _grade(source) == grade


@pytest.mark.parametrize(("stem", "checker", "solution", "mistakes"), EXERCISES, ids=[e[1] for e in EXERCISES])
def test_every_coding_exercise_grades_through_the_sandbox(stem, checker, solution, mistakes):
    """The reference gets "correct", the first typical wrong answer its exact line, and the stub "not attempted"."""
    source = submission_source(SOLUTIONS / f"{stem}.py")
    assert grade_in_fresh_process(checker, source, solution.__name__, seed=1).status == "correct"
    wrong, line = mistakes[0]
    assert grade_in_fresh_process(checker, source, wrong.__name__, seed=1) == Grade(False, "wrong", line)


def test_the_command_line_prints_the_grade_as_json(tmp_path, capsys):
    from segtutor.exercises._sandbox import main

    (tmp_path / "answer.py").write_text(REFERENCE)
    assert main([MAJORITY, str(tmp_path / "answer.py"), "counts_void", "--seed", "0"]) == 0
    assert json.loads(capsys.readouterr().out) == {"passed": False, "status": "wrong", "feedback": "Not yet. Your function "
                                                   "returns 255 on a map that is mostly void (255), ignore_index=255: leave "
                                                   "pixels equal to ignore_index out of the vote."}
