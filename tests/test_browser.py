"""Real-browser tests: JupyterLab and Voila on loopback, driven by Playwright in Debian's headless Chromium.

Skipped, with the reason shown in the summary, only where /usr/bin/chromium is absent
(.ci/run installs it). Screenshots go to test-output/browser/.
"""

import importlib.util
import re
import shutil
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


def test_explorer_in_jupyterlab_changes_picture_with_model_and_image(tmp_path, browser):
    notebooks = shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")  # JupyterLab autosaves: not into the repo
    command = [str(Path(__import__("sys").prefix) / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", "--port={port}", f"--IdentityProvider.token={TOKEN}",
               "--LabApp.expose_app_in_browser=True", f"--notebook-dir={notebooks}"]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with running(command, tmp_path=tmp_path, ready_path=f"/api/status?token={TOKEN}") as (base, _):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
        _select(page, "model", "lraspp_mobilenet_v3_large")
        second = _wait_for_change(picture, first)
        _select(page, "image", "chelsea")
        _wait_for_change(picture, second)
        page.screenshot(path=str(OUTPUT / "explorer-jupyterlab.png"))
        readout = page.locator(".segtutor-probe").first
        _wait_for_text(readout, r"pixel: row 150, column 225\b")  # a new image: the probe starts at its centre
        _probe_with_a_slider(page, readout)
        if importlib.util.find_spec("ipyevents") is None:
            print("ipyevents is not installed: the probe was driven by its slider only")
            return
        _probe_with_a_click(page, picture, readout, image_width=451)
        page.screenshot(path=str(OUTPUT / "explorer-probe-click.png"))


def test_voila_serves_the_explorer_ten_times_out_of_ten(tmp_path, browser):
    command = [str(Path(__import__("sys").prefix) / "bin" / "voila"), f"notebooks/{NOTEBOOK}", "--no-browser",
               "--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.allow_root=True"]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    loaded = []
    with running(command, tmp_path=tmp_path, ready_path="/voila/static/voila.js") as (base, _):
        for attempt in range(10):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.monotonic()
            page.goto(base + "/", timeout=120_000)
            page.locator("img.widget-image").first.wait_for(timeout=120_000)
            loaded.append(time.monotonic() - start)
            if attempt == 0:
                page.screenshot(path=str(OUTPUT / "explorer-voila.png"))
            page.close()
    print(f"Voila page loads: {len(loaded)}/10, seconds: {', '.join(f'{s:.1f}' for s in loaded)}")
    assert len(loaded) == 10
