"""Exercise checkers for notebook 01 · the whole pipeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torchvision.transforms as T
from PIL import Image

from ..data import get_palette, preprocess
from ..data._palettes import PaletteLike
from ..models import get_spec
from ._common import _call, _checked, _coding, _ints_answer, _labels_result, _rng, _Stop, _ToyModel

__all__ = ["check_class_color", "check_output_keys", "check_pipeline", "check_resize_size"]


def check_resize_size(answer: Any, *, original: tuple[int, int], resize: int = 256) -> bool:
    """Check a guess of an image's (W, H) after ``T.Resize(resize)``.

    Examples
    --------
    >>> check_resize_size((256, 256), original=(500, 375))
    Not yet. Resize(256) with one number does not make a square: it scales the shorter side to 256.
    False
    """
    def check():
        answer_ = _ints_answer(answer, "the size (W, H)")
        expected = T.Resize(resize)(Image.new("RGB", original)).size
        if answer_ == expected:
            return f"Resize({resize}) scales the shorter side to {resize} and keeps the aspect ratio."
        if answer_ == (resize, resize):
            raise _Stop(f"Resize({resize}) with one number does not make a square: it scales the shorter side to {resize}.")
        if resize not in answer_:
            raise _Stop(f"One side must become {resize}: which side is the shorter one in {original}?")
        raise _Stop("Scale the other side by the same factor as the shorter one, and round down.")
    return _checked(check)


def check_output_keys(answer: Any, *, model_name: str) -> bool:
    """Check a guess of the keys in a model's output ``OrderedDict``.

    Examples
    --------
    >>> check_output_keys(["aux"], model_name="lraspp_mobilenet_v3_large")
    Not yet. Print list(output.keys()) for lraspp_mobilenet_v3_large and compare: 'out' always comes first.
    False
    """
    def check():
        if not isinstance(answer, (list, tuple)) or not all(isinstance(k, str) for k in answer):
            raise _Stop("Give the keys as a list of strings, e.g. ['key1', 'key2'].")
        expected = ["out", "aux"] if get_spec(model_name).has_aux else ["out"]
        if list(answer) == expected:
            return f"{model_name} returns {expected}."
        if list(answer) == ["out"] or list(answer) == ["out", "aux"]:
            raise _Stop(f"Does {model_name} have an auxiliary head? Only models trained with one return 'aux'.")
        raise _Stop(f"Print list(output.keys()) for {model_name} and compare: 'out' always comes first.")
    return _checked(check)


def check_class_color(answer: Any, *, class_name: str, palette: PaletteLike = "voc") -> bool:
    """Check a guess of a class's (R, G, B) colour in a palette.

    Examples
    --------
    >>> check_class_color((0, 0, 0), class_name="cat")
    Not yet. Look up the palette's row at the class id of 'cat', not another row.
    False
    """
    palette = get_palette(palette)
    if class_name not in palette.names:
        raise ValueError(f"`class_name` must be one of {', '.join(palette.names)}, got {class_name!r}")

    def check():
        answer_ = _ints_answer(answer, "the colour (R, G, B)")
        index = palette.names.index(class_name)
        expected = tuple(int(c) for c in palette.colors[index])
        if answer_ == expected:
            return f"{class_name!r} is class {index} and has colour {expected}."
        raise _Stop(f"Look up the palette's row at the class id of {class_name!r}, not another row.")
    return _checked(check)


# (W, H) of the photos and number of classes of the toy models the pipeline exercise runs on
_PIPELINE_CASES = [((300, 240), 3), ((230, 310), 5), ((256, 256), 4)]


def check_pipeline(function: Callable[..., Any], *, seed: int | None = None) -> bool:
    """Check your ``function(model, image)``: an RGB PIL image in, its (H, W) integer class map out.

    The checker builds small random models (which, like torchvision's, return
    an OrderedDict with 'out' and 'aux') and random photos of several sizes,
    and compares your class maps with the seed's pipeline: preprocess, run
    the model, take 'out', argmax over the classes, keep the one image.

    Parameters
    ----------
    function : callable
        Your ``function(model, image)``.
    seed : int, optional
        Seed of the random inputs; by default every call draws new ones.

    Returns
    -------
    bool
        Whether your function passed; one line of feedback is printed.

    Examples
    --------
    >>> def segment_image(model, image):
    ...     raise NotImplementedError  # your code here
    >>> check_pipeline(segment_image)
    Not attempted yet: replace `raise NotImplementedError` with your code, then run this cell again.
    False
    """
    def check():
        rng = _rng(seed)
        generator = torch.Generator().manual_seed(int(rng.integers(2**31)))
        for (width, height), classes in _PIPELINE_CASES:
            model = _ToyModel(classes, generator)
            image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype="uint8"))
            case = f"on a {width}x{height} photo"
            with torch.inference_mode():
                batch = preprocess(image)
                output = model(batch)
                unnormalized = model(T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])(image)[None])
            expected = output["out"].argmax(dim=1)[0]
            mine = _call(function, model, image)
            if isinstance(mine, torch.Tensor) and tuple(mine.shape) == (1, *expected.shape):
                raise _Stop(f"Return the class map of the one image, [H, W]: drop the batch axis ({case}).")
            if isinstance(mine, torch.Tensor) and mine.is_floating_point():
                raise _Stop(f"Your function returns scores ({mine.dtype}); argmax over the class axis turns them "
                            f"into class ids ({case}).")
            mine = _labels_result(mine, expected, case=case)
            if torch.equal(mine, expected):
                continue
            if torch.equal(mine, output["aux"].argmax(dim=1)[0]):
                raise _Stop(f"Use output['out'], the final scores; 'aux' is the auxiliary head's ({case}).")
            if torch.equal(mine, unnormalized["out"].argmax(dim=1)[0]):
                raise _Stop(f"Normalize with the ImageNet mean and std after ToTensor: segtutor.preprocess runs the "
                            f"whole recipe ({case}).")
            raise _Stop(f"Your class map differs from the seed's at some pixels, in none of the usual ways: compare each "
                        f"of your steps with the lesson's pipeline ({case}).")
        return "Your pipeline gives the seed's class map on every photo and model tried."
    return _coding(check)
