"""Generate the notebooks' navigation, Colab and Binder badges and Colab install cell, and notebooks/README.md.

Usage::

    .venv/bin/python tools/make_navigation.py          # rewrite what is out of date
    .venv/bin/python tools/make_navigation.py --check  # exit 1 if anything is out of date

The repository URL is read from pyproject.toml ([project.urls] Repository),
the one place it is defined (the website's launch buttons read it too: docs/conf.py). Generated cells carry the tag ``segtutor-generated``
and are replaced on every run. Run times come from each notebook's metadata
``segtutor.cpu_seconds``, written by tools/refresh_notebooks.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TAG = "segtutor-generated"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


def repo_url() -> str:
    """The repository URL, from pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def title(notebook) -> str:
    """The notebook's first level-1 heading, e.g. '01 · From a photo to a class map'."""
    for cell in notebook.cells:
        match = re.search(r"^# (.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if match and TAG not in cell.metadata.get("tags", []):
            return match.group(1).strip()
    raise ValueError("notebook has no '# title' heading")


def goal(notebook) -> str:
    for cell in notebook.cells:
        match = re.search(r"\*\*Goal:\*\*\s*(.+)", cell.source) if cell.cell_type == "markdown" else None
        if match:
            return match.group(1).strip()
    raise ValueError("notebook has no **Goal:** sentence")


def colab_url(path: Path) -> str:
    owner_repo = repo_url().removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{path.name}"


def binder_url(path: Path) -> str:
    """Binder builds the repository from environment.yml and postBuild and opens the notebook in JupyterLab."""
    owner_repo = repo_url().removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_repo}/main?labpath=notebooks%2F{path.name}"


def badges(path: Path) -> str:
    return f"[![Open In Colab]({BADGE})]({colab_url(path)}) [![Launch Binder]({BINDER_BADGE})]({binder_url(path)})"


def install_source() -> str:
    return ("import sys\n\n"
            "if \"google.colab\" in sys.modules:  # only on Colab\n"
            f"    %pip install -q \"segtutor @ git+{repo_url()}\"")


def _nav(paths: list[Path], index: int, titles: dict[Path, str]) -> str:
    parts = []
    if index > 0:
        parts.append(f"← [{titles[paths[index - 1]]}]({paths[index - 1].name})")
    parts.append("[Contents](README.md)")
    if index + 1 < len(paths):
        parts.append(f"[{titles[paths[index + 1]]}]({paths[index + 1].name}) →")
    return " · ".join(parts)


def _generated(cell, old=None):
    """Tag a generated cell; it keeps the id, execution count and outputs of the cell it replaces."""
    cell.metadata["tags"] = [TAG]
    if old is not None and old.cell_type == cell.cell_type:
        cell.id = old.id
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = old.execution_count, old.outputs
    return cell


def with_navigation(notebook, path: Path, paths: list[Path], titles: dict[Path, str]):
    """Return the notebook's cells with fresh generated cells: header (badges and links), Colab install, footer."""
    content = [c for c in notebook.cells if TAG not in c.metadata.get("tags", [])]
    old = [c for c in notebook.cells if TAG in c.metadata.get("tags", [])]
    old = old if len(old) == 4 else [None] * 4
    nav = _nav(paths, paths.index(path), titles)
    header = _generated(nbformat.v4.new_markdown_cell(f"{badges(path)} · {nav}"), old[0])
    note = _generated(nbformat.v4.new_markdown_cell(
        "*Running on Colab?* The next cell installs segtutor there; anywhere else it does nothing."), old[1])
    install = _generated(nbformat.v4.new_code_cell(install_source()), old[2])
    footer = _generated(nbformat.v4.new_markdown_cell(f"---\n{nav}"), old[3])
    return [header, content[0], note, install, *content[1:], footer]


def contents_table(paths: list[Path], notebooks: dict[Path, object]) -> str:
    lines = ["# Contents", "", "Work through the notebooks in order. Run times are measured on a 2-core CPU, offline.", "",
             "| notebook | goal | CPU run time |", "| --- | --- | --- |"]
    for path in paths:
        seconds = notebooks[path].metadata.get("segtutor", {}).get("cpu_seconds")
        time = f"{seconds:.0f} s" if seconds is not None else "not measured"
        lines.append(f"| [{title(notebooks[path])}]({path.name}) | {goal(notebooks[path])} | {time} |")
    return "\n".join(lines) + "\n"


def _sources(cells) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in cells]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = notebook_paths()
    notebooks = {p: nbformat.read(p, as_version=4) for p in paths}
    titles = {p: title(nb) for p, nb in notebooks.items()}
    stale = []
    for path, notebook in notebooks.items():
        cells = with_navigation(notebook, path, paths, titles)
        if _sources(cells) != _sources(notebook.cells):
            stale.append(path.name)
            if not check:
                notebook.cells = cells
                nbformat.write(notebook, path)
    readme = contents_table(paths, notebooks)
    current = (NOTEBOOKS / "README.md").read_text() if (NOTEBOOKS / "README.md").exists() else ""
    if current != readme:
        stale.append("README.md")
        if not check:
            (NOTEBOOKS / "README.md").write_text(readme)
    print(("out of date: " if check else "updated: ") + (", ".join(stale) or "nothing"))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
