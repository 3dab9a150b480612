"""The course website: `make site`'s Sphinx build, checked offline, then opened in a real browser.

The site is built once per session, with `make site`'s own flags (warnings are errors), into a
temporary folder. Every test here is marked `site` and `slow` (conftest.py); the browser tests are
also `browser`, and are skipped only where /usr/bin/chromium is absent. The browser never leaves
127.0.0.1: requests elsewhere (the Colab and Binder badge pictures) are refused. Screenshots go to
site/_screens/ (git-ignored), which CI keeps as artefacts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .servers import ROOT, running

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENS = ROOT / "site" / "_screens"
no_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is absent (/usr/bin/chromium): apt-get install chromium")


def _makefile_sphinx_flags() -> list[str]:
    """The Sphinx options of the Makefile's `site` target, up to its source and output folders."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "-m sphinx " in line)
    return line.split("-m sphinx ")[1].split()[:-2]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built as `make site` builds it (its flags, read from the Makefile), into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    flags = _makefile_sphinx_flags()
    flags[flags.index("-d") + 1] = str(out / "doctrees")
    result = subprocess.run([sys.executable, "-m", "sphinx", *flags, ".", str(out / "html")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "html"


class _Page(HTMLParser):
    """The ids of a page, and the URLs its links, images, scripts and style sheets point to."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(attrs[key] for key in ("id", "name") if attrs.get(key) and (key == "id" or tag == "a"))
        for key in ("href", "src"):
            if attrs.get(key) is not None and tag in ("a", "img", "link", "script", "source"):
                self.urls.append(attrs[key])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    """Every relative link, image, script or style sheet under `site` that does not resolve, anchors included."""
    # _static/ holds the theme's Jinja macro files (webpack-macros.html), copied as they are: templates, not pages.
    pages = {path: _parse(path) for path in site.rglob("*.html") if "_static" not in path.relative_to(site).parts}
    broken = []
    for path, page in pages.items():
        for url in page.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue  # external: Colab, Binder, the repository
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            target = target / "index.html" if target.is_dir() else target
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {url} (no file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{path.relative_to(site)}: {url} (no such anchor)")
    return broken


def test_the_link_check_finds_a_missing_file_and_a_missing_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">x</h1><img src="../pic.png"><a href="#top">ok</a>')
    (tmp_path / "pic.png").write_bytes(b"")
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "macros.html").write_text('<link href="{{ pathto(x) }}">')  # a theme's template, not a page
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="a/index.html#top">ok</a><a href="https://x.org/y">ok</a>'
                                         '<a href="a/index.html#gone">bad</a><img src="_images/gone.png"><a href="#nowhere">bad</a>')
    assert sorted(broken_links(tmp_path)) == ["index.html: #nowhere (no such anchor)", "index.html: _images/gone.png (no file)",
                                              "index.html: a/index.html#gone (no such anchor)"]


def test_internal_links_and_images_resolve(site):
    assert broken_links(site) == []


def test_every_lesson_the_contents_the_readme_and_the_architecture_are_pages_in_order(site):
    for page in ["index.html", "docs/index.html", "README.html", "docs/architecture.html", "notebooks/README.html", "search.html"]:
        assert (site / page).is_file(), page
    front = (site / "docs" / "index.html").read_text()
    lessons = re.findall(r'href="\.\./notebooks/(\d\d-[\w-]+)\.html"', front)  # the sidebar, in the toctree's order
    assert list(dict.fromkeys(lessons)) == NOTEBOOKS
    for previous, lesson in zip(NOTEBOOKS, NOTEBOOKS[1:]):
        html = (site / "notebooks" / f"{lesson}.html").read_text()
        assert re.search(rf'class="left-prev"\s+href="{previous}\.html"', html), f"{lesson}'s page does not link back to {previous}"


def test_every_lesson_page_has_colab_and_binder_launch_buttons_to_its_notebook(site):
    repository = _navigation().repo_url().removeprefix("https://github.com/")
    for name in NOTEBOOKS:
        html = (site / "notebooks" / f"{name}.html").read_text()
        assert f"https://colab.research.google.com/github/{repository}/blob/main/notebooks/{name}.ipynb" in html
        assert f"https://mybinder.org/v2/gh/{repository}/main?urlpath=lab/tree/notebooks/{name}.ipynb" in html


def _navigation():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_navigation", ROOT / "tools" / "make_navigation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def served(site, tmp_path_factory):
    """The built site over HTTP on 127.0.0.1, as GitHub Pages would serve it."""
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site), "{port}"]
    with running(command, tmp_path=tmp_path_factory.mktemp("server"), ready_path="/index.html", timeout=30) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, base: str, path: str):
    """A page at `path`, every request outside the local server refused, once its images have finished."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base + "/") else route.abort())
    page.goto(f"{base}/{path}")
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)", timeout=30_000)
    return page


_FIGURES = "() => Array.from(document.querySelectorAll('.cell_output img')).map(img => [img.getAttribute('src'), img.naturalWidth])"


@no_chromium
@pytest.mark.browser
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_lesson_page_shows_its_figures(browser, served, name):
    """Every lesson stores at least one figure (or a still in a widget's place), and each picture loads."""
    page = _open(browser, served, f"notebooks/{name}.html")
    figures = page.evaluate(_FIGURES)
    if name.startswith("08-"):
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / "lesson-08-metrics.png"), full_page=False)
    page.close()
    assert figures, f"{name}'s page shows no figure"
    assert [src for src, width in figures if width == 0] == [], "figures that did not load"


@no_chromium
@pytest.mark.browser
def test_the_explorer_page_shows_its_stored_view(browser, served):
    """Notebook 10's page shows the explorer's first view without a kernel: a stored picture that loads."""
    page = _open(browser, served, "notebooks/10-interactive-explorer.html")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "lesson-10-explorer.png"), full_page=True)
    views = [width for _, width in page.evaluate(_FIGURES)]
    page.close()
    assert views and min(views) > 0, f"natural widths of the stored views: {views}"


@no_chromium
@pytest.mark.browser
def test_search_finds_confusion_matrix(browser, served):
    page = _open(browser, served, "search.html?q=confusion+matrix")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30_000)  # Sphinx's search script fills the list in after the page has loaded
    hrefs = [link.get_attribute("href") for link in results.all()]
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "search-confusion-matrix.png"), full_page=False)
    page.close()
    assert any(href.startswith("notebooks/08-metrics.html") for href in hrefs), hrefs
