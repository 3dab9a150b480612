"""The sandbox's proxy: a call's return value and its arguments' post-call state come back into the checker's objects."""

import numpy as np
import pytest
import torch
from torch import nn

from segtutor.exercises import _sandbox_wire as wire
from segtutor.exercises._sandbox_learner import _apply, _Learner

SEGMENTER = '''
import torch
from PIL import Image
from torch import nn

def new_head(model, scores):
    scores *= 2  # an array edited in place
    model.classifier = nn.Conv2d(model.classifier.in_channels, 7, 1)
    with torch.no_grad():
        model.classifier.weight.fill_(0.5)
    model.backbone[0].weight.requires_grad_(False)
    model.eval()
    return model, model.classifier, scores.sum()
'''


def test_the_proxy_brings_back_in_place_edits_flags_and_a_replaced_layer():
    from segtutor.exercises.transfer import _Segmenter

    model, scores = _Segmenter(torch.Generator().manual_seed(0)).train(), np.arange(4.0)
    backbone = model.backbone[1].running_mean.clone()
    with _Learner(20.0, 2 * 2**30) as learner:
        learner.load(SEGMENTER, "new_head")
        returned, head, total = learner(model, scores)
    assert returned is model and head is model.classifier and not model.training
    assert isinstance(head, nn.Conv2d) and head.out_channels == 7 and torch.equal(head.weight, torch.full_like(head.weight, 0.5))
    assert model(torch.zeros(1, 3, 4, 4))["out"].shape == (1, 7, 4, 4)
    assert not model.backbone[0].weight.requires_grad and model.backbone[0].bias.requires_grad
    assert scores.tolist() == [0.0, 2.0, 4.0, 6.0] and total == 12.0 and type(total) is np.float64
    assert torch.equal(model.backbone[1].running_mean, backbone)


def test_a_forged_optimizer_state_changes_only_known_settings_of_their_own_type():
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    forged = optimizer.state_dict()
    forged["param_groups"][0].update(lr="0.25", momentum=0.0, foreach=True, evil=1)
    _apply(wire.OptimizerState("torch.optim.sgd.SGD", forged, None), optimizer, {})
    assert optimizer.param_groups[0]["lr"] == 0.5 and "evil" not in optimizer.param_groups[0]
    assert optimizer.param_groups[0]["params"] == list(model.parameters())
    with pytest.raises(wire.WireError, match="another number of parameter groups"):
        _apply(wire.OptimizerState("torch.optim.sgd.SGD", {"state": {}, "param_groups": []}, None), optimizer, {})
