"""A tiny fully convolutional segmenter that segtutor trains itself and ships.

It has the interface of torchvision's segmentation models: a normalized
``[N, 3, H, W]`` batch in, an ``OrderedDict`` with ``'out'`` logits
``[N, C, H, W]`` at the same H x W out. Its weights come with the package
(``segtutor/models/tiny.pt``, trained by ``scripts/train_tiny.py`` on
:func:`segtutor.make_scenes` scenes of :data:`TRAINING_SIZE` pixels), so
lessons get meaningful predictions without any download. :data:`TINY_SPEC`
describes it to :mod:`segtutor.models._registry`.
"""

from __future__ import annotations

import io
import pickle
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import torch
import torch.nn.functional as F
import torchvision.transforms as T
from torch import nn

from .._checks import StrPath, check_batch, is_int
from ..data import IMAGENET_MEAN, IMAGENET_STD, SCENE_CLASSES
from ._checkpoints import SHIPPED_FIX, Checkpoint, CheckpointError, check_weights, read_plain
from ._spec import ModelSpec, ShippedWeights

__all__ = ["TINY_CHECKPOINT", "TinySegNet", "load_tiny_model", "save_tiny_model"]

TINY_CHECKPOINT = Path(__file__).parent / "tiny.pt"
"""The shipped checkpoint, trained by ``scripts/train_tiny.py``."""
TRAINING_SIZE = 128
"""Side of the scenes the shipped model was trained on (``scripts/train_tiny.py --size``); its
transforms resize a photo's shorter side to it, and :func:`segtutor.segment` resizes the
logits back to the photo's size, so the model works on scenes of any size."""

_FORMAT = "segtutor-tiny/1"


def _conv(in_channels: int, out_channels: int, *, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, stride, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class TinySegNet(nn.Module):
    """A small U-Net-like encoder-decoder: four scales down, skip connections up.

    The encoder halves the resolution four times (down to 1/16) and widens
    its view with dilated convolutions; the decoder upsamples and merges each
    encoder scale back in, up to 1/2. A last, light stage at the input's
    full resolution sharpens the edges with features taken straight from the
    image, and a 1x1 convolution gives one score per class.

    Parameters
    ----------
    num_classes : int, optional
        Number of output channels, one per class.
    widths : tuple of 4 ints, optional
        Channels at 1/2, 1/4, 1/8 and 1/16 of the input resolution.

    Examples
    --------
    >>> model = TinySegNet().eval()
    >>> output = model(torch.zeros(2, 3, 50, 70))
    >>> list(output), tuple(output["out"].shape)
    (['out'], (2, 5, 50, 70))
    """

    def __init__(self, num_classes: int = len(SCENE_CLASSES), widths: tuple[int, int, int, int] = (16, 32, 80, 128)) -> None:
        super().__init__()
        self.num_classes, self.widths = num_classes, tuple(widths)
        w0, w1, w2, w3 = widths
        self.encoder = nn.ModuleList([
            nn.Sequential(_conv(3, w0, stride=2), _conv(w0, w0)),
            nn.Sequential(_conv(w0, w1, stride=2), _conv(w1, w1)),
            nn.Sequential(_conv(w1, w2, stride=2), _conv(w2, w2)),
            nn.Sequential(_conv(w2, w3, stride=2), _conv(w3, w3, dilation=2), _conv(w3, w3, dilation=4)),
        ])
        self.decoder = nn.ModuleList([_conv(w3 + w2, w2), _conv(w2 + w1, w1), _conv(w1 + w0, w0)])
        self.full_resolution = _conv(3, w0 // 2)
        self.head = _conv(w0 + w0 // 2, w0)
        self.classifier = nn.Conv2d(w0, num_classes, 1)

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, from the spec the model carries (see :func:`load_tiny_model`); else the scenes' or ids."""
        spec = ModelSpec.of(self)
        if spec is not None:
            return spec.categories
        return SCENE_CLASSES if self.num_classes == len(SCENE_CLASSES) else tuple(map(str, range(self.num_classes)))

    def forward(self, batch: torch.Tensor) -> OrderedDict:
        """Return ``OrderedDict(out=logits)``, logits float of shape [N, num_classes, H, W]."""
        check_batch(batch)
        skips = []
        x = batch
        for stage in self.encoder:
            x = stage(x)
            skips.append(x)
        x = skips.pop()
        for stage in self.decoder:
            skip = skips.pop()
            x = stage(torch.cat([_resize(x, skip.shape[-2:]), skip], dim=1))
        x = self.head(torch.cat([_resize(x, batch.shape[-2:]), self.full_resolution(batch)], dim=1))
        return OrderedDict(out=self.classifier(x))


def _resize(x: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    return F.interpolate(x, size=tuple(size), mode="bilinear", align_corners=False)


def save_tiny_model(model: TinySegNet, path: StrPath, *, classes: Sequence[str] = SCENE_CLASSES,
                    meta: dict[str, Any] | None = None) -> Path:
    """Save a :class:`TinySegNet` compactly: float16 weights plus what the loader checks.

    Parameters
    ----------
    model : TinySegNet
        The model to save.
    path : str or os.PathLike
        Where to write the checkpoint.
    classes : sequence of str, optional
        Class names, one per output channel.
    meta : dict, optional
        Extra plain data to keep (str, int, float, bool, None, and lists
        and dicts of them), e.g. how the model was trained.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    TypeError
        If `model` is not a :class:`TinySegNet`.
    ValueError
        If `classes` does not name one class per output channel, or `meta`
        holds something ``torch.load(..., weights_only=True)`` would refuse.
    """
    if not isinstance(model, TinySegNet):
        raise TypeError(f"`model` must be a TinySegNet, got {type(model).__name__}")
    if len(classes) != model.num_classes:
        raise ValueError(f"`classes` must name {model.num_classes} classes, one per output channel, got {len(classes)}")
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    checkpoint = {"format": _FORMAT, "num_classes": model.num_classes, "widths": list(model.widths),
                  "classes": list(classes), "state_dict": state, "meta": dict(meta or {})}
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    try:  # refuse now what load_tiny_model could not read later
        torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(err))
        raise ValueError("`meta` must hold plain data only (str, int, float, bool, None, lists, dicts), "
                         f"got a {found.group(1) if found else 'Python object'}") from None
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def load_tiny_model(*, weights: Literal["pretrained", "random"] | StrPath = "pretrained",
                    num_classes: int = len(SCENE_CLASSES)) -> TinySegNet:
    """Build the tiny segmenter in eval mode, with the shipped, random or your own weights.

    Every call returns a new model, built by the spec's one build path
    (:meth:`segtutor.models.ModelSpec.build`), as :func:`segtutor.load_model` does.

    Parameters
    ----------
    weights : {"pretrained", "random"} or str or os.PathLike, optional
        ``"pretrained"`` loads the checkpoint shipped with segtutor
        (:data:`TINY_CHECKPOINT`); ``"random"`` keeps the initial weights
        (seed them with ``torch.manual_seed``); any other string or path is a
        checkpoint written by :func:`save_tiny_model`. Checkpoints are read
        by :func:`segtutor.models.read_checkpoint`'s safe reader
        (``torch.load(..., weights_only=True)``): they hold tensors and
        plain data, never code.
    num_classes : int, optional
        Number of classes the model must predict; a checkpoint with another
        class count is refused.

    Returns
    -------
    TinySegNet
        The model in eval mode; ``model.classes`` holds the class names, and
        it carries :data:`TINY_SPEC` (with those classes), so
        :func:`segtutor.segment` knows its preprocessing.

    Raises
    ------
    TypeError
        If `weights` is neither a string nor a path.
    ValueError
        If `weights` is a misspelt choice (a string that is no file and has no
        suffix, e.g. ``"pretraind"``), or the checkpoint's class count
        differs from `num_classes`.
    FileNotFoundError
        If the checkpoint file does not exist.
    CheckpointError
        If the file is empty, corrupt, truncated, holds code (refused unread),
        is not a tiny-model checkpoint, or its fields or tensors do not fit
        (missing keys, wrong widths or shapes). The message names the file and the fix.

    Examples
    --------
    >>> model = load_tiny_model()
    >>> model.classes, load_tiny_model() is model
    (('background', 'disc', 'square', 'triangle', 'ring'), False)
    """
    choice = check_weights(weights)
    if choice == "random":
        spec = TINY_SPEC if num_classes == len(SCENE_CLASSES) else TINY_SPEC.relabelled(map(str, range(num_classes)))
        return spec.build()
    path, fix = (TINY_CHECKPOINT, SHIPPED_FIX) if choice == "pretrained" else (choice, None)
    checkpoint = read_tiny_checkpoint(path, fix=fix)
    classes = checkpoint.categories or ()  # read_tiny_checkpoint always gives them
    if checkpoint.arguments["num_classes"] != num_classes:
        raise ValueError(
            f"checkpoint {path} predicts {len(classes)} classes ({', '.join(classes)}), "
            f"but num_classes={num_classes}; pass num_classes={len(classes)} to load it")
    return TINY_SPEC.build(checkpoint)


def eval_transforms() -> T.Compose:
    """The tiny model's own preprocessing: shorter side to :data:`TRAINING_SIZE`, ToTensor, Normalize.

    Examples
    --------
    >>> from PIL import Image
    >>> eval_transforms()(Image.new("RGB", (512, 256))).shape
    torch.Size([3, 128, 256])
    """
    return T.Compose([T.Resize(TRAINING_SIZE), T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])


_MAX_WIDTH = 1024
"""Widest layer a checkpoint may ask for: bounds the memory a damaged or hostile file can make us allocate."""


def read_tiny_checkpoint(path: StrPath, *, fix: str | None = None) -> Checkpoint:
    """Read a checkpoint written by :func:`save_tiny_model`, by segtutor's one safe reader, checked field by field.

    The tiny model's reader (:data:`TINY_SPEC`'s ``reader``): its state (in
    float32), its architecture (``num_classes``, ``widths``) and its class names.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist.
    CheckpointError
        If the file is unreadable, holds code, is not a tiny-model checkpoint
        or is damaged; the message names the file and ends with `fix`
        (default: save it again with :func:`save_tiny_model`).
    """
    path = Path(path)
    fix = "Save it again with segtutor.models.save_tiny_model(model, path)." if fix is None else fix
    checkpoint = read_plain(path, fix=fix)
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != _FORMAT:
        raise CheckpointError(f"`weights` must be a checkpoint written by save_tiny_model ({_FORMAT}), but {path} is not. {fix}")
    problem = _field_problem(checkpoint)
    if problem:
        raise CheckpointError(f"checkpoint file '{path}' is damaged: {problem}. {fix}")
    state = {k: v.float() if v.is_floating_point() else v for k, v in checkpoint["state_dict"].items()}
    arguments = {"num_classes": checkpoint["num_classes"], "widths": tuple(checkpoint["widths"])}
    return Checkpoint(path, state, arguments, tuple(checkpoint["classes"]), fix)


def _field_problem(checkpoint: dict[str, Any]) -> str | None:
    def count(value: object, low: int, high: int) -> bool:
        return bool(is_int(value) and low <= value <= high)

    num_classes, widths, classes = checkpoint.get("num_classes"), checkpoint.get("widths"), checkpoint.get("classes")
    state = checkpoint.get("state_dict")
    if not count(num_classes, 1, 255):
        return f"num_classes must be an int in 1..255, got {num_classes!r}"
    if not (isinstance(widths, (list, tuple)) and len(widths) == 4 and all(count(w, 2, _MAX_WIDTH) for w in widths)):
        return f"widths must be 4 ints in 2..{_MAX_WIDTH}, got {widths!r}"
    if not (isinstance(classes, (list, tuple)) and len(classes) == num_classes and all(isinstance(c, str) for c in classes)):
        return f"classes must be {num_classes} names, got {classes!r}"
    if not (isinstance(state, dict) and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items())):
        return f"state_dict must map names to tensors, got {type(state).__name__}"
    return None


TINY_SPEC = ModelSpec(
    name="tiny", builder=TinySegNet, palette="scenes", reader=read_tiny_checkpoint, note="trained here on synthetic shapes",
    weights=ShippedWeights(TINY_CHECKPOINT, transforms=eval_transforms, meta={"categories": list(SCENE_CLASSES)},
                           name="SCENES_V1"),
)
"""The tiny model's entry in :mod:`segtutor.models._registry`: its weights ship with segtutor, its classes are the
scenes', its checkpoints are read by :func:`read_tiny_checkpoint`."""
