"""The explorers' views (segtutor.widgets._views): the comparison's fallback without pretrained weights."""

import numpy as np
import pytest

from segtutor import decode_segmap
from segtutor.widgets import _cache as cache
from segtutor.widgets import _gallery as images
from segtutor.widgets import _views as views

CHEAP = "lraspp_mobilenet_v3_large"

pytestmark = pytest.mark.usefixtures("offline_explorers")


def test_untrained_fallback_keeps_a_scene_and_replaces_a_photo_by_scene_0():
    for key, scene in (("scene-1", "scene-1"), ("chelsea", "scene-0")):
        panels, note = views.untrained_fallback(["fcn_resnet101", CHEAP, "fcn_resnet101"], key)
        assert np.array_equal(panels[1], decode_segmap(images.scene_labels(scene), "scenes"))
        tiny = cache.segment_cached("tiny", scene, "weights")[0]
        assert np.array_equal(panels[0], decode_segmap(tiny, "scenes"))
        assert note.startswith(f"⚠️ No pretrained weights here for fcn_resnet101 and {CHEAP} (offline")
        assert f" on {scene} | its ground truth: " in note
