"""The explorers' pixel probe: pictures big enough to read, a crosshair on one pixel, and what the model says there.

Pure functions; :mod:`segtutor.widgets` wires sliders and clicks to them.
Pixels are always named by (row, column) in the original image. A picture
enlarged by an integer `factor` shows original pixel ``(r, c)`` as the
``factor x factor`` block of display rows ``r * factor .. r * factor + factor - 1``
and the same columns, so every original pixel stays square and whole.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import numpy as np

from .._checks import as_image_array, check_int, describe_array

__all__ = ["MIN_LONG_SIDE", "crosshair", "enlarge", "enlarge_factor", "panels_picture", "pixel_at", "probe_html", "readable",
           "readout_html", "top_classes"]

MIN_LONG_SIDE = 384
"""Long side, in display pixels, below which the explorers enlarge a picture."""

_WHITE, _BLACK = (255, 255, 255), (0, 0, 0)


def enlarge_factor(shape: Sequence[int], *, min_long_side: int = MIN_LONG_SIDE) -> int:
    """The smallest integer factor that brings the long side of an (H, W, ...) picture to `min_long_side` or more.

    Examples
    --------
    >>> enlarge_factor((160, 160, 3)), enlarge_factor((128, 128)), enlarge_factor((300, 451, 3)), enlarge_factor((40, 90))
    (3, 3, 1, 5)
    """
    min_long_side = check_int(min_long_side, name="min_long_side", minimum=1)
    long_side = max(int(shape[0]), int(shape[1]), 1)
    return max(1, -(-min_long_side // long_side))


def enlarge(picture: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement: every pixel becomes a `factor` x `factor` block.

    Parameters
    ----------
    picture : numpy.ndarray
        Array of shape (H, W) or (H, W, C).
    factor : int
        At least 1; 1 returns `picture` itself.

    Returns
    -------
    numpy.ndarray
        Shape ``(H * factor, W * factor, ...)``, same dtype.

    Examples
    --------
    >>> enlarge(np.array([[1, 2], [3, 4]]), 2)
    array([[1, 1, 2, 2],
           [1, 1, 2, 2],
           [3, 3, 4, 4],
           [3, 3, 4, 4]])
    """
    factor = check_int(factor, name="factor", minimum=1)
    if not isinstance(picture, np.ndarray) or picture.ndim not in (2, 3):
        raise TypeError(f"`picture` must be an array of shape (H, W) or (H, W, C), got {describe_array(picture)}")
    if factor == 1:
        return picture
    height, width = picture.shape[:2]
    blocks = np.broadcast_to(picture[:, None, :, None], (height, factor, width, factor) + picture.shape[2:])
    return blocks.reshape((height * factor, width * factor) + picture.shape[2:])


def readable(picture: np.ndarray, *, min_long_side: int = MIN_LONG_SIDE) -> tuple[np.ndarray, int]:
    """Enlarge a small picture to `min_long_side` or more on its long side: the picture and its factor.

    Examples
    --------
    >>> picture, factor = readable(np.zeros((128, 100, 3), np.uint8))
    >>> picture.shape, factor
    ((384, 300, 3), 3)
    """
    factor = enlarge_factor(picture.shape, min_long_side=min_long_side)
    return enlarge(picture, factor), factor


def panels_picture(panels: Sequence[np.ndarray], *, pixel: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """Pictures of one image side by side, each enlarged by :func:`readable`'s factor, with a crosshair on each.

    Parameters
    ----------
    panels : sequence of numpy.ndarray
        uint8 (H, W, 3) pictures of the same (H, W).
    pixel : (int, int), optional
        (row, column) of the crosshair, in original pixels; none by default.

    Returns
    -------
    picture : numpy.ndarray
        uint8 (H * factor, len(panels) * W * factor, 3).
    factor : int
        The enlargement factor.

    Examples
    --------
    >>> picture, factor = panels_picture([np.zeros((100, 80, 3), np.uint8)] * 2, pixel=(50, 40))
    >>> picture.shape, factor, picture[50 * 4 + 2, 0].tolist()
    ((400, 640, 3), 4, [255, 255, 255])
    """
    factor = enlarge_factor(panels[0].shape)
    shown = [enlarge(panel, factor) for panel in panels]
    if pixel is not None:
        shown = [crosshair(panel, *pixel, factor=factor) for panel in shown]
    return np.hstack(shown), factor


def crosshair(picture: np.ndarray, row: int, col: int, *, factor: int = 1) -> np.ndarray:
    """A copy of an enlarged picture with a crosshair pointing at original pixel (`row`, `col`).

    A horizontal and a vertical line, white with a black edge on each side,
    run through the centre of the pixel's block: display row
    ``row * factor + factor // 2`` and column ``col * factor + factor // 2``.
    They stop one block short of the pixel on every side, so the pixel and
    its 8 neighbours keep their colours.

    Parameters
    ----------
    picture : numpy.ndarray or PIL.Image.Image
        uint8 (H * factor, W * factor, 3) picture, already enlarged by `factor`.
    row, col : int
        The pixel, in original-image pixels.
    factor : int, optional
        The picture's enlargement factor.

    Returns
    -------
    numpy.ndarray
        A new uint8 array, the shape of `picture`.

    Raises
    ------
    ValueError
        If the pixel lies outside the picture.

    Examples
    --------
    >>> crosshair(np.full((1, 7, 3), 9, np.uint8), 0, 3)[0, :, 0].tolist()  # the gap, then white
    [255, 255, 9, 9, 9, 255, 255]
    """
    picture = as_image_array(picture, name="picture").copy()
    factor = check_int(factor, name="factor", minimum=1)
    height, width = picture.shape[0] // factor, picture.shape[1] // factor
    row, col = _check_pixel(row, col, (height, width))
    top, left = row * factor, col * factor
    centre_row, centre_col = top + factor // 2, left + factor // 2
    outside_rows = np.r_[0:max(top - factor, 0), top + 2 * factor:picture.shape[0]]
    outside_cols = np.r_[0:max(left - factor, 0), left + 2 * factor:picture.shape[1]]
    for offset, color in ((-1, _BLACK), (1, _BLACK), (0, _WHITE)):
        if 0 <= centre_row + offset < picture.shape[0]:
            picture[centre_row + offset, outside_cols] = color
        if 0 <= centre_col + offset < picture.shape[1]:
            picture[outside_rows, centre_col + offset] = color
    return picture


def _check_pixel(row: int, col: int, shape: Sequence[int]) -> tuple[int, int]:
    row, col = check_int(row, name="row"), check_int(col, name="col")
    if not (0 <= row < shape[0] and 0 <= col < shape[1]):
        raise ValueError(f"the pixel (`row`, `col`) must lie in an image of {shape[0]}x{shape[1]} (H x W), got ({row}, {col})")
    return row, col


def top_classes(probs: np.ndarray, row: int, col: int, *, k: int = 3) -> list[tuple[int, float]]:
    """The `k` most probable classes at one pixel, most probable first.

    Parameters
    ----------
    probs : numpy.ndarray
        float (C, H, W) softmax probabilities, NaN where the model did not look
        (as :func:`segtutor.segment` returns them).
    row, col : int
        The pixel.
    k : int, optional
        How many classes, at least 1 (fewer when there are fewer classes).

    Returns
    -------
    list of (int, float)
        (class id, probability) pairs; ties keep the lower class id first.
        Empty where the probabilities are NaN.

    Examples
    --------
    >>> probs = np.array([[[0.1]], [[0.6]], [[0.3]]])
    >>> [(c, round(p, 2)) for c, p in top_classes(probs, 0, 0, k=2)]
    [(1, 0.6), (2, 0.3)]
    """
    if not isinstance(probs, np.ndarray) or probs.ndim != 3 or not np.issubdtype(probs.dtype, np.floating):
        raise TypeError(f"`probs` must be a float array of shape (C, H, W), got {describe_array(probs)}")
    row, col = _check_pixel(row, col, probs.shape[1:])
    k = check_int(k, name="k", minimum=1)
    values = probs[:, row, col]
    if np.isnan(values).any():
        return []
    order = np.argsort(-values, kind="stable")[:k]
    return [(int(c), float(values[c])) for c in order]


def probe_html(labels: np.ndarray, probs: np.ndarray, row: int, col: int, *, names: Sequence[str], title: str = "",
               random: bool = False) -> str:
    """One line of HTML: the pixel's class, and its top 3 classes with their softmax probabilities.

    A model with random weights gets no probabilities: its line says it is
    noise, not a prediction, and names the class its argmax gives there.

    Parameters
    ----------
    labels : numpy.ndarray
        int (H, W) class map.
    probs : numpy.ndarray
        float (C, H, W) probabilities behind it, NaN where the model did not look.
    row, col : int
        The pixel.
    names : sequence of str
        Class names, indexed by class id.
    title : str, optional
        What the line is about (e.g. a model's name), written before it.
    random : bool, optional
        Whether the model has random weights.

    Examples
    --------
    >>> probs = np.array([[[0.25, 0.1]], [[0.75, 0.9]]])
    >>> probe_html(np.array([[1, 1]]), probs, 0, 1, names=["background", "disc"], title="tiny")
    'tiny: <b>disc</b> (id 1) · top 3: disc 90.0%, background 10.0%'
    >>> probe_html(np.array([[1, 1]]), probs, 0, 1, names=["background", "disc"], random=True)
    '<i>random weights: noise, not a prediction</i> (its argmax here: disc, id 1)'
    """
    label = int(labels[_check_pixel(row, col, labels.shape)])
    lead = f"{html.escape(title)}: " if title else ""
    ranked = top_classes(probs, row, col, k=3)
    if not ranked:
        return f"{lead}<i>not seen by the model</i> (label {label}: outside what it was shown)"
    name = names[label] if 0 <= label < len(names) else "void"
    if random:
        return f"{lead}<i>random weights: noise, not a prediction</i> (its argmax here: {html.escape(name)}, id {label})"
    top = ", ".join(f"{html.escape(names[c])} {100 * p:.1f}%" for c, p in ranked)
    return f"{lead}<b>{html.escape(name)}</b> (id {label}) · top 3: {top}"


def readout_html(row: int, col: int, lines: Iterable[str]) -> str:
    """The probe's readout: the pixel's coordinates, then one line per model (from :func:`probe_html`).

    Examples
    --------
    >>> readout_html(4, 7, ["a", "b"])
    '<b>pixel: row 4, column 7</b><br>a<br>b'
    """
    return f"<b>pixel: row {int(row)}, column {int(col)}</b>" + "".join(f"<br>{line}" for line in lines)


def pixel_at(x: float, y: float, *, factor: int, shape: Sequence[int], panels: int = 1) -> tuple[int, int]:
    """The original pixel (row, column) under a click on a picture of `panels` enlarged panels side by side.

    Parameters
    ----------
    x, y : float
        The click in the picture's own pixels (ipyevents' ``dataX``, ``dataY``).
    factor : int
        The panels' enlargement factor.
    shape : (int, int)
        The original image's (H, W); every panel shows it.
    panels : int, optional
        How many panels stand side by side.

    Returns
    -------
    (int, int)
        The pixel, clipped into the image.

    Examples
    --------
    >>> pixel_at(10, 7, factor=3, shape=(160, 160))
    (2, 3)
    >>> pixel_at(480 + 10, 7, factor=3, shape=(160, 160), panels=3)  # the second panel: the same pixel
    (2, 3)
    """
    factor = check_int(factor, name="factor", minimum=1)
    height, width = int(shape[0]), int(shape[1])
    column = int(x // factor) % width if 0 <= x < width * factor * panels else int(x // factor)
    return int(np.clip(int(y // factor), 0, height - 1)), int(np.clip(column, 0, width - 1))
