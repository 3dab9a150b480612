"""Random class maps shared by the counting and confusion-matrix tests."""

import numpy as np


def random_maps(seed, shape=(4, 23, 17)):
    """Target with ignored pixels and classes 0..3 of 6; prediction with classes 0..4: class 4 is
    predicted but never true, class 5 absent from both."""
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 4, size=shape)
    target[rng.random(shape) < 0.1] = 255
    pred = np.where(rng.random(shape) < 0.6, target, rng.integers(0, 5, size=shape))
    pred[target == 255] = rng.integers(0, 5, size=int((target == 255).sum()))
    return pred, target
