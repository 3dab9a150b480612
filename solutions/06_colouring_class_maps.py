"""Notebook 06 · colouring class maps: decode_segmap with a lookup table."""

import numpy as np
from _reference import reference

decode = reference(__file__, "decode")  # the reference solution, kept once in course/source


def indexes_directly(labels, table):
    return table[labels]


def only_255_is_void(labels, table):
    return table[np.where(labels == 255, len(table) - 1, labels)]


def clips_to_last_class(labels, table):
    void = len(table) - 1
    return np.where((labels == 255)[..., None], table[void], table[np.minimum(labels, void - 1)])


def reverses_channels(labels, table):
    return decode(labels, table)[..., ::-1]


def channels_first(labels, table):
    return np.moveaxis(decode(labels, table), -1, 0)


def loops_over_classes(labels, table):
    rgb = np.zeros(labels.shape + (3,), np.uint8)
    for class_id in range(len(table) - 1):
        rgb[labels == class_id] = table[class_id]
    return rgb


def returns_floats(labels, table):
    return decode(labels, table) / 255


def copies_ids(labels, table):
    return np.stack([labels] * 3, axis=-1)


EXERCISES = [
    ("check_decode_function", "decode", [
        (indexes_directly, "Not yet. Every id outside the classes, K and up (not only 255), must get the table's last row, "
                           "the void colour, yet your function failed on them (on a map of 4x6 pixels with void (255) "
                           "pixels)."),
        (only_255_is_void, "Not yet. Every id outside the classes, K and up (not only 255), must get the table's last "
                           "row, the void colour, yet your function failed on them (on a batch of 3 maps of 4x5 pixels "
                           "with ids K (the number of classes) and above, not 255)."),
        (clips_to_last_class, "Not yet. Every id outside the classes, K and up (not only 255), gets the table's last "
                              "row, the void colour (on a batch of 3 maps of 4x5 pixels with ids K (the number of "
                              "classes) and above, not 255)."),
        (reverses_channels, "Not yet. Your channels come in reverse order (B, G, R): keep the table's (R, G, B) order "
                            "(on a map of 5x7 pixels)."),
        (channels_first, "Not yet. Images put the colour last: shape labels.shape + (3,), not (3, H, W) "
                         "(on a map of 5x7 pixels)."),
        (loops_over_classes, "Not yet. Every id outside the classes, K and up (not only 255), gets the table's last row, "
                             "the void colour (on a map of 4x6 pixels with void (255) pixels)."),
        (returns_floats, "Not yet. Your image must have an integer dtype, got float64 (on a map of 5x7 pixels)."),
        (copies_ids, "Not yet. Return uint8 colours, 0 to 255, as the table holds them; got int64 (on a map of 5x7 "
                     "pixels)."),
    ]),
]
