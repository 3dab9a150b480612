"""Notebook 13 · upsampling and skips: the receptive field of a chain of layers, and typical wrong answers."""

from _reference import reference

receptive_field = reference(__file__, "receptive_field")  # the reference solution, kept once in course/source


def ignores_stride(layers):
    return 1 + sum(dilation * (kernel - 1) for kernel, stride, dilation in layers)


def ignores_dilation(layers):
    field, jump = 1, 1
    for kernel, stride, _dilation in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


def stride_first(layers):
    field, jump = 1, 1
    for kernel, stride, dilation in layers:
        jump *= stride
        field += dilation * (kernel - 1) * jump
    return field


def returns_float(layers):
    return float(receptive_field(layers))


EXERCISES = [
    ("check_receptive_field_function", "receptive_field", [
        (ignores_stride,
         'Not yet. On a random chain of (kernel, stride, dilation) your result is off. A layer after a stride-2 layer steps 2 input pixels per pixel: multiply by the product of the earlier strides.'),
        (ignores_dilation,
         'Not yet. On a random chain of (kernel, stride, dilation) your result is off. A dilated kernel of size k spans d(k - 1) + 1 pixels: multiply by the dilation.'),
        (stride_first,
         "Not yet. On a random chain of (kernel, stride, dilation) your result is off. A layer's own stride only affects the layers after it: update the product after adding."),
        (returns_float,
         'Not yet. Return the receptive field as an int, got float.'),
    ]),
]
