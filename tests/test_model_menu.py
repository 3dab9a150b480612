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
    assert model_menu.model_label("tiny") == "tiny (trained here on synthetic shapes)"
    assert model_menu.model_label(CHEAP) == f"{CHEAP} (random weights: pretrained not cached)"
    assert load_with_fallback("tiny")[1] == "pretrained" and load_with_fallback(CHEAP)[1] == "random"
    assert cache.segment_cached(CHEAP, "scene-0", "seed")[3] == "random"


# --- what notebook 10 reads ---

def test_notebook_10s_names_stay_reachable():
    assert segtutor.widgets.EXPLORER_MODELS is model_menu.EXPLORER_MODELS
    assert segtutor.class_names("tiny") == list(segtutor.SCENE_CLASSES)
    assert segtutor.class_names(CHEAP)[:2] == ["__background__", "aeroplane"]
