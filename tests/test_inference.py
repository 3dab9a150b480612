import copy
from collections import OrderedDict

import pytest
import torch

from segtutor import logits_to_labels, predict


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


class BatchNormNet(torch.nn.Module):
    """conv - BatchNorm - Dropout - conv, with running statistics far from a batch's own."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.body = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4),
                                        torch.nn.Dropout(0.5), torch.nn.Conv2d(4, 2, 1))
        self.body[1].running_mean.uniform_(-1, 1)
        self.body[1].running_var.uniform_(0.5, 2)
        self.body[1].num_batches_tracked.fill_(7)

    def forward(self, x):
        return OrderedDict(out=self.body(x))


def _snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}, [m.training for m in model.modules()]


def test_predict_on_a_model_left_in_train_mode_gives_the_eval_answer_and_changes_nothing():
    model = BatchNormNet().train()
    model.body[2].eval()  # a mixed mode must come back mixed, not all-train
    batch = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = copy.deepcopy(model).eval()(batch)["out"]
    state, modes = _snapshot(model)
    out = predict(model, batch)
    assert torch.equal(out, expected)
    after_state, after_modes = _snapshot(model)
    assert after_state.keys() == state.keys() and all(torch.equal(after_state[k], state[k]) for k in state)
    assert after_modes == modes == [True, True, True, True, False, True]


def test_predict_restores_the_mode_when_the_model_fails():
    class Failing(BatchNormNet):
        def forward(self, x):
            raise RuntimeError("boom")

    model = Failing().train()
    with pytest.raises(RuntimeError, match="boom"):
        predict(model, torch.zeros(1, 3, 4, 4))
    assert all(m.training for m in model.modules())


class Scaled(torch.nn.Module):
    """'out' is x * scale * scale: float16 overflows above 65504."""

    def __init__(self, scale, dtype):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(scale, dtype=dtype))

    def forward(self, x):
        return OrderedDict(out=x * self.scale * self.scale, aux=x)


def test_predict_refuses_float16_logits_that_overflowed_and_suggests_float32():
    batch = torch.full((1, 3, 2, 2), 300.0)
    with pytest.raises(FloatingPointError, match=r"^the model's 'out' output holds 12 non-finite values \(inf or NaN\) out of 12: the model runs in float16, which overflows easily: run it in float32 \(load_model\(name, half=False\), or model\.float\(\)\)$"):
        predict(Scaled(300.0, torch.float16), batch)
    assert torch.equal(predict(Scaled(300.0, torch.float32), batch), torch.full((1, 3, 2, 2), 300.0 ** 3))


def test_predict_refuses_nan_logits_of_a_float32_model():
    batch = torch.ones(1, 3, 2, 2)
    batch[0, 0, 0, 0] = float("nan")
    with pytest.raises(FloatingPointError, match=r"'out' output holds 1 non-finite values \(inf or NaN\) out of 12: check the model's weights and the batch for inf and NaN"):
        predict(Scaled(1.0, torch.float32), batch)


def test_predict_checks_aux_only_when_it_returns_it():
    class BadAux(Doubler):
        def forward(self, x):
            return OrderedDict(out=self.scale * x, aux=x / 0)

    assert torch.equal(predict(BadAux(), torch.ones(1, 3, 2, 2)), torch.full((1, 3, 2, 2), 2.0))
    with pytest.raises(FloatingPointError, match=r"the model's 'aux' output holds 12 non-finite values"):
        predict(BadAux(), torch.ones(1, 3, 2, 2), return_dict=True)


def test_predict_accepts_finite_logits_whose_sum_overflows():
    # 12 float16 logits of 40000 sum past float16's 65504, and 2 float32 ones of 3e38 past float32's
    # largest: every element is finite, so predict must not call them inf or NaN.
    out = predict(Scaled(200.0, torch.float16), torch.ones(1, 3, 2, 2))
    assert out.dtype == torch.float16 and torch.equal(out, torch.full((1, 3, 2, 2), 40000.0, dtype=torch.float16))
    batch = torch.zeros(1, 3, 2, 2)
    batch[0, 0, 0] = 3e38
    assert torch.equal(predict(Scaled(1.0, torch.float32), batch), batch)


def test_predict_checks_finite_logits_without_an_elementwise_pass(monkeypatch):
    # The check is one reduction: torch.isfinite only ever sees the 0-d sum of finite logits, never the
    # full-size output (isfinite on a channels-last [4, 21, 224, 224] output cost 11 of 52 ms).
    seen = []
    isfinite = torch.isfinite
    monkeypatch.setattr(torch, "isfinite", lambda t: seen.append(tuple(t.shape)) or isfinite(t))
    predict(Doubler(), torch.ones(2, 3, 4, 4), return_dict=True)
    assert seen == [(), ()]


def test_predict_leaves_a_model_in_eval_mode_untouched():
    # Switching modes is done only for the submodules found in train mode: an eval-mode model's
    # train() is never called, and a mixed model gets back exactly its own modes.
    calls = []

    class Counting(BatchNormNet):
        def train(self, mode=True):
            calls.append(mode)
            return super().train(mode)

    model = Counting().eval()
    calls.clear()
    predict(model, torch.zeros(1, 3, 4, 4))
    assert calls == [] and not any(m.training for m in model.modules())
    model.train()
    model.body[1].eval()
    calls.clear()
    predict(model, torch.zeros(1, 3, 4, 4))
    assert calls == [False] and [m.training for m in model.modules()] == [True, True, True, False, True, True]


class _Returns(torch.nn.Module):
    """A 1x1 convolution whose forward returns what `wrap` makes of its logits."""

    def __init__(self, wrap):
        super().__init__()
        self.conv, self.wrap = torch.nn.Conv2d(3, 2, 1), wrap

    def forward(self, batch):
        return self.wrap(self.conv(batch))


@pytest.mark.parametrize(("wrap", "what"), [
    (lambda logits: logits, r"returned a plain tensor of shape \(1, 2, 4, 4\)"),
    (lambda logits: (logits,), "returned a tuple"),
    (lambda logits: {"logits": logits}, "returned a dict with the keys 'logits' and no 'out' tensor"),
])
def test_predict_says_what_a_model_returned_instead_of_a_dict_with_out(wrap, what):
    # before: TypeError new(): invalid data type 'str', a tuple-indices TypeError, KeyError 'out'
    with pytest.raises(TypeError, match=r"`model` must return a dict with its logits under 'out', .*; _Returns " + what):
        predict(_Returns(wrap), torch.zeros(1, 3, 4, 4))
