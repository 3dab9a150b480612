import numpy as np
import pytest
import torch
import torchvision.transforms as T
from skimage.measure import label, regionprops

from segtutor import IMAGENET_MEAN, IMAGENET_STD, SCENE_CLASSES, SceneDataset, images_to_batch, make_scenes
from segtutor.data import MIN_SCENE_SIZE, add_void_border
from segtutor.metrics import mean_iou


def test_shapes_dtypes_and_class_ids():
    images, labels = make_scenes(6, size=64, seed=3)
    assert images.shape == (6, 64, 64, 3) and images.dtype == np.uint8
    assert labels.shape == (6, 64, 64) and labels.dtype == np.int64
    assert set(np.unique(labels)) <= set(range(len(SCENE_CLASSES)))
    assert SCENE_CLASSES == ("background", "disc", "square", "triangle", "ring")


def test_seeded_reproducible_and_prefix_stable():
    first = make_scenes(5, size=48, seed=7)
    again = make_scenes(5, size=48, seed=7)
    longer = make_scenes(8, size=48, seed=7)
    other = make_scenes(5, size=48, seed=8)
    for a, b, c, d in zip(first, again, longer, other):
        assert np.array_equal(a, b)
        assert np.array_equal(a, c[:5])
        assert not np.array_equal(a, d)
    assert np.array_equal(make_scenes(1, size=48, seed=np.int64(7))[1], first[1][:1])


def test_every_class_occurs_and_background_dominates():
    _, labels = make_scenes(40, size=64, seed=0)
    fractions = np.bincount(labels.ravel(), minlength=5) / labels.size
    assert 0.6 < fractions[0] < 0.95
    assert (fractions[1:] > 0.02).all(), fractions
    shapes_per_scene = [len(np.unique(scene)) - 1 for scene in labels]
    assert min(shapes_per_scene) >= 1 and max(shapes_per_scene) >= 3


def test_backgrounds_are_textured_and_noisy_not_flat():
    images, labels = make_scenes(10, size=64, seed=1)
    for image, scene in zip(images, labels):
        background = image[scene == 0].astype(float)
        assert background.std(axis=0).max() > 8
        # neighbouring pixels differ: per-pixel noise, not only a smooth texture
        assert np.abs(np.diff(image.astype(float), axis=1)).mean() > 2


def test_rings_have_holes_and_the_other_shapes_do_not():
    """A region's Euler number is 1 minus its holes: rings have one, unless occluded or cut by the edge."""
    _, labels = make_scenes(60, size=96, seed=2)
    for class_id, name in enumerate(SCENE_CLASSES[1:], start=1):
        regions = [r for scene in labels for r in regionprops(label(scene == class_id, connectivity=2)) if r.area >= 30]
        holed = np.mean([r.euler_number <= 0 for r in regions])
        assert len(regions) > 30, name
        assert (holed > 0.5) if name == "ring" else (holed < 0.05), (name, holed)


def test_colour_alone_cannot_solve_it():
    """The best colour lookup table learnt on one set scores badly on another."""
    train_images, train_labels = make_scenes(60, size=64, seed=10)
    test_images, test_labels = make_scenes(30, size=64, seed=11)
    bins = lambda images: (images // 32).astype(np.int64) @ np.array([64, 8, 1])
    counts = np.zeros((512, 5), np.int64)
    np.add.at(counts, (bins(train_images).ravel(), train_labels.ravel()), 1)
    colour_guess = counts.argmax(axis=1)[bins(test_images)]
    assert mean_iou(colour_guess, test_labels, num_classes=5) < 0.35
    # the same lookup does fit its own training set better: it is a real baseline
    assert mean_iou(counts.argmax(axis=1)[bins(train_images)], train_labels, num_classes=5) > 0.3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, r"`n` must be at least 1, got 0"),
        ({"n": -3}, ValueError, r"`n` must be at least 1, got -3"),
        ({"n": 2.0}, TypeError, r"`n` must be an int, got float"),
        ({"n": 2, "size": MIN_SCENE_SIZE - 1}, ValueError, rf"`size` must be at least {MIN_SCENE_SIZE}, got {MIN_SCENE_SIZE - 1}"),
        ({"n": 2, "size": "64"}, TypeError, r"`size` must be an int, got str"),
        ({"n": 2, "seed": 1.5}, TypeError, r"`seed` must be an int, got float"),
        ({"n": 2, "seed": None}, TypeError, r"`seed` must be an int, got NoneType"),
        ({"n": 2, "seed": True}, TypeError, r"`seed` must be an int, got bool"),
        ({"n": 2, "seed": -1}, ValueError, r"`seed` must be at least 0, got -1"),
        ({"n": 2, "simple": "yes"}, TypeError, r"`simple` must be a bool, got str"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_scenes(**kwargs)


# --- issue 23: simple scenes, which a small network learns in a minute ---

def test_simple_scenes_have_a_flat_background_and_larger_shapes_apart():
    images, labels = make_scenes(40, size=48, seed=3, simple=True)
    _, hard = make_scenes(40, size=48, seed=3)
    assert not np.array_equal(labels, hard)
    for image, scene in zip(images, labels):
        background = image[scene == 0].astype(float)
        assert background.std(axis=0).max() < 20  # one colour plus pixel noise (sigma 4 to 16)
        shapes = regionprops(label(scene > 0, connectivity=2), intensity_image=scene)
        assert 1 <= len(shapes) <= 3
        for shape in shapes:  # a component of one class: no shape touches or covers another
            assert len(np.unique(scene[tuple(shape.coords.T)])) == 1
    areas = lambda maps: np.median([r.area for m in maps for r in regionprops(label(m > 0, connectivity=2))])
    assert areas(labels) > 1.3 * areas(hard)
    assert (np.bincount(labels.ravel(), minlength=5)[1:] > 0).all()


def test_simple_scenes_are_seeded_and_the_dataset_passes_them_on():
    images, labels = make_scenes(3, size=48, seed=5, simple=True)
    again = make_scenes(5, size=48, seed=5, simple=True)
    assert np.array_equal(images, again[0][:3]) and np.array_equal(labels, again[1][:3])
    dataset = SceneDataset(3, size=48, seed=5, simple=True)
    assert np.array_equal(dataset.images, images) and np.array_equal(dataset.labels, labels)


def test_images_to_batch_equals_torchvision_to_tensor_and_normalize():
    images, _ = make_scenes(2, size=48, seed=4)
    reference = T.Compose([T.ToTensor(), T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
    batch = images_to_batch(images)
    assert batch.shape == (2, 3, 48, 48) and batch.dtype == torch.float32
    for i in range(2):
        torch.testing.assert_close(batch[i], reference(images[i]))
    white = images_to_batch(np.full((1, 1, 3), 255, np.uint8))
    torch.testing.assert_close(white.flatten(), (1 - torch.tensor(IMAGENET_MEAN)) / torch.tensor(IMAGENET_STD))


def test_images_to_batch_refuses_bad_input():
    with pytest.raises(TypeError, match=r"`images` must be a uint8 array of shape \(N, H, W, 3\) or \(H, W, 3\), got float32 of shape \(4, 4, 3\)"):
        images_to_batch(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match=r"`images` must be a uint8 array .*, got uint8 of shape \(4, 4\)"):
        images_to_batch(np.zeros((4, 4), np.uint8))


def test_dataset_items_are_normalized_images_and_their_labels():
    dataset = SceneDataset(3, size=48, seed=5)
    images, labels = make_scenes(3, size=48, seed=5)
    assert len(dataset) == 3 and dataset.classes == SCENE_CLASSES
    image, target = dataset[2]
    torch.testing.assert_close(image, images_to_batch(images[2])[0])
    assert target.dtype == torch.int64 and torch.equal(target, torch.from_numpy(labels[2]))
    batch, targets = next(iter(torch.utils.data.DataLoader(dataset, batch_size=3)))
    assert batch.shape == (3, 3, 48, 48) and targets.shape == (3, 48, 48)


# --- issue 19: ignore_index end to end ---

@pytest.mark.parametrize("ignore_index", [255, -1])
def test_dataset_void_border_marks_the_boundaries_with_ignore_index(ignore_index):
    _, labels = make_scenes(3, size=48, seed=5)
    dataset = SceneDataset(3, size=48, seed=5, void_border=2, ignore_index=ignore_index)
    assert dataset.ignore_index == ignore_index and dataset.labels.dtype == np.int64
    for scene, plain in zip(dataset.labels, labels):  # each scene on its own, as VOC does
        assert np.array_equal(scene, add_void_border(plain, border=2, ignore_index=ignore_index))
        assert 0 < (scene == ignore_index).mean() < 0.5
    assert torch.equal(dataset[1][1], torch.from_numpy(dataset.labels[1]))
    assert np.array_equal(SceneDataset(3, size=48, seed=5, ignore_index=ignore_index).labels, labels)  # no border: no void


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"void_border": -1}, ValueError, r"`void_border` must be at least 0, got -1"),
    ({"void_border": 1.5}, TypeError, r"`void_border` must be an int, got float"),
    ({"ignore_index": 4}, ValueError, r"`ignore_index` must not be a class id: with num_classes=5 it must lie outside 0..4"),
    ({"ignore_index": None}, TypeError, r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"),
])
def test_dataset_refuses_bad_void_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        SceneDataset(1, size=48, **kwargs)
