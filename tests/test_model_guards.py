"""`model` must be a torch.nn.Module with parameters in predict, segment and evaluate."""

from collections import OrderedDict

import numpy as np
import pytest
import torch

from segtutor import evaluate, predict, segment


class NoParameters(torch.nn.Module):
    def forward(self, x):
        return OrderedDict(out=x)


BATCH = torch.zeros(1, 3, 32, 32)
IMAGE = np.zeros((32, 32, 3), np.uint8)
DATA = [(torch.zeros(3, 32, 32), torch.zeros(32, 32, dtype=torch.long))]
CALLS = {
    "predict": lambda model: predict(model, BATCH),
    "segment": lambda model: segment(IMAGE, model=model),
    "evaluate": lambda model: evaluate(model, DATA, num_classes=3, progress=False),
}
MODULE = {"predict": "a torch.nn.Module", "segment": "a model name or a torch.nn.Module", "evaluate": "a torch.nn.Module"}


NOT_MODULES = [(None, "NoneType"), (lambda x: OrderedDict(out=x), "function"), (3, "int")]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(("model", "kind"), NOT_MODULES)
def test_a_model_that_is_not_a_module_is_a_type_error(call, model, kind):
    with pytest.raises(TypeError, match=rf"^`model` must be {MODULE[call]}, got {kind}$"):
        CALLS[call](model)


@pytest.mark.parametrize("call", CALLS)
def test_a_model_without_parameters_is_a_value_error(call):
    with pytest.raises(ValueError, match=r"^`model` must be a torch.nn.Module with parameters, got a NoParameters with none$"):
        CALLS[call](NoParameters())
