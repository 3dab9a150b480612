"""What segtutor knows about a model (segtutor.models._spec): ModelSpec's one build path, the spec a
model carries, and ShippedWeights. The registry's own specs are tested in tests/test_registry.py."""

import dataclasses
from pathlib import Path

import pytest
import torch

from segtutor import CheckpointError, get_spec
from segtutor.models import ModelSpec
from segtutor.models._checkpoints import Checkpoint, read_state_dict
from segtutor.models._spec import ShippedWeights


class Net(torch.nn.Module):
    """A small architecture that records what its builder was given."""

    def __init__(self, num_classes, weights="unset", weights_backbone="unset", aux_loss=False, width=4):
        super().__init__()
        self.given = {"num_classes": num_classes, "weights": weights, "weights_backbone": weights_backbone,
                      "aux_loss": aux_loss, "width": width}
        self.conv = torch.nn.Conv2d(3, width, 1)
        self.head = torch.nn.Conv2d(width, num_classes, 1)


def plain_builder(num_classes, width=4):
    return Net(num_classes, width=width)


def _transform():
    return "the transform"


WEIGHTS = ShippedWeights(Path("nets/net.pt"), transforms=_transform, meta={"categories": ["sky", "sea", "boat"]}, name="NET")
SPEC = ModelSpec(name="net", builder=Net, weights=WEIGHTS, palette="voc")
PLAIN = ModelSpec(name="plain", builder=plain_builder, weights=WEIGHTS, palette="voc")


# --- ShippedWeights and what the spec reads from its weights ---

def test_shipped_weights_describe_themselves_and_are_frozen():
    assert str(WEIGHTS) == "net.pt, shipped with segtutor"
    assert str(ShippedWeights("https://example.org/n.pth", _transform, {"categories": []}, name="V1")) == "V1 from https://example.org/n.pth"
    assert ShippedWeights(Path("a.pt"), _transform, {}).name == "SHIPPED"
    assert hash(WEIGHTS) == hash(ShippedWeights(Path("nets/net.pt"), _transform, {"categories": ["other"]}, name="NET"))  # meta is left out
    with pytest.raises(dataclasses.FrozenInstanceError):
        WEIGHTS.name = "other"


def test_a_spec_reads_its_classes_transforms_and_checkpoint_from_its_weights():
    assert SPEC.categories == ("sky", "sea", "boat")
    assert SPEC.transforms is _transform and SPEC.transforms() == "the transform"
    assert SPEC.checkpoint == Path("nets/net.pt") and SPEC.pretrained == "net.pt, shipped with segtutor"
    assert SPEC.reader is read_state_dict and SPEC.note == ""
    with pytest.raises(ValueError, match=r"^'net' has no published metrics: only torchvision's weights publish them$"):
        _ = SPEC.metrics


def test_relabelled_changes_only_the_class_names():
    spec = SPEC.relabelled(["a", "b"])
    assert spec.categories == ("a", "b") and SPEC.categories == ("sky", "sea", "boat")
    assert (spec.name, spec.builder, spec.palette, spec.reader) == (SPEC.name, SPEC.builder, SPEC.palette, SPEC.reader)
    assert spec.transforms is SPEC.transforms and spec.checkpoint == SPEC.checkpoint and spec.weights.name == "NET"


def test_has_aux_follows_the_builders_signature():
    assert SPEC.has_aux and not PLAIN.has_aux
    assert get_spec("fcn_resnet101").has_aux and not get_spec("lraspp_mobilenet_v3_large").has_aux
    assert not get_spec("tiny").has_aux


# --- build: the one build path ---

def test_build_passes_the_class_count_no_download_and_the_aux_head():
    assert SPEC.build().given == {"num_classes": 3, "weights": None, "weights_backbone": None, "aux_loss": True, "width": 4}
    assert PLAIN.build().given == {"num_classes": 3, "weights": "unset", "weights_backbone": "unset", "aux_loss": False, "width": 4}


def test_build_gives_a_fresh_eval_mode_model_carrying_its_spec():
    first, second = SPEC.build(), SPEC.build()
    assert first is not second and not first.training and not second.training
    assert ModelSpec.of(first) is SPEC and ModelSpec.of(second) is SPEC
    assert {p.data_ptr() for p in first.parameters()}.isdisjoint(p.data_ptr() for p in second.parameters())


def test_torch_manual_seed_decides_the_random_weights():
    torch.manual_seed(5)
    a = SPEC.build().state_dict()
    torch.manual_seed(5)
    b = SPEC.build().state_dict()
    torch.manual_seed(6)
    c = SPEC.build().state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["conv.weight"], c["conv.weight"])
    torch.manual_seed(5)
    tiny_a = get_spec("tiny").build().state_dict()
    torch.manual_seed(5)
    tiny_b = get_spec("tiny").build().state_dict()
    assert all(torch.equal(tiny_a[k], tiny_b[k]) for k in tiny_a)


def test_build_copies_a_checkpoints_state_and_arguments(tmp_path):
    state = {k: torch.full_like(v, 0.5) for k, v in Net(3, width=2).state_dict().items()}
    model = SPEC.build(Checkpoint(tmp_path / "w.pt", state, arguments={"width": 2}))
    assert model.given["width"] == 2 and not model.training and ModelSpec.of(model) is SPEC
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())
    state["conv.weight"].fill_(-1)  # the checkpoint's tensors are not the model's
    assert (model.conv.weight == 0.5).all()


def test_a_checkpoint_with_its_own_classes_relabels_the_models_spec(tmp_path):
    state = Net(2).state_dict()
    model = SPEC.build(Checkpoint(tmp_path / "w.pt", state, categories=("cat", "dog")))
    assert model.given["num_classes"] == 2 and ModelSpec.of(model).categories == ("cat", "dog")
    assert ModelSpec.of(model).transforms is SPEC.transforms
    same = SPEC.build(Checkpoint(tmp_path / "w.pt", Net(3).state_dict(), categories=("sky", "sea", "boat")))
    assert ModelSpec.of(same) is SPEC  # the spec's own classes: the spec itself


def test_build_refuses_a_checkpoint_for_another_architecture_naming_the_file_and_the_fix(tmp_path):
    state = Net(5).state_dict()
    with pytest.raises(CheckpointError, match=r"^checkpoint file '.*w\.pt' does not fit Net: 2 shape mismatches \(e\.g\. head\.weight: checkpoint \(5, 4, 1, 1\) vs model \(3, 4, 1, 1\), head\.bias: checkpoint \(5,\) vs model \(3,\)\)\. Is it for another architecture or another number of classes\? Train it again\.$"):
        SPEC.build(Checkpoint(tmp_path / "w.pt", state, fix="Train it again."))


# --- the spec a model carries ---

def test_attach_and_of():
    model = torch.nn.Conv2d(3, 2, 1)
    assert ModelSpec.of(model) is None and ModelSpec.of(object()) is None
    assert SPEC.attach(model) is model and ModelSpec.of(model) is SPEC
    assert PLAIN.attach(model) is model and ModelSpec.of(model) is PLAIN  # attached again: the last spec
