"""The models the explorers offer (segtutor.widgets._model_menu), read from each model's spec, and what notebook 10 reads."""

import pytest

import segtutor
from segtutor.models import MODEL_NAMES, load_with_fallback
from segtutor.widgets import _cache as cache
from segtutor.widgets import _model_menu as model_menu

CHEAP = "lraspp_mobilenet_v3_large"

pytestmark = pytest.mark.usefixtures("offline_explorers")


def test_the_explorer_reads_each_models_spec():
    assert ["tiny", *MODEL_NAMES] == model_menu.EXPLORER_MODELS  # segtutor's own first: it works offline
    assert [model_menu.model_palette(name) for name in ("tiny", CHEAP)] == ["scenes", "voc"]
    assert model_menu.model_label("tiny") == "tiny"  # short: the menu never cuts it; the label beside it says the rest
    assert model_menu.model_label(CHEAP) == f"{CHEAP} (random)"
    assert model_menu.weights_html("tiny", "pretrained") == "✅ tiny: trained here on synthetic shapes"
    assert model_menu.weights_html(CHEAP, "pretrained") == f"✅ {CHEAP}: pretrained weights"
    assert model_menu.weights_html(CHEAP, "random").endswith("<b>random weights</b> (pretrained ones not cached): "
                                                             "its output is noise, not a prediction")
    assert load_with_fallback("tiny")[1] == "pretrained" and load_with_fallback(CHEAP)[1] == "random"
    assert cache.segment_cached(CHEAP, "scene-0", "seed")[3] == "random"


# --- what notebook 10 reads ---

def test_notebook_10s_names_stay_reachable():
    assert segtutor.widgets.EXPLORER_MODELS is model_menu.EXPLORER_MODELS
    assert segtutor.class_names("tiny") == list(segtutor.SCENE_CLASSES)
    assert segtutor.class_names(CHEAP)[:2] == ["__background__", "aeroplane"]


def test_class_names_read_from_the_spec_are_shown_readable():
    names = model_menu.display_names(CHEAP)
    assert names[0] == "background" and names[1:] == segtutor.class_names(CHEAP)[1:]  # no raw "__background__"
    assert model_menu.display_names("tiny") == list(segtutor.SCENE_CLASSES)
    assert [model_menu.display_name(n) for n in ("__background__", "_x", "__", "cat")] == ["background", "_x", "__", "cat"]
