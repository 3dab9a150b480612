"""Sphinx configuration of the course website (`make site`).

The source directory is the repository root (`sphinx-build -c docs . site`), so the pages are
the files themselves, with no copies or links: `include_patterns` picks the lessons, the course
contents, the README and docs/. Notebooks are rendered from their stored outputs and never run
(`nb_execution_mode = "off"`). The repository address, and with it the Colab and Binder launch
buttons, comes from pyproject.toml's [project.urls] Repository, the address the notebooks' own
badges use (tools/make_navigation.py).
"""

from __future__ import annotations

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]

project = "segtutor"
author = "segtutor developers"
copyright = "segtutor developers"

extensions = ["myst_nb"]
root_doc = "docs/index"
include_patterns = ["README.md", "docs/*.md", "notebooks/README.md", "notebooks/[0-9][0-9]-*.ipynb"]
exclude_patterns = ["site", "build", ".venv*", "**/.ipynb_checkpoints"]
templates_path = ["_templates"]

# Stored outputs only: a page shows what the notebook stored, and the build runs no kernel.
nb_execution_mode = "off"
myst_heading_anchors = 3
# The notebooks link each other as `NN-name.ipynb` and the contents as `README.md`: myst turns them into page links.
myst_enable_extensions = ["colon_fence"]
suppress_warnings = ["myst.header"]  # the README's and lessons' first heading is level 1, later ones may skip levels

html_theme = "sphinx_book_theme"
html_title = "segtutor: semantic segmentation, one notebook at a time"
# The site's front page is docs/index.html; site/index.html sends the browser there.
html_additional_pages = {"index": "redirect.html"}
html_context = {"redirect_to": "docs/index.html"}
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "",  # the source directory is the repository root
    "use_repository_button": True,
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "show_navbar_depth": 1,
}
html_show_sourcelink = False
html_last_updated_fmt = None


def _outputs_beside_the_doctrees(app) -> None:
    """myst-nb writes the notebooks' output files beside the site (`jupyter_execute/` at the repository root);
    put them beside Sphinx's doctrees instead (`make site`: build/site-outputs)."""
    folder = Path(app.doctreedir).parent / "site-outputs"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app):
    app.connect("builder-inited", _outputs_beside_the_doctrees, priority=900)  # after myst-nb's own handler (500)
