"""The reference solutions (course/source) pass their checkers; each typical wrong answer (solutions/) gets its own line of feedback."""

import doctest
import importlib.util
import inspect
import sys
from pathlib import Path

import nbformat
import pytest

import segtutor
from segtutor import exercises
from segtutor.exercises._common import NOT_A_FUNCTION, NOT_ATTEMPTED

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
SEEDS = [0, 1, 12345]  # fixed seeds; the checkers' own default draws fresh inputs on every call


if str(SOLUTIONS) not in sys.path:
    sys.path.insert(0, str(SOLUTIONS))  # solutions/_reference.py loads the references from course/source
from _reference import reference, reference_source, source_notebook, submission_source  # noqa: E402


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"solutions_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FILES = sorted(SOLUTIONS.glob("[0-9][0-9]_*.py"))
EXERCISES = [(path.stem, checker, reference(path, name), mistakes)
             for path in FILES for checker, name, mistakes in getattr(_load(path), "EXERCISES", [])]
IDS = [f"{stem}-{checker}" for stem, checker, _, _ in EXERCISES]
CODING = {checker: (solution, mistakes) for _, checker, solution, mistakes in EXERCISES}
"""(reference solution, [(typical wrong answer, its exact feedback line)]) of each coding checker: the one copy
of each reference is in course/source (loaded by solutions/_reference.py), of each wrong answer in solutions/,
and every test reads them from here."""


def test_every_coding_checker_has_a_tested_solution():
    coding = {name for name in exercises.__all__ if name.startswith("check_")
              and "function" in inspect.signature(getattr(exercises, name)).parameters}
    assert coding == {checker for _, checker, _, _ in EXERCISES}
    # one solution file for each of the notebooks 01 to 13, the capstone's, and notebook 15's
    assert [path.name[:2] for path in FILES] == [f"{n:02d}" for n in range(1, 16)]


@pytest.mark.parametrize(("stem", "checker", "solution", "mistakes"), EXERCISES, ids=IDS)
def test_solution_passes_and_each_mistake_gets_its_feedback(stem, checker, solution, mistakes, capsys):
    check = getattr(exercises, checker)
    for seed in SEEDS:
        assert check(solution, seed=seed) is True
        assert capsys.readouterr().out.startswith("Correct! ")
        for wrong, line in mistakes:
            assert check(wrong, seed=seed) is False, wrong.__name__
            assert capsys.readouterr().out == line + "\n", wrong.__name__
    assert check(solution) is True  # fresh inputs
    assert len({line for _, line in mistakes}) == len(mistakes)  # every mistake has its own feedback


@pytest.mark.parametrize(("stem", "checker", "solution", "mistakes"), EXERCISES, ids=IDS)
def test_untouched_stub_is_not_attempted_yet(stem, checker, solution, mistakes, capsys):
    def stub(*args, **kwargs):
        raise NotImplementedError  # your code here

    assert getattr(exercises, checker)(stub) is False
    assert capsys.readouterr().out == NOT_ATTEMPTED + "\n"


@pytest.mark.parametrize(("stem", "checker", "solution", "mistakes"), EXERCISES, ids=IDS)
def test_docstring_example_quotes_a_typical_wrong_answer_or_the_stub(stem, checker, solution, mistakes):
    """help(checker) shows a wrong answer: the stub, or one of the typical wrong answers kept here, with its line."""
    examples = doctest.DocTestParser().get_examples(getattr(exercises, checker).__doc__)
    shown = [e.want.splitlines()[0] for e in examples if e.source.startswith(checker + "(")]
    assert shown and set(shown) <= {NOT_ATTEMPTED} | {line for _, line in mistakes}, shown


@pytest.mark.parametrize("checker", sorted({checker for _, checker, _, _ in EXERCISES}))
def test_a_crashing_function_or_a_call_result_gets_one_line_not_a_traceback(checker, capsys):
    def crashes(*args, **kwargs):
        return 1 / 0

    check = getattr(exercises, checker)
    assert check(crashes, seed=0) is False
    assert capsys.readouterr().out.startswith("Not yet. ")
    assert check(None) is False  # the function called instead of passed
    assert capsys.readouterr().out == "Not yet. " + NOT_A_FUNCTION.format("NoneType") + "\n"


def test_checkers_draw_fresh_inputs_on_every_call(monkeypatch):
    seen = []
    real = exercises.argmax._LOGIT_SHAPES

    def record(logits):
        seen.append(logits.clone())
        return logits.argmax(dim=1)

    assert exercises.check_class_map_function(record) and exercises.check_class_map_function(record)
    first, second = seen[: len(real)], seen[len(real):]
    assert [tuple(t.shape) for t in first] == [tuple(t.shape) for t in second]
    assert not all(a.equal(b) for a, b in zip(first, second))
    seen.clear()
    exercises.check_class_map_function(record, seed=7), exercises.check_class_map_function(record, seed=7)
    assert all(a.equal(b) for a, b in zip(seen[: len(real)], seen[len(real):]))


def test_checker_leaves_global_random_state_alone():
    import numpy as np
    import torch

    # The legacy global generator on purpose: it is the state a checker must leave alone.
    np.random.seed(5), torch.manual_seed(5)  # noqa: NPY002
    expected = np.random.random(), torch.rand(1)  # noqa: NPY002
    np.random.seed(5), torch.manual_seed(5)  # noqa: NPY002
    exercises.check_pipeline(reference(SOLUTIONS / "01_pipeline.py", "segment_image"))
    assert (np.random.random(), torch.rand(1)) == expected  # noqa: NPY002


def test_solutions_are_plain_functions_with_the_stub_signature():
    for _, checker, solution, mistakes in EXERCISES:
        names = list(inspect.signature(solution).parameters)
        for wrong, _ in mistakes:
            assert list(inspect.signature(wrong).parameters) == names, (checker, wrong.__name__)
    assert segtutor.exercises is exercises


def test_each_reference_is_kept_once_in_its_source_notebook_between_the_solution_markers():
    """solutions/ defines no reference; the source notebook's solution cell does, and the grader's source defines it."""
    for path in FILES:
        names = [name for _, name, _ in getattr(_load(path), "EXERCISES", [])]
        defined = {line.split("(")[0].removeprefix("def ") for line in path.read_text().splitlines() if line.startswith("def ")}
        assert not defined & set(names), path.name
        for name in names:
            source = reference_source(path.name[:2], name)
            assert f"def {name}(" in source and "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
            assert reference(path, name).__code__.co_filename == str(source_notebook(path.name[:2]))


def test_a_solutions_file_as_a_submission_defines_its_wrong_answers_with_the_reference_they_call():
    namespace = {}
    exec(submission_source(SOLUTIONS / "03_preprocessing.py"), namespace)
    assert "reference" not in namespace and namespace["transform"].__name__ == "transform"
    assert exercises.check_seed_transform(namespace["adds_batch_axis"], seed=0) is False
    assert exercises.check_seed_transform(namespace["transform"], seed=0) is True


@pytest.fixture(scope="module")
def capstone():
    return _load(SOLUTIONS / "14_capstone.py")


@pytest.fixture(scope="module")
def capstone_report(capstone):
    return capstone.build_report()


def test_capstone_reference_report_meets_every_criterion(capstone_report, capsys):
    assert exercises.check_capstone(capstone_report) is True
    out = capsys.readouterr().out
    assert out.startswith("Correct! tiny reaches mIoU ") and f"scene {capstone_report['failure']}" in out
    # the reported numbers, recomputed independently from the confusion matrix
    labels = exercises.capstone_set()[1]
    matrix = segtutor.confusion_matrix(capstone_report["predictions"], labels, num_classes=5)
    tp = matrix.diagonal()
    assert capstone_report["miou"] == pytest.approx((tp / (matrix.sum(0) + matrix.sum(1) - tp)).mean())


def test_capstone_mistakes_get_their_criterion(capstone, capstone_report, capsys):
    for mistake, line in capstone.MISTAKES:
        assert exercises.check_capstone(mistake(capstone_report)) is False, mistake.__name__
        assert capsys.readouterr().out == line + "\n", mistake.__name__


def test_capstone_placeholders_and_seed(capsys):
    assert exercises.check_capstone({"model": "tiny", "predictions": None}) is False
    assert "missing: miou, per_class_iou, failure" in capsys.readouterr().out
    # the held-out seed is drawn nowhere else: no other notebook, test, script or module names it
    seed = str(exercises.CAPSTONE_SEED)
    root = SOLUTIONS.parent

    def source(path):  # a notebook's code, not its stored outputs (base64 figures hold any digits)
        if path.suffix == ".py":
            return path.read_text()
        return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")

    users = [p.relative_to(root).as_posix() for folder in ("notebooks", "tests", "scripts", "segtutor", "benchmarks")
             for p in (root / folder).rglob("*") if p.suffix in (".py", ".ipynb") and seed in source(p)]
    assert users == ["segtutor/exercises/capstone.py"]
