"""The seed notes' colour table and per-class decode loop, kept verbatim as the reference.

The tests (tests/test_palettes.py, tests/test_visualize.py) and
benchmarks/bench_decode_segmap.py import them from here; nothing else copies them.
"""

import numpy as np

# The seed notes' hand-typed table for VOC classes 0-20.
SEED_VOC_COLORS = [
    (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
    (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0), (64, 128, 0),
    (192, 128, 0), (64, 0, 128), (192, 0, 128), (64, 128, 128), (192, 128, 128),
    (0, 64, 0), (128, 64, 0), (0, 192, 0), (128, 192, 0), (0, 64, 128),
]


def seed_decode_segmap(image, nc=21):
    """The seed notes' loop over classes, as printed there."""
    label_colors = np.array(SEED_VOC_COLORS)
    r = np.zeros_like(image).astype(np.uint8)
    g = np.zeros_like(image).astype(np.uint8)
    b = np.zeros_like(image).astype(np.uint8)
    for l in range(0, nc):
        idx = image == l
        r[idx] = label_colors[l, 0]
        g[idx] = label_colors[l, 1]
        b[idx] = label_colors[l, 2]
    rgb = np.stack([r, g, b], axis=2)
    return rgb
