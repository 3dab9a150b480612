"""Exercise checkers for notebook 01 · the whole pipeline."""

from __future__ import annotations

import torchvision.transforms as T

from PIL import Image

from ..models import get_spec
from ..palettes import get_palette
from ._common import _feedback

__all__ = ["check_class_color", "check_output_keys", "check_resize_size"]


def check_resize_size(answer, *, original: tuple[int, int], resize: int = 256) -> bool:
    """Check a guess of an image's (W, H) after ``T.Resize(resize)``.

    Examples
    --------
    >>> check_resize_size((341, 256), original=(640, 480))
    Correct! Resize(256) scales the shorter side to 256 and keeps the aspect ratio.
    True
    """
    expected = T.Resize(resize)(Image.new("RGB", original)).size
    if tuple(answer) == expected:
        return _feedback(True, f"Resize({resize}) scales the shorter side to {resize} and keeps the aspect ratio.")
    if tuple(answer) == (resize, resize):
        return _feedback(False, f"Resize({resize}) with one number does not make a square: it scales the shorter side to {resize}.")
    if resize not in tuple(answer):
        return _feedback(False, f"One side must become {resize}: which side is the shorter one in {original}?")
    return _feedback(False, "The shorter side is right; scale the longer side by the same factor and round down.")


def check_output_keys(answer, *, model_name: str) -> bool:
    """Check a guess of the keys in a model's output ``OrderedDict``.

    Examples
    --------
    >>> check_output_keys(["out"], model_name="lraspp_mobilenet_v3_large")
    Correct! lraspp_mobilenet_v3_large returns ['out'].
    True
    """
    expected = ["out", "aux"] if get_spec(model_name).has_aux else ["out"]
    if list(answer) == expected:
        return _feedback(True, f"{model_name} returns {expected}.")
    if list(answer) == ["out"]:
        return _feedback(False, f"{model_name} has an auxiliary head, so its output holds 'aux' beside 'out'.")
    return _feedback(False, f"Print list(output.keys()) for {model_name} and compare: the keys come in a fixed order.")


def check_class_color(answer, *, class_name: str, palette: str = "voc") -> bool:
    """Check a guess of a class's (R, G, B) colour in a palette.

    Examples
    --------
    >>> check_class_color((64, 0, 0), class_name="cat")
    Correct! 'cat' is class 8 and has colour (64, 0, 0).
    True
    """
    palette = get_palette(palette)
    if class_name not in palette.names:
        raise ValueError(f"`class_name` must be one of {', '.join(palette.names)}, got {class_name!r}")
    index = palette.names.index(class_name)
    expected = tuple(int(c) for c in palette.colors[index])
    if tuple(answer) == expected:
        return _feedback(True, f"{class_name!r} is class {index} and has colour {expected}.")
    return _feedback(False, f"Look up row {index} ({class_name!r}'s class id) of the palette's colours, not another row.")

