import numpy as np
import pytest
import torch
import torchvision.transforms as T
from PIL import Image

from segtutor import IMAGENET_MEAN, IMAGENET_STD, describe, load_image, preprocess, seed_transform, tensor_to_image, trace_transform, unnormalize
from segtutor.data import channel_stats

SEED_MEAN = [0.485, 0.456, 0.406]
SEED_STD = [0.229, 0.224, 0.225]


def test_normalization_constants_match_the_seed_notes():
    assert pytest.approx(SEED_MEAN) == IMAGENET_MEAN
    assert pytest.approx(SEED_STD) == IMAGENET_STD


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
    assert float(to_tensor.min()) >= 0.0 and float(to_tensor.max()) <= 1.0
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


def test_unnormalize_inverts_normalize_on_an_image_and_a_batch():
    image = torch.rand(3, 5, 7, generator=torch.Generator().manual_seed(0))
    normalized = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)(image)
    torch.testing.assert_close(unnormalize(normalized), image)
    batch = torch.stack([normalized, normalized.flip(-1)])
    torch.testing.assert_close(unnormalize(batch), torch.stack([image, image.flip(-1)]))


def test_unnormalize_by_hand_with_other_constants():
    tensor = torch.tensor([[[1.0]], [[-1.0]], [[0.0]]])
    result = unnormalize(tensor, mean=(0.5, 0.25, 0.125), std=(0.5, 0.25, 2.0))
    assert result.flatten().tolist() == [1.0, 0.0, 0.125]
    assert result.dtype == torch.float32 and unnormalize(tensor.double()).dtype == torch.float64


def test_unnormalize_refuses_wrong_tensors():
    with pytest.raises(TypeError, match=r"`tensor` must be a float tensor of shape \(3, H, W\) or \(N, 3, H, W\), got uint8 of shape \(3, 2, 2\)"):
        unnormalize(torch.zeros(3, 2, 2, dtype=torch.uint8))
    with pytest.raises(ValueError, match=r"`tensor` must be a float tensor of shape \(3, H, W\) or \(N, 3, H, W\), got float32 of shape \(2, 2, 3\)"):
        unnormalize(torch.zeros(2, 2, 3))


def test_tensor_to_image_inverts_to_tensor_exactly():
    crop = trace_transform(seed_transform(), "chelsea")[2][1]
    normalized = preprocess("chelsea")[0]
    assert np.array_equal(tensor_to_image(unnormalize(normalized)), np.asarray(crop))
    assert np.array_equal(tensor_to_image(T.ToTensor()(crop)), np.asarray(crop))


def test_tensor_to_image_clips_rounds_and_moves_channels_last():
    tensor = torch.tensor([[[-0.5, 0.0, 0.2]], [[0.5, 1.0, 1.5]], [[0.998, 0.001, 0.003]]])
    result = tensor_to_image(tensor)
    assert result.dtype == np.uint8 and result.shape == (1, 3, 3)
    # 0.2 * 255 = 51; 0.998 * 255 = 254.49 -> 254; 0.003 * 255 = 0.765 -> 1
    assert result.tolist() == [[[0, 128, 254], [0, 255, 0], [51, 255, 1]]]


def test_tensor_to_image_refuses_batches():
    with pytest.raises(ValueError, match=r"`tensor` must be a float tensor of shape \(3, H, W\), got float32 of shape \(1, 3, 2, 2\)"):
        tensor_to_image(torch.zeros(1, 3, 2, 2))
    with pytest.raises(TypeError, match=r"`tensor` must be a float tensor of shape \(3, H, W\), got float64 of shape \(3, 2, 2\)"):
        tensor_to_image(np.zeros((3, 2, 2)))


def test_channel_stats_match_numpy():
    tensor = torch.rand(2, 3, 4, 5, generator=torch.Generator().manual_seed(1)) * 4 - 2
    table = channel_stats(tensor, decimals=6)
    values = tensor.numpy().transpose(1, 0, 2, 3).reshape(3, -1)
    assert [row["channel"] for row in table] == ["R", "G", "B"]
    for row, channel in zip(table, values):
        expected = [channel.mean(), channel.std(), channel.min(), channel.max()]
        np.testing.assert_allclose([row["mean"], row["std"], row["min"], row["max"]], expected, atol=2e-6)


def test_channel_stats_of_the_seed_recipe_show_normalize_at_work():
    steps = dict(trace_transform(seed_transform(), "chelsea"))
    before, after = channel_stats(steps["ToTensor"], decimals=6), channel_stats(steps["Normalize"], decimals=6)
    for i, (b, a) in enumerate(zip(before, after)):
        assert b["min"] >= 0.0 and b["max"] <= 1.0
        assert a["mean"] == pytest.approx((b["mean"] - IMAGENET_MEAN[i]) / IMAGENET_STD[i], abs=1e-5)
        assert a["std"] == pytest.approx(b["std"] / IMAGENET_STD[i], abs=1e-5)


def test_channel_stats_refuses_integer_tensors():
    with pytest.raises(TypeError, match=r"`tensor` must be a float tensor of shape \(3, H, W\) or \(N, 3, H, W\), got int64 of shape \(3, 1, 1\)"):
        channel_stats(torch.zeros(3, 1, 1, dtype=torch.int64))


def test_numpy_integer_sizes_count_as_ints():
    # issue 11: np.int64 sizes (e.g. from array arithmetic) used to be refused
    image = np.zeros((40, 60, 3), np.uint8)
    expected = preprocess(image, resize=32, crop=16)
    assert torch.equal(preprocess(image, resize=np.int64(32), crop=np.int32(16)), expected)
    with pytest.raises(TypeError, match=r"`resize` must be an int, got bool"):
        seed_transform(resize=True)


@pytest.fixture
def no_resizing(monkeypatch):
    """Make any resize or tensor conversion fail: a refused image must be refused before either allocates."""
    import torchvision.transforms.functional as TF

    def fail(*args, **kwargs):
        raise AssertionError("a refused image was resized or converted")

    monkeypatch.setattr(TF, "resize", fail)
    monkeypatch.setattr(TF, "to_tensor", fail)


def _thin_png(tmp_path, width, height):
    path = tmp_path / f"thin_{width}x{height}.png"
    Image.new("RGB", (width, height), (90, 120, 30)).save(path)
    return path


def test_a_thin_image_is_refused_before_resizing(tmp_path, no_resizing):
    path = _thin_png(tmp_path, 40000, 32)
    assert path.stat().st_size < 10_000  # a few KB that Resize(256) would blow up to 320000x256
    message = r"`image` is 40000x32 pixels, an aspect ratio of 1250:1; the limit is 10:1 \(crop it into pieces\)"
    with pytest.raises(ValueError, match=message):
        preprocess(path)
    with pytest.raises(ValueError, match=message):
        trace_transform(seed_transform(), path)


def test_preprocess_bounds_the_resized_size_and_refuses_empty_images(no_resizing):
    with pytest.raises(ValueError, match=r"`image` would be 3157x2100 = 6,629,700 pixels after resizing its shorter side to 2100"):
        preprocess("chelsea", resize=2100, crop=224)
    with pytest.raises(ValueError, match=r"`image` is empty: 5x0 pixels"):
        preprocess(np.zeros((0, 5, 3), np.uint8))
    with pytest.raises(ValueError, match=r"`image` is empty: 0x4 pixels"):
        trace_transform(seed_transform(), np.zeros((4, 0), np.uint8))


def test_images_up_to_the_limits_are_preprocessed():
    panorama = Image.new("RGB", (320, 32))  # 10:1, the limit: Resize gives 2560x256
    assert preprocess(panorama).shape == (1, 3, 224, 224)
    assert [describe(result) for _, result in trace_transform(seed_transform(), panorama)][1] == "PIL RGB image, 2560x256 (W x H)"
    assert preprocess("chelsea", resize=1600, crop=224).shape == (1, 3, 224, 224)  # 2405x1600: 3.85 MP


def test_segment_refuses_thin_and_huge_images_before_the_model_runs(tmp_path, no_resizing):
    from segtutor import load_model, segment

    tiny = load_model("tiny")
    lraspp = load_model("lraspp_mobilenet_v3_large", weights="random", cache=False)
    with pytest.raises(ValueError, match=r"`image` is 2000x32 pixels, an aspect ratio of 62.5:1; the limit is 10:1"):
        segment(_thin_png(tmp_path, 2000, 32), model=lraspp, preprocessing="weights")  # would be 32500x520
    with pytest.raises(ValueError, match=r"`image` is 33x331 pixels, an aspect ratio of 10\.03:1"):
        segment(Image.new("RGB", (33, 331)), model=tiny, preprocessing="seed")
    # a transform of one's own is bounded by the size its Resize gives (tiny's own resizes to 128: no refusal)
    with pytest.raises(ValueError, match=r"`image` would be 2001x2000 = 4,002,000 pixels after resizing its shorter side to 2000; the limit is 4,000,000"):
        segment(Image.new("RGB", (2001, 2000)), model=tiny, preprocessing=T.Compose([T.Resize(2000), T.ToTensor()]))


def test_crop_box_refuses_empty_and_malformed_sizes():
    from segtutor.models import crop_box

    with pytest.raises(ValueError, match=r"`size` must be \(width, height\) with both sides at least 1, got \(0, 5\)"):
        crop_box((0, 5))
    with pytest.raises(TypeError, match=r"`size` must be a \(width, height\) pair of ints, got \(4\.0, 5\)"):
        crop_box((4.0, 5))
    with pytest.raises(TypeError, match=r"`size` must be a \(width, height\) pair of ints, got \[4\]"):
        crop_box([4])
    assert crop_box((np.int64(451), 300)) == (94, 19, 357, 281)
