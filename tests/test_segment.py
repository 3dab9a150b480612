import sys
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torchvision.transforms as T
from PIL import Image

from segtutor import IMAGENET_MEAN, IMAGENET_STD, load_tiny_model, make_scenes, segment
from segtutor.data._images import check_image_size
from segtutor.models import crop_box

from ._checkpoint_files import cache_random_state


class RedDetector(torch.nn.Module):
    """Class 1 where the normalized red channel is above 0 (red > ImageNet mean), else class 0."""

    def __init__(self):
        super().__init__()
        self.gain = torch.nn.Parameter(torch.tensor(10.0))

    def forward(self, batch):
        red = batch[:, :1]
        return OrderedDict(out=torch.cat([-self.gain * red, self.gain * red], dim=1))


@pytest.fixture
def half_red():
    """64 wide x 48 high: left half pure red, right half black."""
    pixels = np.zeros((48, 64, 3), np.uint8)
    pixels[:, :32, 0] = 255
    return Image.fromarray(pixels)


def test_crop_box_by_hand():
    # 64x48 -> Resize(256) -> 341x256 (int(256*64/48) = 341); crop left = round(58.5) = 58, top = 16.
    # Back in the original: 58*64/341 = 10.9 -> 11, 16*48/256 = 3, 282*64/341 = 52.9 -> 53, 240*48/256 = 45.
    assert crop_box((64, 48)) == (11, 3, 53, 45)
    assert crop_box((48, 64)) == (3, 11, 45, 53)
    assert crop_box((256, 256)) == (16, 16, 240, 240)


@pytest.mark.parametrize("size", [(451, 300), (300, 451), (640, 480), (97, 331)])
def test_crop_box_matches_torchvisions_transforms(size):
    # Encode each pixel's x in red and y in green, run the real transforms with
    # nearest-neighbour resizing, and read where the crop's corners came from.
    width, height = size
    xs, ys = np.meshgrid(np.arange(width), np.arange(height))
    coded = Image.fromarray(np.stack([xs % 256, ys % 256, xs // 256 + 16 * (ys // 256)], -1).astype(np.uint8))
    crop = np.asarray(T.Compose([T.Resize(256, T.InterpolationMode.NEAREST), T.CenterCrop(224)])(coded)).astype(int)
    x0 = crop[0, 0, 0] + 256 * (crop[0, 0, 2] % 16)
    y0 = crop[0, 0, 1] + 256 * (crop[0, 0, 2] // 16)
    left, top, right, bottom = crop_box(size)
    assert abs(left - x0) <= 1 and abs(top - y0) <= 1
    assert abs((right - left) - (bottom - top) * 1.0) <= 1  # the crop is square in the original too


NORMALIZE = T.Compose([T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])


def test_seed_preprocessing_marks_the_cropped_border(half_red):
    labels = segment(half_red, model=RedDetector(), preprocessing="seed")
    assert labels.shape == (48, 64) and labels.dtype == np.int64
    inside = np.zeros((48, 64), bool)
    inside[3:45, 11:53] = True
    assert (labels[~inside] == 255).all()
    assert (labels[3:45, 11:31] == 1).all() and (labels[3:45, 33:53] == 0).all()


def test_a_transform_of_your_own_covers_the_whole_image(half_red):
    labels, probs = segment(half_red, model=RedDetector(), preprocessing=NORMALIZE, return_probs=True)
    assert (labels[:, :31] == 1).all() and (labels[:, 33:] == 0).all()
    assert probs.shape == (2, 48, 64) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=0), 1.0, rtol=1e-6)
    # a transform that halves the photo: the logits are resized back to its size
    halved = segment(half_red, model=RedDetector(), preprocessing=T.Compose([T.Resize(24), NORMALIZE]))
    assert halved.shape == (48, 64) and (halved[:, :30] == 1).all() and (halved[:, 34:] == 0).all()


def test_a_model_the_registry_does_not_know_needs_explicit_preprocessing(half_red):
    # issue 12: segment() used to give such a model MODEL_NAMES[0]'s Resize(520), a guess
    message = (r"`model` is a RedDetector that segtutor's registry does not know, so its own preprocessing is unknown: "
               r"pass preprocessing='seed' \(Resize 256, CenterCrop 224, ImageNet normalization\) or "
               r"preprocessing=<your transform>, a callable from a PIL image to a normalized \[3, H, W\] tensor; "
               r"models from segtutor.load_model carry their spec")
    with pytest.raises(ValueError, match=message):
        segment(half_red, model=RedDetector())
    with pytest.raises(ValueError, match=message):
        segment(half_red, model=RedDetector(), preprocessing="weights")


def test_the_default_is_the_models_own_preprocessing():
    image = make_scenes(1, size=256, seed=11)[0][0]
    model = load_tiny_model()
    seen = []
    own = model.segtutor_spec.transforms()
    labels = segment(image, model=model, preprocessing=lambda picture: seen.append(picture.size) or own(picture))
    assert seen == [(256, 256)]
    assert np.array_equal(segment(image, model=model), labels)  # the default: the same transform
    assert np.array_equal(segment(image, model="tiny"), labels)  # by name: load_model's model carries the same spec
    assert (segment(image, model=model, preprocessing="seed") == 255).any()  # "seed" stays an explicit choice


def test_a_transforms_output_is_checked_before_the_model_runs(half_red):
    with pytest.raises(TypeError, match=r"`preprocessing\(image\)` must be a float tensor of shape \(3, H, W\), got Image"):
        segment(half_red, model=RedDetector(), preprocessing=T.Resize(40))
    with pytest.raises(ValueError, match=r"`image` would be 4000x3000 = 12,000,000 pixels after resizing its shorter side to 3000; "
                                         r"the limit is 4,000,000 pixels \(scale it down\)"):
        segment(half_red, model=RedDetector(), preprocessing=T.Compose([T.Resize(3000), NORMALIZE]))
    with pytest.raises(ValueError, match=r"`preprocessing\(image\)` has 2000x2100 = 4,200,000 pixels; the limit is 4,000,000"):
        segment(half_red, model=RedDetector(), preprocessing=lambda picture: torch.zeros(3, 2100, 2000))


def test_the_work_size_check_reads_the_models_own_resize():
    # issue 12: with the tiny model's own transforms a big photo is resized to 128 first, so it is not refused
    photo = np.zeros((1800, 2400, 3), np.uint8)
    with pytest.raises(ValueError, match=r"`image` has 2400x1800 = 4,320,000 pixels; the limit is 4,000,000"):
        check_image_size((2400, 1800))  # at its own size, as the tiny model was run before, it is too big
    assert segment(photo, model="tiny").shape == (1800, 2400)
    assert segment(photo, model="tiny", preprocessing="weights").shape == (1800, 2400)


def test_probabilities_are_nan_where_the_model_did_not_look(half_red):
    labels, probs = segment(half_red, model=RedDetector(), preprocessing="seed", return_probs=True)
    assert np.isnan(probs[:, labels == 255]).all()
    assert not np.isnan(probs[:, labels != 255]).any()
    assert np.array_equal(labels[labels != 255], probs.argmax(axis=0)[labels != 255])


def test_segment_accepts_a_model_name_with_cached_weights(torch_home, monkeypatch):
    cache_random_state("lraspp_mobilenet_v3_large", monkeypatch, marker=0.1)
    labels = segment(np.zeros((40, 50, 3), np.uint8), model="lraspp_mobilenet_v3_large", preprocessing="weights")
    assert labels.shape == (40, 50) and labels.max() < 21


def test_bad_input(half_red):
    with pytest.raises(ValueError, match=r"`image` must be at least 32x32 pixels, got 31x40"):
        segment(np.zeros((40, 31, 3), np.uint8), model=RedDetector())
    with pytest.raises(ValueError, match=r"`preprocessing` must be 'weights', 'seed' or a transform \(a callable from a PIL image to a \[3, H, W\] tensor\), got 'imagenet'"):
        segment(half_red, model=RedDetector(), preprocessing="imagenet")


def test_ignore_index_none_or_a_class_id_is_refused(half_red):
    # issue 11: None used to give an object array (or int()'s TypeError); a class id hid the unseen border.
    with pytest.raises(TypeError, match=r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"):
        segment(half_red, model=RedDetector(), preprocessing="seed", ignore_index=None)
    with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id: with num_classes=2 it must lie outside 0..1"):
        segment(half_red, model=RedDetector(), preprocessing="seed", ignore_index=0)
    labels = segment(half_red, model=RedDetector(), preprocessing="seed", ignore_index=np.int64(7))
    assert labels[0, 0] == 7 and labels[20, 20] == 1 and set(np.unique(labels).tolist()) == {0, 1, 7}


@pytest.mark.parametrize("preprocessing", ["seed", "weights"])
def test_a_model_left_in_train_mode_gives_the_eval_answer_and_is_left_as_it_was(preprocessing):
    image = make_scenes(1, size=96, seed=7)[0][0]
    model = load_tiny_model().train()  # BatchNorm everywhere: train mode would use the photo's own statistics
    expected_labels, expected_probs = segment(image, model=load_tiny_model(), preprocessing=preprocessing, return_probs=True)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    labels, probs = segment(image, model=model, preprocessing=preprocessing, return_probs=True)
    assert np.array_equal(labels, expected_labels)
    np.testing.assert_array_equal(probs, expected_probs)
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())
    assert all(m.training for m in model.modules())


# --- memory: the logits are resized and labelled a block of columns at a time (issue 19, item 3) ---

SEGMENT_MODULE = sys.modules["segtutor.models._segment"]  # `segtutor.segment` is the function


class FixedLogits(torch.nn.Module):
    """Returns the same logits whatever the batch: the test controls exactly what segment() resizes."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.nn.Parameter(logits, requires_grad=False)

    def forward(self, batch):
        return OrderedDict(out=self.logits.clone())


def _reference(logits, height, width):
    """Independent of segment(): the whole logits resized at once, then the first class of highest score."""
    resized = torch.nn.functional.interpolate(logits.contiguous(), size=(height, width), mode="bilinear", align_corners=False)
    return resized[0].argmax(dim=0).numpy(), resized[0].softmax(dim=0).numpy()


def _fixed(num_classes, height, width, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(1, num_classes, height, width, generator=generator) * 3


# (logits height, width, photo height, width, classes): sides not multiples of a block, a wide photo,
# logits bigger than the photo (downsizing), 2, 5 and 21 classes
BLOCK_CASES = [(65, 87, 300, 451, 5), (40, 300, 150, 1201, 2), (150, 129, 331, 283, 21), (300, 220, 257, 170, 4)]


@pytest.mark.parametrize("shape", BLOCK_CASES)
@pytest.mark.parametrize("tile_bytes", [1, 40_000, 10**9])  # one column per block, a few columns, all at once
def test_blockwise_labels_equal_the_whole_resize_bit_for_bit(shape, tile_bytes, monkeypatch):
    rows, cols, height, width, num_classes = shape
    logits = _fixed(num_classes, rows, cols, seed=sum(shape))
    monkeypatch.setattr(SEGMENT_MODULE, "TILE_BYTES", tile_bytes)
    photo = np.zeros((height, width, 3), np.uint8)
    labels = segment(photo, model=FixedLogits(logits), preprocessing=lambda picture: torch.zeros(3, rows, cols))
    expected, _ = _reference(logits, height, width)
    assert labels.dtype == np.int64 and np.array_equal(labels, expected)
    if tile_bytes < 10**9:  # in blocks, channels-last logits (what load_model's CPU models return) too
        again = segment(photo, model=FixedLogits(logits.contiguous(memory_format=torch.channels_last)),
                        preprocessing=lambda picture: torch.zeros(3, rows, cols))
        assert np.array_equal(again, expected)


@pytest.mark.parametrize("size", [(600, 451), (451, 600), (1000, 700)])
def test_blockwise_labels_inside_the_seed_crop_box(size, monkeypatch):
    width, height = size
    logits = _fixed(5, 28, 28, seed=width)
    monkeypatch.setattr(SEGMENT_MODULE, "TILE_BYTES", 5 * 4 * 300 * 7)
    labels, probs = segment(np.zeros((height, width, 3), np.uint8), model=FixedLogits(logits), preprocessing="seed",
                            return_probs=True)
    left, top, right, bottom = crop_box(size)
    expected, expected_probs = _reference(logits, bottom - top, right - left)
    assert np.array_equal(labels[top:bottom, left:right], expected)
    np.testing.assert_allclose(probs[:, top:bottom, left:right], expected_probs, rtol=1e-6, atol=1e-7)
    outside = np.ones((height, width), bool)
    outside[top:bottom, left:right] = False
    assert (labels[outside] == 255).all() and np.isnan(probs[:, outside]).all()
    assert not np.isnan(probs[:, ~outside]).any()


def test_without_probabilities_no_full_size_array_is_built(monkeypatch):
    # 21 classes x 800 x 1000 float32 = 67 MB, more than one block of TILE_BYTES (64 MiB)
    logits = _fixed(21, 104, 130, seed=3)
    height, width = 800, 1000
    assert 21 * height * width * 4 > SEGMENT_MODULE.TILE_BYTES
    resize, outputs = torch.nn.functional.interpolate, []

    def spy(*args, **kwargs):
        resized = resize(*args, **kwargs)
        outputs.append(resized.shape)
        return resized

    monkeypatch.setattr(torch.nn.functional, "interpolate", spy)
    labels = segment(np.zeros((height, width, 3), np.uint8), model=FixedLogits(logits),
                     preprocessing=lambda picture: torch.zeros(3, 104, 130))
    assert labels.shape == (height, width) and len(outputs) >= 3
    assert outputs[0] == (1, 21, 104, width)  # the width resized, at the logits' height
    assert all(shape[2:] != (height, width) for shape in outputs)
    assert all(shape[1] * shape[2] * shape[3] * 4 <= SEGMENT_MODULE.TILE_BYTES for shape in outputs[1:])
    monkeypatch.setattr(torch.nn.functional, "interpolate", resize)
    assert np.array_equal(labels, _reference(logits, height, width)[0])

