"""Real-browser tests: JupyterLab, Voila and the classic notebook on loopback, driven by Playwright in Debian's
headless Chromium, at 1280x720. Each fails on any error in the browser's console.

The classic notebook is Colab's: notebook 6.5.7 with ipywidgets 7.7.1. Its server runs from a venv of its own
(``SEGTUTOR_CLASSIC_VENV``, else built once into a temporary folder: notebook 6.5.7, widgetsnbextension 3.6.1 and
ipyevents' nbextension), and its kernel is this venv's Python with ipywidgets 7.7.1 first on its path
(``.venv/ipywidgets7``, as ``make test`` builds it, else built the same way into a temporary folder).

Skipped, with the reason shown in the summary, only where /usr/bin/chromium is absent
(.ci/run installs it). Screenshots go to test-output/browser/.
"""

import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .servers import ROOT, TOKEN, running

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = "10-interactive-explorer.ipynb"
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="chromium is absent (/usr/bin/chromium): apt-get install chromium to run browser tests")


VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _wait_for_change(locator, before: bytes, *, timeout: float = 120) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        locator.scroll_into_view_if_needed()
        after = locator.screenshot()
        if after != before:
            return after
        time.sleep(0.5)
    raise AssertionError(f"the rendered picture did not change within {timeout} s")


def _select(page, label: str, option_label_start: str) -> None:
    select = page.locator(f".widget-dropdown:has(label:text-is('{label}')) select").first
    options = select.locator("option").all_text_contents()
    select.select_option(label=next(o for o in options if o.startswith(option_label_start)))


def _wait_for_text(locator, start: str, *, timeout: float = 120) -> str:
    """Wait until the readout starts with `start` (a regular expression)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        locator.scroll_into_view_if_needed()  # JupyterLab leaves cells out of view unrendered
        text = locator.inner_text()
        if re.match(start, text):
            return text
        time.sleep(0.5)
    raise AssertionError(f"the readout did not start with {start!r} within {timeout} s; it reads {text!r}")


def _probe_with_a_slider(page, readout) -> None:
    """Type a row into the row slider's readout: the probe's readout follows (every front end, Colab's included)."""
    field = page.locator(".widget-slider:has(label:text-is('row')) .widget-readout").first
    field.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    _wait_for_text(readout, r"pixel: row 123, column 225\b")


def _probe_with_a_click(page, picture, readout, *, image_width: int) -> None:
    """Click the picture: ipyevents sends the pixel under the mouse, in the picture's own pixels."""
    natural_width, natural_height, width, height = picture.evaluate(
        "el => [el.naturalWidth, el.naturalHeight, el.width, el.height]")
    x, y = int(width * 0.25), int(height * 0.75)
    factor = natural_width // image_width
    row, col = round(y / height * natural_height) // factor, round(x / width * natural_width) // factor
    picture.click(position={"x": x, "y": y})
    text = _wait_for_text(readout, r"pixel: row (?!123,)")  # the row the slider set has changed
    shown = tuple(map(int, re.match(r"pixel: row (\d+), column (\d+)", text).groups()))
    assert abs(shown[0] - row) <= 1 and abs(shown[1] - col) <= 1, (shown, (row, col))  # the browser rounds sub-pixels


def _console(page, errors: list[str] | None = None) -> list[str]:
    """Collect the page's console errors and uncaught exceptions into `errors`, as they come.

    Only one kind is left out, as no fault of segtutor's: a resource that the front end itself asks of another host
    (JupyterLab's news, say), which this offline machine cannot reach. Everything from the server is kept.
    """
    errors = [] if errors is None else errors

    def console(message) -> None:
        url = (message.location or {}).get("url", "")
        elsewhere = message.text.startswith("Failed to load resource: net::ERR_NAME_NOT_RESOLVED") and \
            not url.startswith("http://127.0.0.1")
        if message.type == "error" and not elsewhere:
            errors.append(f"console: {message.text} ({url})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors


_COUNT_AGREEMENT = """el => {
    const canvas = document.createElement("canvas");
    canvas.width = el.naturalWidth; canvas.height = el.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(el, 0, 0);
    const third = Math.floor(el.naturalWidth / 3);
    const data = context.getImageData(2 * third, 0, third, el.naturalHeight).data;
    const counts = {"40,170,70": 0, "220,50,50": 0, "160,160,160": 0};
    for (let i = 0; i < data.length; i += 4) {
        const key = data[i] + "," + data[i + 1] + "," + data[i + 2];
        if (key in counts) counts[key] += 1;
    }
    return [counts["40,170,70"], counts["220,50,50"], counts["160,160,160"]];
}"""


def _check_the_agreement_ignores_unseen_pixels(page) -> None:
    """In the comparison, model A = tiny and the seed's 224 crop: the sentence's share is the agreement panel's green
    among its green and red, and the grey (unseen) pixels count for nothing."""
    status = page.locator(".segtutor-agreement").first
    status.scroll_into_view_if_needed()
    _select(page, "model A", "tiny")
    _wait_for_text(status, r"A: [\d.]+ s · B")
    page.locator(".widget-toggle-button:text-is('seed: 224 crop')").nth(1).click()
    text = _wait_for_text(status, r".*both models saw \((4|5)\d% of the picture")
    share, seen = map(float, re.search(r"agree on ([\d.]+)% of the pixels both models saw \((\d+)% of the picture", text).groups())
    picture = page.locator("img.widget-image[style*='900px']").first
    picture.scroll_into_view_if_needed()
    time.sleep(1)
    green, red, grey = picture.evaluate(_COUNT_AGREEMENT)
    assert grey > 0.3 * (green + red + grey), (green, red, grey)  # the border outside the crop, unseen
    assert abs(100 * green / (green + red) - share) < 1.5, (green, red, share)  # the crosshair hides a few pixels
    assert abs(100 * (green + red) / (green + red + grey) - seen) < 1.5, (green, red, grey, seen)


def _check_the_probe_stands_beside_the_picture(page, picture, readout) -> None:
    """At 1280x720, with the picture's top at the window's top, the probe's readout is in the window, beside it."""
    picture.evaluate("el => el.scrollIntoView({block: 'start'})")
    time.sleep(0.5)
    shown, probe = picture.bounding_box(), readout.bounding_box()
    assert probe["x"] >= shown["x"] + shown["width"] - 1, (shown, probe)  # to its right
    assert shown["y"] - 1 <= probe["y"] and probe["y"] + probe["height"] <= VIEWPORT["height"], (shown, probe)


def test_explorer_in_jupyterlab_changes_picture_with_model_and_image(tmp_path, browser):
    notebooks = shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")  # JupyterLab autosaves: not into the repo
    command = [str(Path(sys.prefix) / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", "--port={port}", f"--IdentityProvider.token={TOKEN}",
               "--LabApp.expose_app_in_browser=True", f"--notebook-dir={notebooks}"]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with running(command, tmp_path=tmp_path, ready_path=f"/api/status?token={TOKEN}") as (base, _):
        page = browser.new_page(viewport=VIEWPORT)
        errors = _console(page)
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={TOKEN}")
        page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                               " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
                               " return k && k.status === 'idle'; }", timeout=120_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        picture = page.locator("img.widget-image").first
        picture.wait_for(timeout=120_000)
        picture.scroll_into_view_if_needed()
        time.sleep(1)
        first = picture.screenshot()
        _select(page, "model", "lraspp_mobilenet_v3_large")  # 5 classes down to fewer: the class list shrinks
        second = _wait_for_change(picture, first)
        _select(page, "image", "chelsea")
        _wait_for_change(picture, second)
        page.screenshot(path=str(OUTPUT / "explorer-jupyterlab.png"))
        readout = page.locator(".segtutor-probe").first
        _wait_for_text(readout, r"pixel: row 150, column 225\b")  # a new image: the probe starts at its centre
        _check_the_probe_stands_beside_the_picture(page, picture, readout)
        _probe_with_a_slider(page, readout)
        if importlib.util.find_spec("ipyevents") is None:
            print("ipyevents is not installed: the probe was driven by its slider only")
        else:
            _probe_with_a_click(page, picture, readout, image_width=451)
            page.screenshot(path=str(OUTPUT / "explorer-probe-click.png"))
        _check_the_agreement_ignores_unseen_pixels(page)
        page.screenshot(path=str(OUTPUT / "comparison-jupyterlab.png"), full_page=True)
    assert errors == [], "\n".join(sorted(set(errors)))


VOILA_LOADS = 3
"""Page loads in the Voila test. Each runs lesson 10 in a fresh kernel (about 30 s on a busy 2-core machine): issue 7
saw half of all first loads stall after ``interact`` cells, and three loads catch a stall that frequent 7 times in 8
(ten loads took 306 s of `make test` on our 2-core machine, where CI has 15 minutes in all)."""


def test_voila_serves_the_explorer_on_every_load(tmp_path, browser):
    command = [str(Path(sys.prefix) / "bin" / "voila"), f"notebooks/{NOTEBOOK}", "--no-browser",
               "--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.allow_root=True",
               # JupyterLab extensions of other packages in the venv (nbgrader's, and notebook 7's that it brings) are
               # not for Voila, and its page logs their failure to load
               '--VoilaConfiguration.extension_denylist=["@jupyter-notebook/lab-extension", "@jupyter/nbgrader"]']
    OUTPUT.mkdir(parents=True, exist_ok=True)
    loaded, errors = [], []
    with running(command, tmp_path=tmp_path, ready_path="/voila/static/voila.js") as (base, _):
        for attempt in range(VOILA_LOADS):
            page = browser.new_page(viewport=VIEWPORT)
            _console(page, errors)
            start = time.monotonic()
            page.goto(base + "/", timeout=120_000)
            page.locator("img.widget-image").first.wait_for(timeout=120_000)
            loaded.append(time.monotonic() - start)
            if attempt == 0:
                page.locator(".segtutor-agreement:has-text('both models saw')").first.wait_for(timeout=120_000)
                _check_the_agreement_ignores_unseen_pixels(page)
                page.screenshot(path=str(OUTPUT / "explorer-voila.png"), full_page=True)
            page.close()
    print(f"Voila page loads: {len(loaded)}/{VOILA_LOADS}, seconds: {', '.join(f'{s:.1f}' for s in loaded)}")
    assert len(loaded) == VOILA_LOADS
    assert errors == [], "\n".join(sorted(set(errors)))


# --- the classic notebook, as on Colab: notebook 6.5.7 and ipywidgets 7.7.1 ---

def _pip(python: Path, *arguments: str) -> None:
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *arguments], check=True)


@pytest.fixture(scope="session")
def classic_notebook(tmp_path_factory) -> Path:
    """A venv whose ``jupyter notebook`` is the classic 6.5.7 with ipywidgets 7's and ipyevents' nbextensions."""
    given = os.environ.get("SEGTUTOR_CLASSIC_VENV")
    if given:
        return Path(given)
    venv = tmp_path_factory.mktemp("classic") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    ipyevents = importlib.metadata.version("ipyevents")
    _pip(venv / "bin" / "python", "notebook==6.5.7", "widgetsnbextension==3.6.1", f"ipyevents=={ipyevents}")
    for step in ("install", "enable"):  # ipyevents' wheel ships its nbextension without installing it
        subprocess.run([str(venv / "bin" / "jupyter"), "nbextension", step, "--py", "--sys-prefix", "ipyevents"],
                       check=True, capture_output=True)
    return venv


@pytest.fixture(scope="session")
def ipywidgets7(tmp_path_factory) -> Path:
    """ipywidgets 7.7.1 for the kernel: ``make test``'s ``.venv/ipywidgets7``, else the same built in a temporary folder."""
    built = Path(sys.prefix) / "ipywidgets7"
    if (built / "ipywidgets").is_dir():
        return built
    target = tmp_path_factory.mktemp("ipywidgets7")
    _pip(Path(sys.executable), "--no-deps", "--target", str(target), "ipywidgets==7.7.1", "ipython-genutils==0.2.0")
    return target


def test_explorers_in_the_classic_notebook_with_ipywidgets_7(tmp_path, browser, classic_notebook, ipywidgets7):
    notebooks = shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    kernel = tmp_path / "data" / "kernels" / "python3"  # this venv's Python, ipywidgets 7.7.1 first on its path
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        # ipywidgets imported as the kernel starts: imported first inside a cell, with this venv's ipykernel, every
        # widget view of the page vanished during the comparison's cell (before issue 24's changes too: an open finding)
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.exec_lines=import ipywidgets"],
        "display_name": "Python 3", "language": "python",
        "env": {"PYTHONPATH": os.pathsep.join([str(ipywidgets7), str(ROOT)]), "IPYTHONDIR": str(tmp_path / "ipython")}}))
    command = [str(classic_notebook / "bin" / "jupyter"), "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1",
               "--port={port}", f"--NotebookApp.token={TOKEN}", f"--notebook-dir={notebooks}"]
    os.environ["JUPYTER_PATH"], before = str(tmp_path / "data"), os.environ.get("JUPYTER_PATH")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    try:
        with running(command, tmp_path=tmp_path, ready_path=f"/api/status?token={TOKEN}") as (base, _):
            page = browser.new_page(viewport=VIEWPORT)
            errors = _console(page)
            page.goto(f"{base}/notebooks/{NOTEBOOK}?token={TOKEN}")
            page.wait_for_function("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel"
                                   " && Jupyter.notebook.kernel.is_connected()", timeout=120_000)
            page.evaluate("Jupyter.notebook.execute_all_cells()")
            page.locator(".segtutor-agreement:has-text('both models saw')").first.wait_for(timeout=180_000)
            cell = page.locator(".widget-html table:has(th:text-is('mean')) td").first  # the preprocessing explorer's
            padding = cell.evaluate("el => parseFloat(getComputedStyle(el).paddingLeft)")
            assert padding >= 8 and "mean" in page.locator(".widget-html table").first.inner_text()
            try:
                _check_the_agreement_ignores_unseen_pixels(page)
            finally:
                page.screenshot(path=str(OUTPUT / "explorer-classic-notebook.png"), full_page=True)
    finally:
        if before is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = before
    assert errors == [], "\n".join(sorted(set(errors)))
