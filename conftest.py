"""Test-wide setup: the suite never touches the network, and every test gets its markers.

* Python code under test may open sockets only to loopback addresses.
* Notebook kernels (started by nbval) inherit ``SEGTUTOR_OFFLINE=1``, so
  ``segtutor.load_model`` never tries a download from inside a notebook.
* Markers (registered in pyproject.toml): ``notebook`` on nbval's notebook cells, ``browser`` on
  tests/test_browser.py, ``site`` and ``slow`` on tests/test_site.py (it builds the website; its
  browser tests are also ``browser``), ``slow`` on the tests listed in :data:`SLOW`. ``make unit`` runs
  ``pytest -m "not slow and not browser and not notebook"``; ``make test`` runs everything.
"""

import os
import socket

import pytest

os.environ["SEGTUTOR_OFFLINE"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

_LOOPBACK = ("127.", "::1", "localhost")

SLOW = {
    "tests/test_cli.py::test_module_entry_point",
    "tests/test_cli.py::test_evaluate_under_torchrun_with_two_gloo_processes_writes_the_single_process_matrix",
    "tests/test_cache.py::test_read_only_results_feed_the_explorers_consumers_without_a_warning",
    "tests/test_cli.py::test_usage_names_the_command_as_it_was_run",
    "tests/test_loading.py::test_pretrained_path_loads_a_cached_checkpoint",
    "tests/test_loading.py::test_the_cached_file_is_hashed_once_per_process_and_again_when_it_changes",
    "tests/test_project.py::test_make_lab_serves_the_notebooks_folder",
    "tests/test_project.py::test_the_installed_segtutor_script_runs",
    "tests/test_project.py::test_the_segtutor_script_is_the_command_line_and_exits_with_its_status",
    "tests/test_tiny.py::test_held_out_miou_of_the_shipped_model",
    "tests/test_lessons.py::test_superpixel_explorer_follows_the_sliders",
    "tests/test_sandbox.py::test_reference_solution_is_correct_and_a_typical_wrong_answer_gets_its_exact_line",
    "tests/test_sandbox.py::test_monkeypatching_in_the_submission_changes_nothing_in_the_grader",
    "tests/test_sandbox.py::test_printed_correct_lines_and_bytes_on_stdout_and_stderr_earn_nothing",
    "tests/test_sandbox.py::test_bytes_written_into_the_graders_pipes_grade_as_crashed",
    "tests/test_sandbox.py::test_an_endless_loop_times_out",
    "tests/test_sandbox.py::test_unbounded_allocation_is_out_of_memory",
    "tests/test_sandbox.py::test_a_forked_process_is_killed_with_the_learners",
    "tests/test_sandbox.py::test_a_huge_file_is_cut_at_the_file_size_limit",
    "tests/test_sandbox.py::test_code_that_fails_gets_one_clear_line",
    "tests/test_sandbox_learner.py::test_the_proxy_brings_back_in_place_edits_flags_and_a_replaced_layer",
    "tests/test_sandbox.py::test_every_coding_exercise_grades_through_the_sandbox",
    "tests/test_sandbox.py::test_the_command_line_prints_the_grade_as_json",
    "tests/test_sandbox_child.py::test_the_learners_process_starts_isolated",
    "tests/test_sandbox_child.py::test_run_as_a_script_it_loads_the_graders_wire_files_and_leaves_its_folder_off_sys_path",
}
"""Tests (every parametrization) that took about a second or more in
``pytest segtutor tests --ignore=tests/test_browser.py --ignore=tests/test_notebooks.py -p no:randomly --durations=60 -n 2``
on the 2-core CI machine; the rest took under 0.8 s each. Measure again after adding a heavy test."""


LONGEST_FIRST = (
    "tests/test_sandbox.py", "tests/test_browser.py", "notebooks/13-upsampling-and-skips.ipynb",
    "notebooks/11-training-your-own.ipynb", "tests/test_cli.py", "tests/test_site.py", "tests/test_training.py",
    "notebooks/12-transfer-learning.ipynb", "notebooks/15-scoring-a-whole-dataset.ipynb",
    "notebooks/10-interactive-explorer.ipynb", "tests/test_project.py", "tests/test_loading.py",
    "notebooks/07-fcn-vs-deeplabv3.ipynb",
)
"""The files that took 17 s or more (217 s down to 17 s) on one of 2 workers in `make test` on our idle 2-core
machine (each test's start and end, summed per file). They are collected first, in this order, and `make test` keeps that
order (``--no-loadscope-reorder``), so that no long file starts last while the other worker idles; every other file
follows in its usual order. Measure again after adding a heavy file."""

NBVAL_KERNEL = os.environ.get("SEGTUTOR_NBVAL_KERNEL")
"""A kernel spec's name for nbval, instead of this Python (``--nbval-current-env``). CI sets it to the Colab-like
venv's kernel that ``tools/colab_check.py --nbval-kernel`` writes, so that every notebook runs once, there."""


def pytest_configure(config):
    if NBVAL_KERNEL:
        config.option.nbval_current_env = False
        config.option.nbval_kernel_name = NBVAL_KERNEL


def pytest_report_header(config):
    return f"notebooks run in kernel {NBVAL_KERNEL} (SEGTUTOR_NBVAL_KERNEL)" if NBVAL_KERNEL else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark nbval's notebook cells `notebook`, the real-browser tests `browser`, the website's tests `site` and `slow`,
    and the measured tests `slow`; then put the files of :data:`LONGEST_FIRST` first."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: in-file order kept
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
        elif item.path.name == "test_browser.py":
            item.add_marker(pytest.mark.browser)
        elif item.path.name == "test_site.py":
            item.add_marker(pytest.mark.site)
            item.add_marker(pytest.mark.slow)
        if item.nodeid.split("[")[0] in SLOW:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse every non-loopback connection made by the code under test."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family == socket.AF_UNIX or str(host).startswith(_LOOPBACK):
            return real_connect(sock, address)
        raise OSError(f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
