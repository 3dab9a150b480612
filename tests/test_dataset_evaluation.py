import json

import numpy as np
import pytest
import torch
from PIL import Image

from segtutor import confusion_matrix, load_model, make_scenes, segment, write_voc
from segtutor.data import open_dataset, save_label_png
from segtutor.metrics import Scores, UnpaddedSampler, evaluate_dataset, scores_to_dict

SIZES = [(96, 96), (80, 112), (96, 96), (64, 72), (80, 112)]
"""(height, width) of the five images: three sizes, so a batch of three mixes them."""


def _voc_folder(root, sizes=SIZES):
    """A VOC-layout folder of scenes of different sizes, all in the val split, ids 0..4 and 255 borders."""
    images, labels = make_scenes(len(sizes), size=112, seed=5)
    for folder in ("JPEGImages", "SegmentationClass", "ImageSets/Segmentation"):
        (root / folder).mkdir(parents=True)
    ids = [f"scene_{i:06d}" for i in range(len(sizes))]
    for image_id, image, class_map, (height, width) in zip(ids, images, labels, sizes):
        Image.fromarray(image[:height, :width]).save(root / "JPEGImages" / f"{image_id}.jpg", quality=90)
        class_map = class_map[:height, :width].copy()
        class_map[0] = 255  # an unlabelled row
        save_label_png(class_map, root / "SegmentationClass" / f"{image_id}.png")
    (root / "ImageSets" / "Segmentation" / "val.txt").write_text("".join(f"{i}\n" for i in ids))
    return root


@pytest.fixture(scope="module")
def tiny():
    return load_model("tiny")


def _reference(model, dataset):
    """The independent count: segment each photo at its own size, sum the confusion matrices."""
    total = np.zeros((5, 5), np.int64)
    for index in range(len(dataset)):
        image, labels = dataset[index]
        total += confusion_matrix(segment(image, model=model), labels, num_classes=5, ignore_index=255)
    return total


@pytest.mark.parametrize(("batch_size", "workers"), [(1, 0), (3, 0), (8, 1)])
def test_the_matrix_is_exactly_the_sum_of_segment_on_each_photo(tmp_path, tiny, batch_size, workers):
    dataset = open_dataset("voc", _voc_folder(tmp_path), split="val")
    scores = evaluate_dataset(tiny, dataset, batch_size=batch_size, workers=workers, progress=False)
    expected = _reference(tiny, dataset)
    assert expected.sum() == sum((height - 1) * width for height, width in SIZES)  # every pixel but the unlabelled rows
    np.testing.assert_array_equal(scores.confusion, expected)
    assert scores.class_names == ("background", "disc", "square", "triangle", "ring")  # the model's, not VOC's 21


def test_limit_scores_only_the_first_images(tmp_path, tiny):
    dataset = open_dataset("voc", _voc_folder(tmp_path), split="val")
    scores = evaluate_dataset(tiny, dataset, limit=2, workers=0, progress=False)
    first_two = [dataset[0], dataset[1]]
    np.testing.assert_array_equal(scores.confusion, _reference(tiny, first_two))


def test_a_mask_id_the_model_cannot_predict_is_refused_naming_the_file(tmp_path, tiny):
    root = _voc_folder(tmp_path)
    class_map = np.zeros(SIZES[2], np.int64)
    class_map[5:9, 5:9] = 7
    save_label_png(class_map, root / "SegmentationClass" / "scene_000002.png")
    dataset = open_dataset("voc", root, split="val")
    with pytest.raises(ValueError, match=r"mask .*scene_000002\.png holds class id 7, which the model cannot predict: "
                                         r"it has 5 classes \(0\.\.4\) and the ignore value is 255; pass num_classes"):
        evaluate_dataset(tiny, dataset, workers=0, progress=False)
    scores = evaluate_dataset(tiny, dataset, num_classes=8, workers=0, progress=False)
    assert scores.confusion.shape == (8, 8) and scores.confusion[7].sum() == 16
    assert scores.class_names[4:] == ("ring", "bottle", "bus", "car")  # then the dataset's names


def test_a_sample_without_files_is_named_by_its_index(tiny):
    image = Image.new("RGB", (40, 40))
    data = [(image, np.zeros((40, 40), np.int64)), (image, np.full((40, 40), -3))]
    with pytest.raises(ValueError, match=r"the class map of sample 1 holds class id -3, which the model cannot predict"):
        evaluate_dataset(tiny, data, workers=0, progress=False)


def test_options_are_checked_before_any_work(tiny):
    data = [(Image.new("RGB", (40, 40)), np.zeros((40, 40), np.int64))]
    with pytest.raises(ValueError, match=r"`num_classes` must be at least the model's class count, 5, since it predicts ids 0\.\.4; got 3"):
        evaluate_dataset(tiny, data, num_classes=3)
    with pytest.raises(ValueError, match=r"`batch_size` must be at least 1, got 0"):
        evaluate_dataset(tiny, data, batch_size=0)
    with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id"):
        evaluate_dataset(tiny, data, ignore_index=2)
    with pytest.raises(ValueError, match=r"`dataset` must hold at least one sample"):
        evaluate_dataset(tiny, [])
    with pytest.raises(ValueError, match=r"`model` must carry its spec, as models from segtutor.load_model do"):
        evaluate_dataset(torch.nn.Conv2d(3, 5, 1), data)


def test_the_model_is_left_as_it_was(tiny):
    tiny.train()
    state = {k: v.clone() for k, v in tiny.state_dict().items()}
    data = [(Image.new("RGB", (40, 40)), np.zeros((40, 40), np.int64))]
    evaluate_dataset(tiny, data, device="cpu", workers=0, progress=False)
    assert tiny.training and all(torch.equal(v, state[k]) for k, v in tiny.state_dict().items())
    tiny.eval()


@pytest.mark.parametrize(("length", "replicas"), [(5, 2), (3, 4), (7, 3), (1, 1)])
def test_the_unpadded_sampler_gives_every_item_to_exactly_one_process(length, replicas):
    shares = [list(UnpaddedSampler(range(length), num_replicas=replicas, rank=r)) for r in range(replicas)]
    assert sorted(i for share in shares for i in share) == list(range(length))
    assert [len(UnpaddedSampler(range(length), num_replicas=replicas, rank=r)) for r in range(replicas)] == list(map(len, shares))


def test_scores_to_dict_round_trips_through_json():
    scores = Scores(np.array([[3, 1, 0], [0, 4, 0], [0, 0, 0]]), class_names=["sky", "sea", "boat"])
    data = json.loads(json.dumps(scores_to_dict(scores)))
    again = Scores(np.array(data["confusion_matrix"]), class_names=data["class_names"])
    np.testing.assert_array_equal(again.confusion, scores.confusion)
    assert data["iou"] == [0.75, 0.8, None] and data["mean_iou"] == pytest.approx(0.775)
    assert data["pixel_accuracy"] == 0.875 and again.mean_dice == data["mean_dice"]


def test_a_write_voc_folder_of_scenes_is_scored_as_it_is(tmp_path, tiny):
    root = write_voc(tmp_path, *make_scenes(8, size=64), val_fraction=0.5)
    dataset = open_dataset("voc", root, split="val")
    scores = evaluate_dataset(tiny, dataset, workers=0, progress=False)
    np.testing.assert_array_equal(scores.confusion, _reference(tiny, dataset))
