"""Headless tests of the wiring the explorers share (segtutor.widgets._controls): the guard around every
callback, silenced redraws, clicks with or without ipyevents, enlarged pictures.

CI runs this file, test_segmentation.py and test_lessons.py twice: with ipywidgets 8 (the venv)
and with ipywidgets 7.7.1, Colab's version (``SEGTUTOR_EXPECT_IPYWIDGETS=7.7.1``, see the Makefile).
"""

import os

import ipywidgets
import pytest

from segtutor import widgets as explorers
from segtutor.widgets import _controls, _lessons, _segmentation

from ._explorer_helpers import click as _click
from ._explorer_helpers import pixels as _pixels

CHEAP = "lraspp_mobilenet_v3_large"

pytestmark = pytest.mark.usefixtures("offline_explorers")


def test_ipywidgets_version_under_test():
    expected = os.environ.get("SEGTUTOR_EXPECT_IPYWIDGETS")
    if expected:
        assert ipywidgets.__version__ == expected
    assert ipywidgets.__version__.split(".")[0] in ("7", "8")


def test_a_click_on_the_picture_chooses_the_pixel():
    pytest.importorskip("ipyevents")
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    _click(box, 3 * 40 + 2, 3 * 120 + 1)  # display pixel -> original pixel (120, 40) of the 3x enlarged scene
    assert (box.controls["row"].value, box.controls["col"].value) == (120, 40)
    assert box.views["probe"].value.startswith("<b>pixel: row 120, column 40</b>")


def test_without_ipyevents_the_sliders_still_work(monkeypatch):
    monkeypatch.setattr(_controls, "Event", None)
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    assert box.events == {}
    box.controls["col"].value = 10
    assert box.views["probe"].value.startswith("<b>pixel: row 80, column 10</b>")


def test_readable_pictures_enlarge_small_images_only():
    assert _pixels(explorers.explore_metrics(seed=1).views["image"]).shape == (384, 768, 3)  # two 128-px maps, 3x
    box = explorers.explore_segmentation(model="tiny", image="chelsea")
    assert _pixels(box.views["image"]).shape == (300, 451, 3)  # 451 px long already


# --- errors inside callbacks (issue 11, item 14) ---

def _boom(*args, **kwargs):
    raise RuntimeError("boom <here>")


EXPLORERS = {  # factory, the function that fails (patched in its module), a control, a value with the error, one after
    "segmentation": (lambda: explorers.explore_segmentation(model="tiny", image="scene-0"), (_segmentation, "segment_cached"),
                     "image", "scene-1", "astronaut"),
    "preprocessing": (lambda: explorers.explore_preprocessing(image="chelsea"), (_lessons, "step_view"), "step", 1, 2),
    "metrics": (lambda: explorers.explore_metrics(seed=0), (_lessons, "perturb_labels"), "dx", 3, 5),
    "superpixels": (lambda: explorers.explore_superpixels(image="coffee"), (_lessons, "slic_superpixels"),
                    "n_segments", 50, 60),
    "comparison": (lambda: explorers.explore_comparison(model_a="tiny", model_b="tiny", image="scene-0"),
                   (_segmentation, "segment_cached"), "image", "scene-1", "astronaut"),
}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_an_error_in_any_callback_shows_in_the_status_and_the_controls_stay_usable(name, monkeypatch):
    factory, (module, function), control, failing, working = EXPLORERS[name]
    box = factory()
    image = box.views["image"].value
    with monkeypatch.context() as patch:
        patch.setattr(module, function, _boom)
        box.controls[control].value = failing  # the observer catches the error
    assert box.views["status"].value == "⚠️ RuntimeError: boom &lt;here&gt;"
    assert box.views["image"].value == image
    box.controls[control].value = working
    assert not box.views["status"].value.startswith("⚠️")
    assert box.views["image"].value != image


def test_an_error_while_redraws_are_silenced_does_not_silence_them_for_good(monkeypatch):
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    with monkeypatch.context() as patch:
        patch.setattr(_segmentation, "fit_probe", _boom)  # fails while redraws are silenced
        box.controls["model"].value = CHEAP
    assert box.views["status"].value == "⚠️ RuntimeError: boom &lt;here&gt;"
    before = box.views["image"].value
    box.controls["alpha"].value = 0.1
    assert box.views["image"].value != before


# --- class checkboxes (issue 24) ---

def test_class_checkboxes_rebuild_when_the_list_shrinks_and_follow_the_value():
    toggles = _controls.ClassToggles()
    seen = []
    toggles.observe(lambda change: seen.append(change["new"]), names="value")
    toggles.options = tuple((name, i) for i, name in enumerate("abcde"))
    five = toggles.children
    assert [(c.description, c.value) for c in five] == [(n, True) for n in "abcde"] and toggles.value == (0, 1, 2, 3, 4)
    five[1].value = False  # one plain click unticks a class
    assert toggles.value == (0, 2, 3, 4)
    toggles.options = (("a", 0), ("e", 4))  # shorter: new checkboxes, never a selection widget's options shrunk in place
    assert all(not hasattr(c, "options") for c in toggles.children)
    assert [(c.description, c.value) for c in toggles.children] == [("a", True), ("e", True)]
    assert not set(map(id, toggles.children)) & set(map(id, five)) and toggles.value == (0, 4)
    toggles.value = (4,)
    assert [c.value for c in toggles.children] == [False, True]
    assert seen == [(0, 1, 2, 3, 4), (0, 2, 3, 4), (0, 4), (4,)]


def test_the_segmentation_explorers_class_list_is_checkboxes():
    box = explorers.explore_segmentation(model="tiny", image="scene-0")
    assert all(isinstance(c, ipywidgets.Checkbox) for c in box.controls["classes"].children)
    assert not any(isinstance(w, ipywidgets.SelectMultiple) for w in box.controls.values())
    before = box.views["image"].value
    box.controls["classes"].children[0].value = False  # background unticked: redrawn
    assert box.views["image"].value != before and 0 not in box.controls["classes"].value
