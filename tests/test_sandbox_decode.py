"""The sandbox's decoder refuses every malformed message with WireError, and builds nothing it was not sent."""

import pytest

from segtutor.exercises import _sandbox_decode as decode
from segtutor.exercises import _sandbox_wire as wire


@pytest.mark.parametrize(("tree", "blobs"), [
    ({"array": 0, "dtype": "|O", "shape": [1]}, [b"12345678"]),  # object arrays would unpickle
    ({"array": 0, "dtype": "<f8", "shape": [1000]}, [b"12345678"]),  # shape and data disagree
    ({"array": 5, "dtype": "<f8", "shape": [1]}, [b"12345678"]),
    ({"ref": 3}, []),
    ({"pickle": "gASVAAAAAAAAAAAu"}, []),
    ({"module": "os.system", "args": {"dict": []}, "training": True, "children": [], "params": [], "buffers": []}, []),
    ({"module": "torch.nn.modules.conv.Conv2d",  # 4 TB of weights, if it were built: it is not, the data is missing
      "args": {"dict": [["in_channels", 10**6], ["out_channels", 10**6], ["kernel_size", 1], ["stride", 1],
                        ["padding", 0], ["dilation", 1], ["groups", 1], ["bias", False], ["padding_mode", "zeros"]]},
      "training": True, "children": [], "params": [], "buffers": []}, []),
    ({"opaque": "x; import os"}, []),
    ([1, 2], []),
])
def test_malformed_messages_are_refused(tree, blobs):
    with pytest.raises(wire.WireError):
        decode.Decoder(blobs, []).value(tree)
