"""The explorers' image registry (segtutor.widgets._gallery): keys follow the pixels; scene keys are checked."""

import pytest

from segtutor.widgets import _gallery as images

from ._explorer_helpers import two_scenes as _two_scenes

pytestmark = pytest.mark.usefixtures("offline_explorers")


def test_content_key_follows_the_pixels_not_the_object():
    a, b = _two_scenes()
    assert images.content_key(a) == images.content_key(a.copy()) != images.content_key(b)
    assert images.content_key(a.convert("L")) != images.content_key(a)
    assert images.register_image(a) == "upload-" + images.content_key(a)[:12]


def test_explorer_image_refuses_a_malformed_scene_key():
    with pytest.raises(ValueError, match=r"`key` must name a synthetic scene such as 'scene-0', got 'scene-x'"):
        images.explorer_image("scene-x")
    with pytest.raises(ValueError, match=r"`key` must name a synthetic scene such as 'scene-0', got 'chelsea'"):
        images.scene_labels("chelsea")
