from collections import OrderedDict

import numpy as np
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader, TensorDataset

import segtutor
from segtutor import SceneDataset, Scores, confusion_matrix, evaluate

from ._gloo import run_two_processes


class Threshold(torch.nn.Module):
    """A stand-in segmentation model: class 1 where the red channel exceeds 0.5, else class 0."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor(10.0))
        self.modes_seen = []

    def forward(self, batch):
        self.modes_seen.append(self.training)
        score = self.scale * (batch[:, :1] - 0.5)
        return OrderedDict(out=torch.cat([-score, score], dim=1))


def _data(seed=0, n=5, size=(6, 7)):
    generator = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 3, *size, generator=generator)
    labels = (images[:, 0] > 0.5).long()
    flip = torch.rand(n, *size, generator=generator) < 0.2  # 20 % of the labels disagree with the model
    labels = torch.where(flip, 1 - labels, labels)
    labels[:, 0, 0] = 255
    return images, labels


def test_dataloader_batches_sum_to_the_matrix_of_all_pixels():
    images, labels = _data()
    expected = confusion_matrix((images[:, 0] > 0.5).long(), labels, num_classes=2)
    loader = DataLoader(TensorDataset(images, labels), batch_size=2)  # batches of 2, 2, 1
    scores = evaluate(Threshold(), loader, num_classes=2, class_names=["background", "red"], progress=False)
    assert np.array_equal(scores.confusion, expected)
    assert scores.confusion.sum() == 5 * 6 * 7 - 5
    assert scores.iou.tolist() == pytest.approx([expected[c, c] / (expected[c].sum() + expected[:, c].sum() - expected[c, c]) for c in range(2)])
    assert scores.pixel_accuracy == pytest.approx(np.trace(expected) / expected.sum())


def test_dataset_samples_pil_labels_and_channel_labels_give_the_same_scores():
    images, labels = _data(1, n=3)
    reference = evaluate(Threshold(), list(zip(images, labels)), num_classes=2, progress=False).confusion
    as_pil = [(image, Image.fromarray(label.numpy().astype(np.uint8))) for image, label in zip(images, labels)]
    assert np.array_equal(evaluate(Threshold(), as_pil, num_classes=2, progress=False).confusion, reference)
    with_channel = [(images, labels.unsqueeze(1).to(torch.uint8))]  # [N, 1, H, W], as from T.PILToTensor
    assert np.array_equal(evaluate(Threshold(), with_channel, num_classes=2, progress=False).confusion, reference)
    as_numpy = [(images, labels.numpy())]
    assert np.array_equal(evaluate(Threshold(), as_numpy, num_classes=2, progress=False).confusion, reference)


def test_runs_in_eval_mode_and_restores_the_mode():
    model = Threshold().train()
    evaluate(model, [_data(n=1)], num_classes=2, progress=False)
    assert model.modes_seen == [False] and model.training
    model.eval()
    evaluate(model, [_data(n=1)], num_classes=2, progress=False)
    assert not model.training


def test_shows_a_progress_bar(capsys):
    evaluate(Threshold(), [_data(n=1)] * 3, num_classes=2)
    assert "evaluate: 100%" in capsys.readouterr().err
    evaluate(Threshold(), [_data(n=1)] * 3, num_classes=2, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_moves_cpu_batches_to_the_models_device():
    data = [_data(2, n=2)]
    expected = evaluate(Threshold(), data, num_classes=2, progress=False).confusion
    model = Threshold().cuda()
    assert np.array_equal(evaluate(model, data, num_classes=2, progress=False).confusion, expected)


def test_scores_table():
    scores = Scores(np.array([[3, 1, 0], [0, 4, 0], [0, 0, 0]]), class_names=["sky", "sea", "boat"])
    assert repr(scores) == scores.table() == "\n".join([
        "class            pixels  precision     recall        iou       dice",
        "sky                   4     1.0000     0.7500     0.7500     0.8571",
        "sea                   4     0.8000     1.0000     0.8000     0.8889",
        "boat                  0  absent: left out of the means",
        "mean (macro)          8     0.9000     0.8750     0.7750     0.8730",
        "pixel accuracy (micro): 0.8750",
    ])
    assert Scores(np.eye(2, dtype=int)).class_names == ("0", "1")


def test_bad_input():
    model = Threshold()
    with pytest.raises(ValueError, match=r"`data` must yield at least one \(batch, labels\) pair, got none"):
        evaluate(model, [], num_classes=2)
    with pytest.raises(TypeError, match=r"each item of `data` must be a \(batch, labels\) or \(image, labels\) pair, got float32 of shape \(1, 3, 4, 4\)"):
        evaluate(model, [torch.zeros(1, 3, 4, 4)], num_classes=2, progress=False)
    images, labels = _data(n=2)
    with pytest.raises(ValueError, match=r"the model's class map has shape \(2, 6, 7\) but its labels have shape \(2, 3, 7\): transform"):
        evaluate(model, [(images, labels[:, :3])], num_classes=2, progress=False)
    with pytest.raises(TypeError, match=r"`batch` must be a float tensor of shape \(N, 3, H, W\), got uint8"):
        evaluate(model, [(images.to(torch.uint8), labels)], num_classes=2, progress=False)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..1 or ignore_index=255, got 7"):
        evaluate(model, [(images, torch.full_like(labels, 7))], num_classes=2, progress=False)
    with pytest.raises(ValueError, match=r"`num_classes` must be at least 2, got 1"):
        evaluate(model, [(images, labels)], num_classes=1)
    with pytest.raises(ValueError, match=r"`class_names` must hold 2 names, one per class, got 3"):
        evaluate(model, [(images, labels)], num_classes=2, class_names=["a", "b", "c"], progress=False)


def test_a_torchvision_model_on_a_folder_in_voc_format(tmp_path):
    from torchvision.datasets import VOCSegmentation
    from torchvision.transforms import ToTensor

    from segtutor import get_palette, load_model

    voc = tmp_path / "VOCdevkit" / "VOC2012"
    for folder in ("JPEGImages", "SegmentationClass", "ImageSets/Segmentation"):
        (voc / folder).mkdir(parents=True)
    rng = np.random.default_rng(0)
    masks = {}
    for name in ("2007_000001", "2007_000002"):
        mask = rng.integers(0, 21, size=(24, 32)).astype(np.uint8)
        mask[0] = 255  # VOC's unlabelled border value
        masks[name] = mask
        Image.fromarray(rng.integers(0, 256, size=(24, 32, 3), dtype=np.uint8)).save(voc / "JPEGImages" / f"{name}.jpg")
        png = Image.fromarray(mask, mode="P")
        png.putpalette(get_palette("voc").colors.ravel().tolist())
        png.save(voc / "SegmentationClass" / f"{name}.png")
    (voc / "ImageSets" / "Segmentation" / "val.txt").write_text("\n".join(masks) + "\n")
    dataset = VOCSegmentation(tmp_path, year="2012", image_set="val", transform=ToTensor())  # labels stay PIL
    model = load_model("lraspp_mobilenet_v3_large", weights="random")
    scores = evaluate(model, dataset, num_classes=21, progress=False)
    labelled = np.concatenate([m[m != 255] for m in masks.values()])
    assert np.array_equal(scores.confusion.sum(axis=1), np.bincount(labelled, minlength=21))  # rows: the true classes


# --- issue 11: integral types, ignore_index, huge class counts, arguments checked before any batch runs ---

def test_numpy_integer_num_classes_and_ignore_index():
    images, labels = _data(3, n=2)
    data = [(images, labels)]
    expected = evaluate(Threshold(), data, num_classes=2, progress=False).confusion
    num_classes = labels[labels != 255].max().numpy() + 1  # a NumPy integer, as labels.max() + 1 gives it
    assert isinstance(num_classes, np.integer)
    scores = evaluate(Threshold(), data, num_classes=num_classes, ignore_index=np.uint8(255), progress=False)
    assert np.array_equal(scores.confusion, expected) and expected.sum() == 2 * 6 * 7 - 2


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"num_classes": 10**6}, ValueError, r"`num_classes` must be at most 1024 \(segtutor.metrics.MAX_CLASSES\), got 1000000"),
    ({"num_classes": 2, "ignore_index": None}, TypeError, r"`ignore_index` must be an int, the label of unlabelled pixels"),
    ({"num_classes": 2, "ignore_index": 1}, ValueError, r"`ignore_index` must not be a class id: with num_classes=2 it must lie outside 0..1"),
    ({"num_classes": 2, "class_names": ["a", "b", "c"]}, ValueError, r"`class_names` must hold 2 names, one per class, got 3"),
])
def test_arguments_are_checked_before_any_batch_runs(kwargs, error, message):
    model = Threshold()
    with pytest.raises(error, match=message):
        evaluate(model, [_data(n=1)], progress=False, **kwargs)
    assert model.modes_seen == []  # refused up front: the model never ran


def test_data_that_is_not_iterable_is_a_type_error():
    with pytest.raises(TypeError, match=r"`data` must be an iterable of \(batch, labels\) pairs, such as a DataLoader or a dataset, got int"):
        evaluate(Threshold(), 5, num_classes=2, progress=False)


def test_evaluate_leaves_a_mixed_mode_model_exactly_as_it_was():
    # issue 11 item 4: evaluate used to restore only the top-level flag, flattening mixed modes
    from segtutor import load_tiny_model

    model = load_tiny_model()
    model.train()
    model.encoder[0].eval()
    modes = [m.training for m in model.modules()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    data = [(torch.zeros(3, 32, 32), torch.zeros(32, 32, dtype=torch.long))]
    evaluate(model, data, num_classes=5, progress=False)
    assert [m.training for m in model.modules()] == modes
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())


def _evaluate_worker(rank: int, init: str, out: str) -> None:
    """One of two gloo processes: score its own share (UnpaddedSampler) with evaluate, save the scores' matrix."""
    from segtutor.metrics import UnpaddedSampler

    torch.distributed.init_process_group("gloo", init_method=init, rank=rank, world_size=2)
    try:
        data = SceneDataset(5, size=48, seed=3)
        share = [data[i] for i in UnpaddedSampler(range(len(data)), num_replicas=2, rank=rank)]
        model = segtutor.load_model("tiny", device="cpu")
        np.save(out, evaluate(model, share, num_classes=5, progress=False).confusion)
    finally:
        torch.distributed.destroy_process_group()


@pytest.mark.slow
def test_under_torch_distributed_each_process_scores_its_share_and_gets_the_whole(tmp_path):
    """Two real gloo processes, spawned (a forked child can hang in OpenMP once the parent has run a model)."""
    outs = run_two_processes(_evaluate_worker, tmp_path, suffix=".npy", start="spawn")
    whole = evaluate(segtutor.load_model("tiny", device="cpu"), SceneDataset(5, size=48, seed=3), num_classes=5, progress=False)
    for out in outs:
        assert np.array_equal(np.load(out), whole.confusion)
