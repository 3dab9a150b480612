"""The learner's process: isolated and limited, it loads the grader's own wire format and nothing of segtutor's."""

from segtutor.exercises import Grade, _sandbox_child, _sandbox_decode, _sandbox_wire, grade_in_fresh_process


def _grade(source: str, **options) -> Grade:
    return grade_in_fresh_process("check_majority_function", source, "majority_class", seed=0, **options)


def test_the_learners_process_starts_isolated():
    source = ("import os, sys, resource\ndef majority_class(labels, ignore_index=255):\n"
              "    raise ValueError(repr((sys.flags.isolated, os.getsid(0) == os.getpid(), os.getcwd().split('/')[-1][:15],"
              " resource.getrlimit(resource.RLIMIT_DATA)[0], resource.getrlimit(resource.RLIMIT_NPROC)[0])))\n")
    expected = repr((1, True, "segtutor-grade-", 2**30, 0))
    assert _grade(source, memory_limit=2**30) == Grade(False, "wrong", f"Not yet. Your function raised ValueError: {expected}")


def test_imported_it_uses_the_packages_wire_format():
    assert _sandbox_child.wire is _sandbox_wire and _sandbox_child.decode is _sandbox_decode
    assert _sandbox_decode.wire is _sandbox_wire


def test_run_as_a_script_it_loads_the_graders_wire_files_and_leaves_its_folder_off_sys_path():
    source = ("import sys\ndef majority_class(labels, ignore_index=255):\n    raise ValueError(repr(("
              "[p for p in sys.path if p.rstrip('/').endswith('exercises')], sorted(m for m in sys.modules "
              "if 'sandbox' in m or m.split('.')[0] == 'segtutor'), sys.modules['_sandbox_wire'].__file__, "
              "sys.modules['_sandbox_decode'].__file__)))\n")
    expected = repr(([], ["_sandbox_decode", "_sandbox_wire"], _sandbox_wire.__file__, _sandbox_decode.__file__))
    assert _grade(source) == Grade(False, "wrong", f"Not yet. Your function raised ValueError: {expected}")
