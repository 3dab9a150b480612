"""The nbgrader course (tools/course.py): course/source is up to date with notebooks/, and notebooks/ are its release."""

import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _tool():
    spec = importlib.util.spec_from_file_location("course_tool", ROOT / "tools" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _tool()


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def test_every_lesson_has_its_source_notebook_and_import_would_change_nothing():
    assert sorted(p.name for p in (ROOT / "course" / "source").iterdir()) == [p.stem for p in LESSONS]
    for path in LESSONS:
        stored = (ROOT / "course" / "source" / path.stem / path.name).read_text()
        assert nbformat.writes(course.source_notebook(path)) + "\n" == stored, f"{path.name}: run tools/course.py import"


def test_each_coding_exercise_is_a_solution_cell_and_a_locked_test_cell_worth_a_point_per_checker():
    found = {}
    for path in sorted((ROOT / "course" / "source").glob("*/*.ipynb")):
        for cell in _cells(path):
            meta = cell.metadata.get("nbgrader")
            if meta:
                found.setdefault(path.stem, []).append((meta["grade_id"], meta["solution"], meta["grade"], meta["locked"],
                                                        meta.get("points")))
    assert found["05-argmax"] == [("solution_to_class_map", True, False, False, None),
                                  ("test_to_class_map", False, True, True, 1)]
    assert found["08-metrics"][1] == ("test_confusion_iou_per_class_dice_per_class", False, True, True, 3)
    assert "14-capstone" not in found  # its report is graded by hand (docs/teaching.md)
    assert len(found) == 14


def test_the_learners_notebooks_hold_the_stub_and_never_a_solution():
    for path in LESSONS:
        source = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in _cells(course.source_path(path.stem))}
        for cell in _cells(path):
            assert course.BEGIN not in cell.source and course.END not in cell.source, path.name
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                blocks = course.solution_blocks(source[meta["grade_id"]])
                assert cell.source.count(course.STUB) == len(blocks) > 0, path.name
                for block in blocks.values():
                    assert all(line not in cell.source for line in block.split("\n") if line.strip()), path.name


def test_with_solutions_puts_each_reference_between_the_markers_at_the_stubs_indentation():
    stub = 'def f(x):\n    """Doc."""\n    raise NotImplementedError  # your code here\n\n\ndef g(x):\n    raise NotImplementedError  # your code here'
    source, done = course.with_solutions(stub, {"f": "    return x", "g": "    y = x\n    return y"}, "05-argmax")
    assert done == ["f", "g"]
    assert source == ('def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\n\n'
                      "def g(x):\n    ### BEGIN SOLUTION\n    y = x\n    return y\n    ### END SOLUTION")
    assert course.solution_blocks(source) == {"f": "    return x", "g": "    y = x\n    return y"}


def test_import_refuses_an_exercise_without_a_reference():
    stub = "def nowhere(x):\n    raise NotImplementedError  # your code here"
    with pytest.raises(SystemExit, match=r"05-argmax: no reference solution for nowhere: neither course/source nor "
                                         r"solutions/05_\*.py defines it"):
        course.with_solutions(stub, {}, "05-argmax")


def test_import_takes_a_new_exercises_reference_from_solutions_and_says_to_remove_it_there(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "SOLUTIONS", tmp_path)
    (tmp_path / "99_probe.py").write_text('def transform(image):\n    """Doc."""\n    return image  # the reference\n')
    stub = "def transform(image):\n    raise NotImplementedError  # your code here"
    source, done = course.with_solutions(stub, {}, "99-probe")
    assert source == "def transform(image):\n    ### BEGIN SOLUTION\n    return image  # the reference\n    ### END SOLUTION"
    assert capsys.readouterr().out == ("99-probe: took transform from 99_probe.py; remove it there, course/source now "
                                       "holds it (solutions/README.md)\n")


def test_the_config_stub_is_the_stub_the_notebooks_show():
    config = (ROOT / "course" / "nbgrader_config.py").read_text()
    assert f'c.ClearSolutions.code_stub = {{"python": "{course.STUB}"}}' in config
    assert "SandboxGrades(" in config and config.index("LimitOutput,") < config.index("SandboxGrades(") < config.index(
        "SaveAutoGrades,")


@pytest.mark.slow
def test_notebooks_equal_what_nbgrader_generate_assignment_makes():
    pytest.importorskip("nbgrader")
    assert course.differences() == []


def test_comparable_sees_a_changed_source_or_nbgrader_metadata_but_not_outputs():
    notebook = nbformat.read(LESSONS[4], as_version=4)
    before = course.comparable(notebook)
    changed = json.loads(json.dumps(notebook))
    changed = nbformat.from_dict(changed)
    for cell in changed.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert course.comparable(changed) == before
    changed.cells[-2].metadata["nbgrader"]["points"] = 2
    assert course.comparable(changed) != before
