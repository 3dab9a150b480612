"""Synthetic scenes: coloured shapes on textured backgrounds, with exact class maps.

Every pixel's class is known exactly, so a model trained on these scenes can
be scored honestly without any download. Shape colours are drawn
independently of the class, and backgrounds are textured in random colours
too, so a model must look at shapes, not colours.
"""

from __future__ import annotations

import numpy as np
import torch
from skimage import draw
from skimage.morphology import dilation, erosion

from .._checks import check_ignore_index, check_int, describe_array
from ._preprocessing import IMAGENET_MEAN, IMAGENET_STD

__all__ = ["MIN_SCENE_SIZE", "SCENE_CLASSES", "SceneDataset", "images_to_batch", "make_scenes"]

SCENE_CLASSES: tuple[str, ...] = ("background", "disc", "square", "triangle", "ring")
"""Class names of the synthetic scenes, indexed by class id."""

MIN_SCENE_SIZE = 48
"""Smallest scene side in pixels: below it the smallest shapes are only a few pixels wide."""

_RADIUS = (0.09, 0.22)  # shape radius as a fraction of the scene size
_SHAPES = (2, 6)  # shapes per scene: at least 2, fewer than 6
_MIN_CONTRAST = 90.0  # smallest RGB distance between a shape and the background's mean colour
_SIMPLE_RADIUS = (0.15, 0.3)  # simple scenes: larger shapes,
_SIMPLE_SHAPES = (1, 4)  # 1 to 3 of them,
_SIMPLE_GAP = 2  # at least this many pixels apart,
_SIMPLE_TRIES = 20  # placed by rejection: a shape that finds no free place in this many draws is left out


def make_scenes(n: int, *, size: int = 128, seed: int = 0, simple: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Draw `n` random scenes of shapes and their exact class maps.

    Each scene has a textured, noisy background (smooth blotches or stripes
    in two random colours) and 2 to 5 shapes: discs, squares, triangles and
    rings of random size, colour, position and rotation. Later shapes cover
    earlier ones, and a ring's hole shows what lies beneath it.

    ``simple=True`` draws easier scenes, which a small network learns in
    about a minute on a CPU: a background of one random colour (with the same
    pixel noise), and 1 to 3 larger shapes (radius 15-30 % of `size`, against
    9-22 %) that neither overlap nor touch.

    Parameters
    ----------
    n : int
        Number of scenes, at least 1.
    size : int, optional
        Side of the square scenes in pixels, at least :data:`MIN_SCENE_SIZE`.
        Shape sizes scale with it.
    seed : int, optional
        Seed of the random generator. Scene ``i`` depends only on `seed`, `size`,
        `simple` and ``i``, so ``make_scenes(5, seed=s)`` equals the first five
        scenes of ``make_scenes(10, seed=s)``.
    simple : bool, optional
        Draw the easier scenes described above.

    Returns
    -------
    images : numpy.ndarray
        uint8 RGB images of shape (n, size, size, 3).
    labels : numpy.ndarray
        int64 class maps of shape (n, size, size); ids index :data:`SCENE_CLASSES`.

    Raises
    ------
    TypeError
        If `n`, `size` or `seed` is not an int, or `simple` not a bool.
    ValueError
        If `n` < 1, `size` < :data:`MIN_SCENE_SIZE` or `seed` is negative.

    Examples
    --------
    >>> images, labels = make_scenes(2, size=64, seed=0)
    >>> images.shape, images.dtype, labels.shape, labels.dtype
    ((2, 64, 64, 3), dtype('uint8'), (2, 64, 64), dtype('int64'))
    >>> [len(np.unique(scene)) - 1 for scene in make_scenes(4, size=48, seed=1, simple=True)[1]]  # classes per scene
    [2, 1, 2, 3]
    """
    n = check_int(n, name="n", minimum=1)
    size = check_int(size, name="size", minimum=MIN_SCENE_SIZE)
    seed = check_int(seed, name="seed", minimum=0)
    if not isinstance(simple, (bool, np.bool_)):
        raise TypeError(f"`simple` must be a bool, got {type(simple).__name__}")
    images = np.empty((n, size, size, 3), dtype=np.uint8)
    labels = np.empty((n, size, size), dtype=np.int64)
    draw_scene = _simple_scene if simple else _scene
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n)):
        images[i], labels[i] = draw_scene(np.random.default_rng(child), size)
    return images, labels


def _scene(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    canvas, background_mean = _background(rng, size)
    labels = np.zeros((size, size), dtype=np.int64)
    for _ in range(rng.integers(*_SHAPES)):
        class_id = int(rng.integers(1, len(SCENE_CLASSES)))
        mask = _shape_mask(rng, SCENE_CLASSES[class_id], size)
        canvas[mask] = _shape_color(rng, background_mean) + _shading(rng, size)[mask]
        labels[mask] = class_id
    canvas += rng.normal(0.0, rng.uniform(4.0, 16.0), canvas.shape)
    return np.clip(canvas, 0, 255).round().astype(np.uint8), labels


def _simple_scene(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """One flat background colour and 1 to 3 large shapes, each at least _SIMPLE_GAP pixels from the others."""
    background = rng.uniform(0, 255, 3)
    canvas = np.broadcast_to(background, (size, size, 3)).copy()
    labels = np.zeros((size, size), dtype=np.int64)
    taken = np.zeros((size, size), dtype=bool)  # the shapes so far, grown by the gap
    for _ in range(rng.integers(*_SIMPLE_SHAPES)):
        class_id = int(rng.integers(1, len(SCENE_CLASSES)))
        for _ in range(_SIMPLE_TRIES):
            mask = _shape_mask(rng, SCENE_CLASSES[class_id], size, radii=_SIMPLE_RADIUS)
            if not (mask & taken).any():
                break
        else:
            continue
        taken |= dilation(mask, np.ones((2 * _SIMPLE_GAP + 1,) * 2, dtype=bool))
        canvas[mask] = _shape_color(rng, background) + _shading(rng, size)[mask]
        labels[mask] = class_id
    canvas += rng.normal(0.0, rng.uniform(4.0, 16.0), canvas.shape)
    return np.clip(canvas, 0, 255).round().astype(np.uint8), labels


def _background(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    colors = rng.uniform(0, 255, (2, 3))
    rows, cols = np.mgrid[0:size, 0:size] / size
    if rng.random() < 0.5:  # stripes of random frequency and direction
        angle, frequency = rng.uniform(0, np.pi), rng.uniform(2, 8)
        weight = 0.5 + 0.5 * np.sin(2 * np.pi * frequency * (rows * np.cos(angle) + cols * np.sin(angle)))
    else:  # smooth blotches: a coarse random grid, bilinearly upsampled
        coarse = torch.as_tensor(rng.random((1, 1, *rng.integers(3, 9, 2))))
        weight = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=True)[0, 0].numpy()
    canvas = colors[0] + weight[..., None] * (colors[1] - colors[0])
    return canvas, canvas.reshape(-1, 3).mean(axis=0)


def _shape_color(rng: np.random.Generator, background_mean: np.ndarray) -> np.ndarray:
    while True:
        color = rng.uniform(0, 255, 3)
        if np.linalg.norm(color - background_mean) >= _MIN_CONTRAST:
            return color


def _shading(rng: np.random.Generator, size: int) -> np.ndarray:
    """A gentle linear brightness ramp, so shapes are not perfectly flat."""
    rows, cols = np.mgrid[0:size, 0:size] / size - 0.5
    slope = rng.uniform(-30, 30, 2)
    return (slope[0] * rows + slope[1] * cols)[..., None]


def _shape_mask(rng: np.random.Generator, name: str, size: int, *, radii: tuple[float, float] = _RADIUS) -> np.ndarray:
    radius = rng.uniform(*radii) * size
    center = rng.uniform(0.5 * radius, size - 0.5 * radius, 2)
    angle = rng.uniform(0, 2 * np.pi)
    mask = np.zeros((size, size), dtype=bool)
    if name in ("disc", "ring"):
        mask[draw.disk(center, radius, shape=mask.shape)] = True
        if name == "ring":
            mask[draw.disk(center, radius * rng.uniform(0.45, 0.7), shape=mask.shape)] = False
        return mask
    corners = 4 if name == "square" else 3
    scale = 1.0 if name == "square" else 1.15  # similar areas for squares and triangles
    theta = angle + 2 * np.pi * np.arange(corners) / corners
    mask[draw.polygon(center[0] + scale * radius * np.sin(theta), center[1] + scale * radius * np.cos(theta), shape=mask.shape)] = True
    return mask


def images_to_batch(images: np.ndarray) -> torch.Tensor:
    """Turn uint8 RGB images into a normalized float batch, as the models expect.

    Parameters
    ----------
    images : numpy.ndarray
        uint8 array of shape (N, H, W, 3) or (H, W, 3).

    Returns
    -------
    torch.Tensor
        float32 batch of shape (N, 3, H, W), normalized with
        :data:`segtutor.IMAGENET_MEAN` and :data:`segtutor.IMAGENET_STD`.

    Raises
    ------
    TypeError
        If `images` is not a uint8 NumPy array.
    ValueError
        If its shape is not (N, H, W, 3) or (H, W, 3).

    Examples
    --------
    >>> images_to_batch(np.zeros((2, 4, 5, 3), np.uint8)).shape
    torch.Size([2, 3, 4, 5])
    """
    message = f"`images` must be a uint8 array of shape (N, H, W, 3) or (H, W, 3), got {describe_array(images)}"
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8:
        raise TypeError(message)
    if images.ndim not in (3, 4) or images.shape[-1] != 3:
        raise ValueError(message)
    batch = torch.from_numpy(images.reshape(-1, *images.shape[-3:])).permute(0, 3, 1, 2).float().div(255)
    mean, std = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (batch - mean) / std


class SceneDataset(torch.utils.data.Dataset):
    """A torch ``Dataset`` of :func:`make_scenes` scenes.

    Parameters
    ----------
    n, size, seed, simple
        Passed to :func:`make_scenes`; the scenes are drawn once, up front.
    void_border : int, optional
        Width of a band on each side of every class boundary marked
        `ignore_index`, as in VOC's class maps (see
        :func:`segtutor.add_void_border`); 0, the default, marks none.
    ignore_index : int, optional
        The label of the void band; not a class id (255, -1, ...). Pass the
        same value to :func:`segtutor.train`.

    Attributes
    ----------
    images : numpy.ndarray
        The uint8 images, shape (n, size, size, 3), for display.
    labels : numpy.ndarray
        The int64 class maps, shape (n, size, size).
    classes : tuple of str
        :data:`SCENE_CLASSES`.
    ignore_index : int
        As given.

    Raises
    ------
    TypeError
        If `void_border` or `ignore_index` is not an int (and as :func:`make_scenes`).
    ValueError
        If `void_border` is negative or `ignore_index` is a class id (and as :func:`make_scenes`).

    Examples
    --------
    >>> dataset = SceneDataset(3, size=48, seed=1)
    >>> image, labels = dataset[0]
    >>> len(dataset), image.shape, image.dtype, labels.shape, labels.dtype
    (3, torch.Size([3, 48, 48]), torch.float32, torch.Size([48, 48]), torch.int64)
    >>> int((SceneDataset(3, size=48, seed=1, void_border=1, ignore_index=-1).labels == -1).sum()) > 0
    True
    """

    classes = SCENE_CLASSES

    def __init__(self, n: int, *, size: int = 128, seed: int = 0, simple: bool = False, void_border: int = 0,
                 ignore_index: int = 255) -> None:
        void_border = check_int(void_border, name="void_border", minimum=0)
        self.ignore_index = check_ignore_index(ignore_index, num_classes=len(SCENE_CLASSES))
        self.images, self.labels = make_scenes(n, size=size, seed=seed, simple=simple)
        if void_border:
            footprint = np.ones((1, 2 * void_border + 1, 2 * void_border + 1), dtype=bool)  # each scene on its own
            near_boundary = dilation(self.labels, footprint) != erosion(self.labels, footprint)
            self.labels[near_boundary] = self.ignore_index

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the normalized float image [3, H, W] and its int64 class map [H, W]."""
        return images_to_batch(self.images[index])[0], torch.from_numpy(self.labels[index])
