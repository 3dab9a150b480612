"""The sandbox's wire format: values round trip as JSON plus blobs, frames and the allowlist are checked."""

import json
from collections import OrderedDict

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from segtutor.exercises import _sandbox_decode as decode
from segtutor.exercises import _sandbox_wire as wire


def test_values_round_trip_through_the_wire_format():
    objects: list = []
    value = [None, True, 3, 2.5, float("nan"), "s", (1, [2]), {1: "a"}, OrderedDict(out=torch.arange(3)),
             np.int64(4), np.float32(0.5), np.array([[1, 2]], np.uint8), torch.Size([2, 3]),
             torch.ones(2, requires_grad=True), Image.new("P", (2, 3), 5)]
    encoder = wire.Encoder(objects)
    tree = json.loads(json.dumps(encoder.value(value)))
    back = decode.Decoder(encoder.blobs, []).value(tree)
    assert back[:4] == value[:4] and np.isnan(back[4]) and back[5:8] == value[5:8]
    assert type(back[8]) is OrderedDict and torch.equal(back[8]["out"], value[8]["out"])
    assert type(back[9]) is np.int64 and back[9] == 4 and type(back[10]) is np.float32
    assert back[11].dtype == np.uint8 and back[11].tolist() == [[1, 2]] and back[12] == torch.Size([2, 3])
    assert back[13].requires_grad and back[14].mode == "P" and back[14].getpixel((1, 2)) == 5


def test_a_frame_header_that_is_not_json_is_refused():
    with pytest.raises(wire.WireError, match="a header that is not JSON"):
        wire.decode_header(b"\x80\x04\x95 pickle")
    with pytest.raises(wire.WireError, match="a malformed header"):
        wire.decode_header(json.dumps({"message": {}, "blobs": [2**40]}).encode())


def test_a_module_outside_the_allowlist_is_not_carried():
    class Mine(nn.Module):
        pass

    with pytest.raises(wire.Unsupported, match="a Mine module"):
        wire.Encoder([]).value(Mine())
