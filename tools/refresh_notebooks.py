"""Execute notebooks and store their outputs, figures included, so that a refresh without a change gives no diff.

Usage::

    .venv/bin/python tools/refresh_notebooks.py               # every notebook
    .venv/bin/python tools/refresh_notebooks.py notebooks/01-*.ipynb
    .venv/bin/python tools/refresh_notebooks.py --no-write    # only run them (tools/colab_check.py does)

Each notebook runs top to bottom in notebooks/ with SEGTUTOR_OFFLINE=1 (as
under the test suite), in a kernel that imports segtutor the way this Python
does (set PYTHONPATH=$PWD to use a work tree's segtutor). Every output is
stored, so the course reads on a repository page, except:

* widgets: their saved state (notebook metadata ``widgets``) and their views
  are dropped; without a kernel they would show only ``Loading widgets...``.
* progress bars written to stderr with carriage returns.

Stored outputs are made deterministic:

* figures are PNGs at :data:`FIGURE_DPI` without matplotlib's ``Software``
  metadata (no version string), from a kernel with ``PYTHONHASHSEED=0``;
  the notebooks seed their own random numbers;
* a cell whose new outputs differ from the stored ones only where
  tests/nbval_sanitize.cfg says outputs may vary (timings, addresses,
  progress) keeps its stored outputs;
* the run time in the notebook's metadata (shown in notebooks/README.md)
  is only updated when outputs changed and the time moved by more than
  :data:`TIME_TOLERANCE`, or with ``--times`` (measure on an idle machine).

Cells that start with ``# NBVAL_CHECK_OUTPUT`` are the ones nbval compares.
"""

from __future__ import annotations

import argparse
import configparser
import copy
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
FIGURE_DPI = 80
"""Resolution of stored figures: a 4-inch panel is 320 pixels wide. Keeps notebooks/ well under 10 MB."""
TIME_TOLERANCE = 0.25
"""Relative change of a notebook's run time below which the stored run time is kept."""
KERNEL_CONFIG = f"""\
c.InlineBackend.print_figure_kwargs = {{"bbox_inches": "tight", "dpi": {FIGURE_DPI}, "metadata": {{"Software": None}}}}
"""


def is_checked(cell) -> bool:
    """Whether nbval compares this cell's outputs."""
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK)


def sanitizers(path: Path = SANITIZE) -> list[tuple[re.Pattern, str]]:
    """The (regex, replacement) pairs of nbval's sanitize file."""
    parser = configparser.ConfigParser()
    parser.read(path)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _sanitized(outputs, rules) -> list:
    """Outputs with their volatile text replaced as nbval would, for comparison only."""
    def clean(value):
        if isinstance(value, str):
            for pattern, replacement in rules:
                value = pattern.sub(replacement, value)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value
    return [clean(dict(output)) for output in outputs]


def _keep(output) -> bool:
    """Whether a fresh output belongs in the stored notebook."""
    if output.get("output_type") in ("display_data", "execute_result") and WIDGET_VIEW in output.get("data", {}):
        return False
    return not (output.get("output_type") == "stream" and output.get("name") == "stderr" and "\r" in output.get("text", ""))


def _coalesced(outputs) -> list:
    """Consecutive stream outputs of the same stream joined into one: how they were split is timing, not content."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if previous is not None and output.get("output_type") == "stream" == previous.get("output_type") \
                and output.get("name") == previous.get("name"):
            previous["text"] = previous["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def clean_outputs(notebook) -> None:
    """Drop widget state and views and progress bars; join split streams; drop output metadata and timings."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = _coalesced([output for output in cell.outputs if _keep(output)])
        for output in cell.outputs:
            if "metadata" in output:
                output["metadata"] = nbformat.NotebookNode()
        cell.metadata.pop("execution", None)


def merge(stored, fresh, *, rules) -> int:
    """Copy fresh outputs into the stored notebook where they really changed; return how many cells changed.

    The two notebooks have the same cells. A cell whose outputs are equal
    after sanitizing keeps its stored outputs and execution count.
    """
    changed = 0
    for old, new in zip(stored.cells, fresh.cells):
        if old.cell_type != "code":
            continue
        if _sanitized(old.outputs, rules) == _sanitized(new.outputs, rules) and old.execution_count == new.execution_count:
            continue
        old.outputs, old.execution_count = new.outputs, new.execution_count
        changed += 1
    stored.metadata.pop("widgets", None)
    return changed


def run_time(stored_seconds, seconds: float, *, changed: bool) -> float:
    """The run time to record.

    The stored one is kept unless the notebook's outputs changed and the new
    time moved by more than TIME_TOLERANCE: on a shared machine the same
    notebook's wall time varies by a factor of two, which is no reason for a diff.
    """
    if stored_seconds is not None and (not changed or abs(seconds - stored_seconds) <= TIME_TOLERANCE * stored_seconds):
        return stored_seconds
    return round(seconds, 1)


def execute(notebook, *, cwd: Path, timeout: int = 600, env: dict | None = None) -> float:
    """Run a notebook in place in a fresh kernel set up for deterministic figures; return seconds taken.

    `env` adds to the kernel's environment.
    """
    with tempfile.TemporaryDirectory() as ipython_dir:
        profile = Path(ipython_dir) / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
        env = {**os.environ, **(env or {}), "SEGTUTOR_OFFLINE": "1", "PYTHONHASHSEED": "0", "IPYTHONDIR": ipython_dir}
        start = time.perf_counter()
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute(env=env)
        return time.perf_counter() - start


def refresh(path: Path, *, timeout: int = 600, times: bool = False) -> tuple[float, int]:
    """Execute one notebook and store its outputs; return seconds taken and the number of cells that changed.

    With `times`, the run time is recorded whatever changed (use it on an idle machine).
    """
    path = Path(path)
    stored = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(stored)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    seconds = execute(fresh, cwd=path.parent, timeout=timeout)
    clean_outputs(fresh)
    clean_outputs(stored)
    changed = merge(stored, fresh, rules=sanitizers())
    recorded = stored.metadata.get("segtutor", {}).get("cpu_seconds")
    recorded = None if times else recorded
    stored.metadata["segtutor"] = {"cpu_seconds": run_time(recorded, seconds, changed=changed > 0)}
    text = nbformat.writes(stored) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return seconds, changed


def _run_one(path: Path, timeout: int, env: dict) -> str:
    """Execute one notebook without writing it; return its report line."""
    notebook = nbformat.read(path, as_version=4)
    try:
        seconds = execute(notebook, cwd=path.parent, timeout=timeout, env=env)
    except Exception as error:  # a failing cell, a timeout, a dead kernel: report it and go on
        return f"{path.name}: FAILED: {type(error).__name__}: {str(error)[-2000:]}"
    return f"{path.name}: ran in {seconds:.1f} s"


def run_only(paths: list[Path], *, timeout: int, jobs: int = 1) -> int:
    """Execute notebooks without writing them, `jobs` at a time; print one line each and a summary; return failures.

    With several jobs, the longest notebooks (by their recorded run time) start
    first, and each kernel gets one thread (OMP_NUM_THREADS=1) so that the
    jobs do not fight over the cores.
    """
    env = {"OMP_NUM_THREADS": "1"} if jobs > 1 else {}
    recorded = {p: nbformat.read(p, as_version=4).metadata.get("segtutor", {}).get("cpu_seconds", 0) for p in paths}
    order = sorted(paths, key=lambda p: -recorded[p]) if jobs > 1 else paths
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, path, timeout, env) for path in order]
        lines = []
        for future in as_completed(futures):
            lines.append(future.result())
            print(lines[-1], flush=True)
    failed = sum(": FAILED: " in line for line in lines)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return failed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Execute notebooks and store their outputs.")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--no-write", action="store_true", help="only execute, and report failures")
    parser.add_argument("--jobs", type=int, default=1, help="with --no-write: notebooks run at once")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may run")
    parser.add_argument("--times", action="store_true", help="record every notebook's run time anew (on an idle machine)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    if args.no_write:
        return 1 if run_only(paths, timeout=args.timeout, jobs=args.jobs) else 0
    for path in paths:
        seconds, changed = refresh(path, timeout=args.timeout, times=args.times)
        print(f"{path.name}: ran in {seconds:.1f} s, {changed} cells with new outputs", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
