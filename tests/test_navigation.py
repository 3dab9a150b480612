"""The generated navigation, Colab and Binder badges and install cell, and notebooks/README.md are up to date and right;
every launch link, in the notebooks and on the website, comes from pyproject.toml's one repository address."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
REPO = "https://github.com/segtutor/segtutor"


def _tool():
    spec = importlib.util.spec_from_file_location("make_navigation", ROOT / "tools" / "make_navigation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _links(markdown: str) -> list[str]:
    """Relative links to notebooks and the contents page (not the Colab URL)."""
    return re.findall(r"\]\(([\w.-]+\.(?:ipynb|md))\)", markdown)


def test_generated_parts_are_up_to_date(capsys):
    assert _tool().main(["--check"]) == 0, capsys.readouterr().out


def test_repository_url_is_read_from_pyproject_only():
    assert _tool().repo_url() == REPO
    others = [ROOT / "README.md", ROOT / "postBuild", ROOT / "environment.yml", ROOT / ".github" / "workflows" / "site.yml"]
    for path in [*others, *ROOT.glob("docs/**/*.*"), *ROOT.glob("segtutor/**/*.py")]:
        assert "segtutor/segtutor" not in path.read_text(), f"{path.name} names the repository URL; it lives in pyproject.toml only"


def test_publishing_elsewhere_rewrites_the_generated_cells_and_keeps_them_run(monkeypatch):
    tool = _tool()
    notebooks = {p: nbformat.read(p, as_version=4) for p in NOTEBOOKS[:2]}
    titles = {p: tool.title(nb) for p, nb in notebooks.items()}
    old_install = next(c for c in notebooks[NOTEBOOKS[0]].cells if c.cell_type == "code")
    monkeypatch.setattr(tool, "repo_url", lambda: "https://github.com/someone/course")
    cells = tool.with_navigation(notebooks[NOTEBOOKS[0]], NOTEBOOKS[0], NOTEBOOKS[:2], titles)
    install = next(c for c in cells if c.cell_type == "code")
    assert '%pip install -q "segtutor @ git+https://github.com/someone/course"' in install.source
    assert "colab.research.google.com/github/someone/course/blob/main/notebooks/01-" in cells[0].source
    assert "(https://mybinder.org/v2/gh/someone/course/main?labpath=notebooks%2F01-" in cells[0].source
    assert (install.id, install.execution_count) == (old_install.id, old_install.execution_count) != (None, None)


@pytest.mark.parametrize("index", range(len(NOTEBOOKS)), ids=[p.name for p in NOTEBOOKS])
def test_previous_contents_next_links(index):
    cells = nbformat.read(NOTEBOOKS[index], as_version=4).cells
    expected = ([NOTEBOOKS[index - 1].name] if index > 0 else []) + ["README.md"]
    expected += [NOTEBOOKS[index + 1].name] if index + 1 < len(NOTEBOOKS) else []
    assert _links(cells[0].source) == expected
    assert _links(cells[-1].source) == expected
    for link in expected:
        assert (ROOT / "notebooks" / link).exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_and_binder_badges_and_install_cell(path):
    cells = nbformat.read(path, as_version=4).cells
    colab = f"https://colab.research.google.com/github/segtutor/segtutor/blob/main/notebooks/{path.name}"
    binder = f"https://mybinder.org/v2/gh/segtutor/segtutor/main?labpath=notebooks%2F{path.name}"
    assert cells[0].source.startswith(f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
                                      f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder}) · ")
    first_code = next(c for c in cells if c.cell_type == "code")
    assert 'if "google.colab" in sys.modules:' in first_code.source
    assert f'%pip install -q "segtutor @ git+{REPO}"' in first_code.source


def test_contents_lists_every_notebook_once_in_order_with_its_run_time():
    rows = [line for line in (ROOT / "notebooks" / "README.md").read_text().splitlines() if line.startswith("| [")]
    assert [_links(row)[0] for row in rows] == [p.name for p in NOTEBOOKS]
    for row in rows:
        assert re.search(r"\| \d+ s \|$", row), row


def _launch_links(text: str) -> list[str]:
    return re.findall(r"https://(?:colab\.research\.google\.com/github|mybinder\.org/v2)/[^)\s\"']+", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_launch_link_in_a_notebook_is_built_from_the_configured_address(path):
    """Whatever pyproject.toml says: every Colab or Binder link anywhere in the notebook is the generated one."""
    tool = _tool()
    links = _launch_links(path.read_text())
    assert links, f"{path.name} has no launch badge"
    assert set(links) == {tool.colab_url(path), tool.binder_url(path)}, links


def test_the_tests_launch_link_pattern_finds_a_stray_address():
    stray = "[![x](b.svg)](https://colab.research.google.com/github/someone/else/blob/main/notebooks/01-a.ipynb)"
    assert _launch_links(stray) == ["https://colab.research.google.com/github/someone/else/blob/main/notebooks/01-a.ipynb"]


def test_the_website_launch_buttons_use_the_configured_address():
    spec = importlib.util.spec_from_file_location("site_conf", ROOT / "docs" / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    options = conf.html_theme_options
    assert options["repository_url"] == _tool().repo_url() == REPO
    assert (options["repository_branch"], options["path_to_docs"]) == ("main", "")  # launch paths: main/notebooks/NN-name.ipynb
    assert options["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
