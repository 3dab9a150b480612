import numpy as np
import pytest
import torch
import torchvision.transforms as T
from PIL import Image

from segtutor import IMAGENET_MEAN, IMAGENET_STD, describe, load_image, preprocess, seed_transform, trace_transform

SEED_MEAN = [0.485, 0.456, 0.406]
SEED_STD = [0.229, 0.224, 0.225]


def test_normalization_constants_match_the_seed_notes():
    assert IMAGENET_MEAN == pytest.approx(SEED_MEAN)
    assert IMAGENET_STD == pytest.approx(SEED_STD)


def test_preprocess_matches_a_hand_written_reference():
    image = load_image("chelsea")  # 451 x 300 (W x H)
    # Resize(256) scales the shorter side (300 -> 256); the longer side keeps the aspect ratio.
    resized = image.resize((384, 256), Image.BILINEAR)
    left, top = (384 - 224) // 2, (256 - 224) // 2
    crop = np.asarray(resized.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255
    expected = (crop - np.array(SEED_MEAN, np.float32)) / np.array(SEED_STD, np.float32)
    batch = preprocess(image)
    assert batch.shape == (1, 3, 224, 224) and batch.dtype == torch.float32
    np.testing.assert_allclose(batch[0].permute(1, 2, 0).numpy(), expected, atol=1e-5)


def test_resize_scales_the_shorter_side_for_portrait_and_landscape():
    transform = T.Resize(256)
    assert transform(Image.new("RGB", (600, 300))).size == (512, 256)
    assert transform(Image.new("RGB", (300, 600))).size == (256, 512)


def test_trace_shows_each_step_of_the_recipe():
    steps = trace_transform(seed_transform(), "chelsea")
    assert [name for name, _ in steps] == ["input", "Resize", "CenterCrop", "ToTensor", "Normalize"]
    assert [describe(result) for _, result in steps] == [
        "PIL RGB image, 451x300 (W x H)",
        "PIL RGB image, 384x256 (W x H)",
        "PIL RGB image, 224x224 (W x H)",
        "tensor of shape (3, 224, 224), dtype torch.float32",
        "tensor of shape (3, 224, 224), dtype torch.float32",
    ]
    to_tensor = steps[3][1]
    assert 0.0 <= float(to_tensor.min()) and float(to_tensor.max()) <= 1.0
    assert torch.equal(steps[-1][1], preprocess("chelsea")[0])


def test_custom_sizes():
    assert preprocess(np.zeros((40, 60, 3), np.uint8), resize=32, crop=16).shape == (1, 3, 16, 16)


def test_describe_arrays_and_other_objects():
    assert describe(np.zeros((2, 3), np.uint8)) == "array of shape (2, 3), dtype uint8"
    assert describe([1, 2]) == "list"


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match=r"`crop` and `resize` must satisfy 0 < crop <= resize, got crop=300, resize=256"):
        seed_transform(crop=300)
    with pytest.raises(TypeError, match=r"`resize` must be an int, got float"):
        seed_transform(resize=256.0)


def test_trace_refuses_a_single_transform():
    with pytest.raises(TypeError, match=r"`transform` must be a torchvision.transforms.Compose, got Resize"):
        trace_transform(T.Resize(8), "chelsea")
