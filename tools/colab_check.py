"""Colab-like check: install segtutor as a Colab user would, then run every notebook offline.

Usage::

    python3 tools/colab_check.py [--venv .venv-colab] [--timeout 300]
    python3 tools/colab_check.py --nbval-kernel build/colab-kernel   # CI: nbval runs the notebooks

1. A fresh venv gets what Colab preinstalls and segtutor must not disturb:
   the classic ``notebook==6.5.7``, ``ipywidgets==7.7.1`` and the torch pair
   pinned in constraints/test.txt (not its lint tools' pins: see :func:`colab_pins`).
2. segtutor's wheel is built (``pip wheel --no-deps``, from a copy of the work tree
   without its venvs and build outputs) and installed from the
   file with its declared dependencies, as ``pip install segtutor`` would.
   That install must keep notebook, ipywidgets, torch and torchvision at
   their versions and must not add JupyterLab, Voila or notebook 7.
3. Every notebook runs top to bottom in that venv's kernel with nbclient,
   ``SEGTUTOR_OFFLINE=1``, a per-cell timeout and no PYTHONPATH, from a copy in
   a temporary folder: the kernel imports the installed wheel, not this work tree.
   Two notebooks run at once, each kernel on one thread (``--jobs``).

   With ``--nbval-kernel DIR`` (CI), step 3 is nbval's instead: the tool writes a kernel spec
   on that venv's Python into ``DIR/kernels/`` and stops, and ``make test`` runs every notebook
   through nbval in that kernel (conftest.py, ``SEGTUTOR_NBVAL_KERNEL``), stored outputs
   compared, so that CI runs each notebook once, not twice.

It prints how long each step took and ends with one line ``N passed, N failed``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLAB = {"notebook": "6.5.7", "ipywidgets": "7.7.1"}
"""What Colab preinstalls and segtutor's install must leave alone."""
FORBIDDEN = ("jupyterlab", "voila")
"""Packages segtutor's runtime install must not add."""


TORCH_PAIR = ("torch", "torchvision")
UNPACKAGED = (".git", ".venv*", "build", "dist", "site", "test-output", "*.egg-info", "__pycache__", ".*_cache")
"""What the wheel's build copies of the work tree leave out: venvs, build outputs and caches."""


def pins(path: Path = ROOT / "constraints" / "test.txt") -> dict[str, str]:
    """The ``name==version`` lines of a constraints file."""
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return dict(line.split("==") for line in lines if "==" in line)


def colab_pins(path: Path = ROOT / "constraints" / "test.txt") -> dict[str, str]:
    """The pins a Colab-like venv gets: the torch pair only (the lint tools' pins are for the test venv)."""
    return {name: version for name, version in pins(path).items() if name in TORCH_PAIR}


def parse_freeze(text: str) -> dict[str, str]:
    """``pip list --format=freeze`` output as {normalized name: version}."""
    packages = {}
    for line in text.splitlines():
        if "==" in line:
            name, version = line.strip().split("==", 1)
            packages[name.lower().replace("_", "-")] = version
    return packages


def install_problems(before: dict[str, str], after: dict[str, str], *, kept: dict[str, str]) -> list[str]:
    """What segtutor's install did that it must not: changed a kept package, or added a forbidden one.

    Examples
    --------
    >>> install_problems({"notebook": "6.5.7"}, {"notebook": "7.2.0", "jupyterlab": "4.2.0"}, kept={"notebook": "6.5.7"})
    ['notebook changed from 6.5.7 to 7.2.0', 'jupyterlab 4.2.0 was added']
    """
    problems = [f"{name} changed from {before.get(name)} to {after.get(name)}"
                for name, version in kept.items() if after.get(name) != version]
    problems += [f"{name} {after[name]} was added" for name in FORBIDDEN if name in after and name not in before]
    return problems


def _run(command: list, **kwargs) -> str:
    print("+", " ".join(map(str, command)), flush=True)
    return subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE, **kwargs).stdout


def _freeze(python: Path) -> dict[str, str]:
    return parse_freeze(_run([python, "-m", "pip", "list", "--format=freeze"]))


def _step(name: str, start: float) -> float:
    now = time.perf_counter()
    print(f"[colab-check] {name}: {now - start:.0f} s", flush=True)
    return now


KERNEL_NAME = "segtutor-colab"
"""The kernel spec ``--nbval-kernel`` writes; conftest.py hands it to nbval when ``SEGTUTOR_NBVAL_KERNEL`` names it."""


def write_kernel_spec(folder: Path, python: Path) -> Path:
    """Write ``folder/kernels/segtutor-colab/kernel.json``: a kernel on `python`, which ignores PYTHONPATH (``-E``).

    With ``JUPYTER_PATH=folder``, Jupyter finds it. Started in notebooks/, as nbval starts it, its
    ``import segtutor`` finds the installed wheel, never the work tree.
    """
    kernel = Path(folder).resolve() / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-E", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Colab-like venv)", "language": "python"}, indent=1) + "\n")
    return kernel / "kernel.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-colab")
    parser.add_argument("--timeout", type=int, default=300, help="seconds one cell may run")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (the CI machine has 2 cores)")
    parser.add_argument("--nbval-kernel", type=Path, metavar="DIR",
                        help="instead of running the notebooks, write the kernel spec segtutor-colab (this venv's "
                             "Python) into DIR/kernels/, for nbval to run them (CI: see conftest.py)")
    args = parser.parse_args(argv)
    venv = args.venv.resolve()
    python = venv / "bin" / "python"
    kept = {**COLAB, **colab_pins()}
    start = begin = time.perf_counter()
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", venv])
    _run([python, "-m", "pip", "install", "-q", *(f"{name}=={version}" for name, version in kept.items())])
    start = _step("fresh venv with " + ", ".join(f"{n}=={v}" for n, v in kept.items()), start)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # from a copy: a setuptools build writes build/ and *.egg-info into its source, and CI runs this beside
        # `make install`, whose editable install writes there too
        source = shutil.copytree(ROOT, work / "source", ignore=shutil.ignore_patterns(*UNPACKAGED))
        _run([python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", source])
        wheel = next((work / "dist").glob("segtutor-*.whl"))
        before = _freeze(python)
        _run([python, "-m", "pip", "install", "-q", wheel])
        after = _freeze(python)
        added = sorted(set(after) - set(before))
        print("segtutor's install added:", ", ".join(f"{n}=={after[n]}" for n in added))
        problems = install_problems(before, after, kept=kept)
        if problems:
            print("[colab-check] segtutor's install disturbed the Colab environment: " + "; ".join(problems))
            return 1
        start = _step("segtutor wheel built and installed, nothing Colab has was changed", start)
        copy = shutil.copytree(ROOT / "notebooks", work / "notebooks")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        imported = _run([python, "-c", "import segtutor; print(segtutor.__file__)"], cwd=copy, env=env).strip()
        if not Path(imported).is_relative_to(venv):
            print(f"[colab-check] the kernel would import segtutor from {imported}, not from the installed wheel")
            return 1
        if args.nbval_kernel:
            spec = write_kernel_spec(args.nbval_kernel, python)
            print(f"[colab-check] the notebooks run under nbval, in `make test`: kernel {KERNEL_NAME} ({spec})")
            return 0
        result = subprocess.run([python, ROOT / "tools" / "refresh_notebooks.py", "--no-write", "--jobs", str(args.jobs),
                                 "--timeout", str(args.timeout), *sorted(copy.glob("[0-9][0-9]-*.ipynb"))],
                                cwd=work, env=env)
    _step("notebooks", start)
    _step("total", begin)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
