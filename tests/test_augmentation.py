import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torchvision.transforms import v2

from segtutor import make_scenes
from segtutor.data import augment_pair, scene_augmentation


def _scene_with_image_from_labels(seed=0):
    """A scene whose image is a function of its labels: every channel = 50 x class id."""
    _, labels = make_scenes(1, size=64, seed=seed)
    labels = torch.from_numpy(labels[0])
    return (50.0 * labels).float().expand(3, -1, -1).clone(), labels


def _uniform(mask: torch.Tensor, size: int = 5) -> torch.Tensor:
    """Pixels whose size x size neighbourhood holds a single value."""
    x = mask[None, None].float()
    high = F.max_pool2d(x, size, 1, size // 2)
    low = -F.max_pool2d(-x, size, 1, size // 2)
    uniform = (high == low)[0, 0]
    margin = size // 2  # what lies beyond the crop's edge is unknown
    uniform[:margin], uniform[-margin:], uniform[:, :margin], uniform[:, -margin:] = False, False, False, False
    return uniform


@pytest.mark.parametrize("seed", range(6))
def test_image_and_mask_stay_aligned_and_the_fill_is_ignore_index(seed):
    image, labels = _scene_with_image_from_labels(seed)
    torch.manual_seed(seed)
    moved_image, moved_labels = augment_pair(scene_augmentation(crop=48), image, labels)
    assert moved_image.shape == (3, 48, 48) and moved_labels.shape == (48, 48) and moved_labels.dtype == torch.int64
    assert type(moved_image) is torch.Tensor and type(moved_labels) is torch.Tensor
    inside = _uniform(moved_labels) & (moved_labels != 255)
    assert inside.sum() > 500
    assert torch.allclose(moved_image[0][inside], 50.0 * moved_labels[inside].float(), atol=1e-3)  # image == f(mask) still
    outside = _uniform(moved_labels) & (moved_labels == 255)
    assert torch.all(moved_image[:, outside].abs() < 1e-3)


def test_mask_values_stay_class_ids_or_ignore_index_nearest_never_blends():
    image, labels = _scene_with_image_from_labels(3)
    seen = set()
    for seed in range(10):
        torch.manual_seed(seed)
        seen |= set(augment_pair(scene_augmentation(degrees=45, scale=(0.5, 1.5)), image, labels)[1].unique().tolist())
    assert seen <= {0, 1, 2, 3, 4, 255} and 255 in seen


def test_flip_alone_is_an_exact_mirror_and_a_batch_shares_one_draw():
    batch, labels = torch.rand(2, 3, 6, 7), torch.randint(0, 5, (2, 6, 7))
    flip = scene_augmentation(flip=1.0, degrees=0, scale=(1.0, 1.0))
    moved_batch, moved_labels = augment_pair(flip, batch, labels)
    assert torch.allclose(moved_batch, batch.flip(-1), atol=1e-5) and torch.equal(moved_labels, labels.flip(-1))


def test_crop_is_a_window_of_the_input():
    labels = torch.arange(100).reshape(10, 10)
    torch.manual_seed(0)
    _, window = augment_pair(scene_augmentation(flip=0.0, degrees=0, scale=(1.0, 1.0), crop=4), torch.zeros(3, 10, 10), labels)
    top, left = divmod(int(window[0, 0]), 10)
    assert torch.equal(window, labels[top:top + 4, left:left + 4])


def test_same_seed_same_result_other_seed_other_result():
    image, labels = _scene_with_image_from_labels(1)
    transform = scene_augmentation(crop=40)
    results = []
    for seed in (7, 7, 8):
        torch.manual_seed(seed)
        results.append(augment_pair(transform, image, labels))
    assert torch.equal(results[0][0], results[1][0]) and torch.equal(results[0][1], results[1][1])
    assert not torch.equal(results[0][1], results[2][1])


def test_builder_composes_v2_transforms_with_the_ignore_fill():
    transform = scene_augmentation(degrees=30, scale=(0.8, 1.0), crop=32, ignore_index=254)
    assert isinstance(transform, v2.Compose)
    affine = transform.transforms[1]
    assert affine.degrees == [-30.0, 30.0] and affine.scale == (0.8, 1.0)
    assert affine.interpolation == v2.InterpolationMode.BILINEAR  # for the image; v2 always resamples a Mask by nearest
    assert 254 in affine.fill.values()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"flip": 1.5}, r"`flip` must be a probability in \[0, 1\], got 1.5"),
    ({"degrees": -1}, r"`degrees` must be at least 0, got -1"),
    ({"scale": (1.0, 0.5)}, r"`scale` must be \(low, high\) with 0 < low <= high, got \(1.0, 0.5\)"),
    ({"crop": 0}, r"`crop` must be at least 1 or None, got 0"),
])
def test_builder_refuses_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scene_augmentation(**kwargs)


def test_augment_pair_refuses_mismatched_inputs():
    transform = scene_augmentation()
    with pytest.raises(TypeError, match=r"`batch` must be a float tensor"):
        augment_pair(transform, np.zeros((3, 4, 4)), torch.zeros(4, 4, dtype=torch.long))
    with pytest.raises(TypeError, match=r"`labels` must be an integer array"):
        augment_pair(transform, torch.zeros(3, 4, 4), torch.zeros(4, 4))
    with pytest.raises(ValueError, match=r"`labels` must be a tensor of the image's size \(4, 4\), got int64 of shape \(5, 4\)"):
        augment_pair(transform, torch.zeros(3, 4, 4), torch.zeros(5, 4, dtype=torch.long))
