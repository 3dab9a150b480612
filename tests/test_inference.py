from collections import OrderedDict

import numpy as np
import pytest
import torch

from segtutor import classes_present, logits_to_labels, predict


class Doubler(torch.nn.Module):
    """A stand-in segmentation model: 'out' is 2*x, 'aux' is -x."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(2.0))

    def forward(self, x):
        return OrderedDict(out=self.scale * x, aux=-x)


def test_predict_returns_out_without_gradients():
    batch = torch.arange(12.0).reshape(1, 3, 2, 2)
    out = predict(Doubler(), batch)
    assert torch.equal(out, 2 * batch)
    assert not out.requires_grad


def test_predict_can_return_the_whole_dict():
    batch = torch.ones(2, 3, 1, 1)
    output = predict(Doubler(), batch, return_dict=True)
    assert list(output) == ["out", "aux"]
    assert torch.equal(output["aux"], -batch)


def test_predict_refuses_a_bad_batch():
    with pytest.raises(TypeError, match=r"`batch` must be a float tensor of shape \(N, 3, H, W\), got uint8 of shape \(1, 3, 2, 2\)"):
        predict(Doubler(), torch.zeros(1, 3, 2, 2, dtype=torch.uint8))
    with pytest.raises(ValueError, match=r"`batch` must be a float tensor of shape \(N, 3, H, W\), got float32 of shape \(3, 2, 2\)"):
        predict(Doubler(), torch.zeros(3, 2, 2))
    with pytest.raises(ValueError, match=r"`batch` must be a float tensor of shape \(N, 3, H, W\), got float32 of shape \(1, 4, 2, 2\)"):
        predict(Doubler(), torch.zeros(1, 4, 2, 2))


def test_argmax_over_the_class_axis_by_hand():
    # Two classes on a 2x2 image; class 1 wins on the diagonal.
    logits = torch.tensor([[[[0.0, 5.0], [5.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]]])
    labels = logits_to_labels(logits)
    assert labels.dtype == torch.int64
    assert labels.tolist() == [[[1, 0], [0, 1]]]


def test_logits_must_be_float_and_4d():
    with pytest.raises(TypeError, match=r"`logits` must be a float tensor of shape \(N, C, H, W\), got int64 of shape \(1, 2, 2, 2\)"):
        logits_to_labels(torch.zeros(1, 2, 2, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"`logits` must be a float tensor of shape \(N, C, H, W\), got float32 of shape \(2, 2, 2\)"):
        logits_to_labels(torch.zeros(2, 2, 2))


def test_classes_present_in_order_for_numpy_and_torch():
    names = ["__background__", "aeroplane", "bicycle"]
    labels = np.array([[2, 0], [2, 2]])
    assert classes_present(labels, names) == ["__background__", "bicycle"]
    assert classes_present(torch.as_tensor(labels)[None], names) == ["__background__", "bicycle"]


def test_classes_present_refuses_float_labels():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), got float32 of shape \(3, 4, 4\)"):
        classes_present(np.zeros((3, 4, 4), np.float32), ["a"])
