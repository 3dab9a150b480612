import pytest
import torch
import torchvision

from segtutor import load_model
from segtutor.models import ModelSpec
from segtutor.training import freeze_backbone, replace_heads, trainable_parameters


def _lraspp():
    return torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)


def _deeplab():
    return torchvision.models.segmentation.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=True)


def test_lraspp_gets_new_low_and_high_classifiers_and_keeps_the_rest():
    torch.manual_seed(0)
    model = _lraspp().eval()
    new = replace_heads(model, 5)
    assert new.classifier.low_classifier.out_channels == new.classifier.high_classifier.out_channels == 5
    assert model.classifier.high_classifier.out_channels == 21  # the original is untouched
    old, fresh = model.state_dict(), new.state_dict()
    kept = [k for k in old if "low_classifier" not in k and "high_classifier" not in k]
    assert all(torch.equal(old[k], fresh[k]) for k in kept) and len(kept) == len(fresh) - 4
    assert not new.training
    with torch.no_grad():
        assert new(torch.zeros(1, 3, 64, 64))["out"].shape == (1, 5, 64, 64)


def test_deeplab_gets_new_classifier_and_aux_outputs():
    model = _deeplab().train()
    new = replace_heads(model, 3)
    assert new.classifier[4].out_channels == 3 and new.aux_classifier[4].out_channels == 3
    assert torch.equal(new.classifier[0].convs[0][0].weight, model.classifier[0].convs[0][0].weight)  # ASPP kept
    assert new.training
    output = new.eval()(torch.zeros(1, 3, 64, 64))
    assert output["out"].shape == output["aux"].shape == (1, 3, 64, 64)


def test_new_heads_are_seeded_and_the_global_generator_is_untouched():
    model = _lraspp()
    torch.manual_seed(5)
    expected = torch.rand(2)
    torch.manual_seed(5)
    first, second, other = replace_heads(model, 5), replace_heads(model, 5), replace_heads(model, 5, seed=1)
    assert torch.equal(torch.rand(2), expected)
    assert torch.equal(first.classifier.high_classifier.weight, second.classifier.high_classifier.weight)
    assert not torch.equal(first.classifier.high_classifier.weight, other.classifier.high_classifier.weight)


def test_replace_heads_drops_the_spec_of_the_old_classes():
    model = load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu", cache=False)
    assert ModelSpec.of(model) is not None
    assert ModelSpec.of(replace_heads(model, 5)) is None and ModelSpec.of(model) is not None


def test_freeze_and_unfreeze_count_the_trainable_parameters_and_keep_the_mode():
    model = _lraspp().eval()
    total = sum(p.numel() for p in model.parameters())
    head = sum(p.numel() for p in model.classifier.parameters())
    assert freeze_backbone(model) == head == trainable_parameters(model)
    assert all(not p.requires_grad for p in model.backbone.parameters()) and not model.training
    assert freeze_backbone(model, frozen=False) == total
    assert not model.training


def test_frozen_backbone_does_not_move_in_a_training_step():
    torch.manual_seed(0)
    model = replace_heads(_lraspp(), 5)
    freeze_backbone(model)
    model.train()
    model.backbone.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    loss = torch.nn.functional.cross_entropy(model(torch.randn(2, 3, 64, 64))["out"], torch.randint(0, 5, (2, 64, 64)))
    loss.backward()
    optimizer.step()
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("backbone."))
    assert not torch.equal(before["classifier.high_classifier.weight"], after["classifier.high_classifier.weight"])


def test_refuses_what_is_not_a_segmentation_model():
    with pytest.raises(TypeError, match=r"`model` must be a torchvision segmentation model with .backbone and .classifier, got Conv2d"):
        replace_heads(torch.nn.Conv2d(3, 3, 1), 5)
    with pytest.raises(TypeError, match=r"`frozen` must be a bool, got int"):
        freeze_backbone(_lraspp(), 1)
    with pytest.raises(ValueError, match=r"`num_classes` must be at least 2, got 1"):
        replace_heads(_lraspp(), 1)
    with pytest.raises(TypeError, match=r"`model` must be a torch.nn.Module, got str"):
        trainable_parameters("model")
