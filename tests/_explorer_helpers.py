"""Helpers the explorers' tests share: PNG bytes, a widget's pixels, a click, two scenes."""

import io

import numpy as np
from PIL import Image

from segtutor.data import make_scenes


def png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(image_widget) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image_widget.value)))


def click(box, x, y):
    """What ipyevents sends when the picture is clicked at its own pixel (x, y)."""
    box.events["click"]._handle_mouse_msg(None, {"event": "click", "type": "click", "dataX": x, "dataY": y}, [])


def two_scenes():
    pictures, _ = make_scenes(2, size=96, seed=11)
    return Image.fromarray(pictures[0]), Image.fromarray(pictures[1])
