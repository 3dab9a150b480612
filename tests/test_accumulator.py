import multiprocessing

import numpy as np
import pytest
import torch

import segtutor
from segtutor import Scores, confusion_matrix
from segtutor.metrics import ConfusionMatrix, dice, iou, mean_iou, pixel_accuracy, precision, recall

from ._gloo import run_two_processes


def _maps(seed, shape, num_classes=4, ignore_index=255):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, num_classes, shape)
    target[rng.random(shape) < 0.2] = ignore_index
    pred = np.where(rng.random(shape) < 0.6, np.where(target == ignore_index, 0, target), rng.integers(0, num_classes, shape))
    return pred, target


def test_is_reachable_from_the_top_level_and_from_metrics():
    assert segtutor.ConfusionMatrix is ConfusionMatrix and segtutor.metrics.ConfusionMatrix is ConfusionMatrix
    assert segtutor.metrics.Scores is Scores


def test_exact_matrix_of_small_arrays_numpy_and_torch():
    metric = ConfusionMatrix(3)
    metric.update(np.array([[0, 1, 1], [1, 2, 0]]), np.array([[0, 0, 1], [1, 2, 255]]))  # pred, target
    assert metric.matrix.tolist() == [[1, 1, 0], [0, 2, 0], [0, 0, 1]]
    metric.update(torch.tensor([[[2, 1]]]), torch.tensor([[[0, 255]]]))  # [N, H, W] tensors; an ignored pixel
    assert metric.matrix.tolist() == [[1, 1, 1], [0, 2, 0], [0, 0, 1]]
    assert metric.matrix.dtype == np.int64 and metric.matrix.shape == (3, 3)
    assert repr(metric) == "ConfusionMatrix(num_classes=3, ignore_index=255, pixels=6)"


def test_matrix_is_a_copy_that_cannot_change_the_counts():
    metric = ConfusionMatrix(2)
    metric.update(np.array([0, 1]), np.array([0, 1]))
    copy = metric.matrix
    copy[0, 0] = 100
    assert metric.matrix.tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize("ignore_index", [255, -1])
def test_streamed_updates_equal_one_call_on_the_concatenation(ignore_index):
    pairs = [_maps(seed, shape, ignore_index=ignore_index) for seed, shape in enumerate([(5, 7), (2, 5, 7), (5, 7), (3, 5, 7)])]
    metric = ConfusionMatrix(4, ignore_index=ignore_index)
    for index, (pred, target) in enumerate(pairs):
        if index % 2:  # mix NumPy and torch, narrow and wide dtypes
            pred, target = torch.from_numpy(pred).to(torch.int16), torch.from_numpy(target)
        metric.update(pred, target)
    pred = np.concatenate([p.reshape(-1, 5, 7) for p, _ in pairs])
    target = np.concatenate([t.reshape(-1, 5, 7) for _, t in pairs])
    expected = confusion_matrix(pred, target, num_classes=4, ignore_index=ignore_index)
    assert np.array_equal(metric.matrix, expected)
    assert metric.matrix.sum() == (target != ignore_index).sum() > 0


def test_merge_adds_the_other_counts_and_reset_clears_them():
    (pred_a, target_a), (pred_b, target_b) = _maps(0, (6, 6)), _maps(1, (6, 6))
    first, second, whole = ConfusionMatrix(4), ConfusionMatrix(4), ConfusionMatrix(4)
    first.update(pred_a, target_a)
    second.update(pred_b, target_b)
    whole.update(np.stack([pred_a, pred_b]), np.stack([target_a, target_b]))
    second_before = second.matrix
    assert first.merge(second) is None
    assert np.array_equal(first.matrix, whole.matrix) and np.array_equal(second.matrix, second_before)
    first.reset()
    assert first.matrix.tolist() == np.zeros((4, 4), int).tolist()
    first.update(pred_b, target_b)  # counts again after a reset
    assert np.array_equal(first.matrix, second.matrix)


def test_merge_refuses_a_different_accumulator():
    metric = ConfusionMatrix(4)
    with pytest.raises(TypeError, match=r"`other` must be a ConfusionMatrix, got ndarray"):
        metric.merge(np.zeros((4, 4), np.int64))
    with pytest.raises(ValueError, match=r"`other` must have the same num_classes, 4, got 5"):
        metric.merge(ConfusionMatrix(5))
    with pytest.raises(ValueError, match=r"`other` must have the same ignore_index, 255, got -1"):
        metric.merge(ConfusionMatrix(4, ignore_index=-1))
    assert metric.matrix.sum() == 0


def test_compute_gives_the_functional_scores_and_the_class_names():
    pred, target = _maps(3, (2, 9, 9), num_classes=5)
    pred[pred == 4] = 0  # class 4 is never predicted: precision 0 where it is in the target
    metric = ConfusionMatrix(5, class_names=["a", "b", "c", "d", "e"])
    for p, t in zip(pred, target):
        metric.update(p, t)
    scores = metric.compute()
    assert isinstance(scores, Scores) and scores.class_names == ("a", "b", "c", "d", "e")
    for name, function in [("iou", iou), ("dice", dice), ("precision", precision), ("recall", recall)]:
        np.testing.assert_array_equal(getattr(scores, name), function(pred, target, num_classes=5), err_msg=name)
    assert scores.mean_iou == mean_iou(pred, target, num_classes=5)
    assert scores.pixel_accuracy == pixel_accuracy(pred, target, num_classes=5)
    assert np.array_equal(scores.confusion, metric.matrix)
    assert ConfusionMatrix(3).compute().class_names == ("0", "1", "2")
    assert np.isnan(ConfusionMatrix(3).compute().mean_iou)  # nothing counted yet


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), [
    ((2.0,), {}, TypeError, r"`num_classes` must be an int, got float"),
    ((1,), {}, ValueError, r"`num_classes` must be at least 2, got 1"),
    ((2000,), {}, ValueError, r"`num_classes` must be at most 1024 \(segtutor.metrics.MAX_CLASSES\), got 2000"),
    ((3,), {"ignore_index": 2}, ValueError, r"`ignore_index` must not be a class id: with num_classes=3 it must lie outside 0..2"),
    ((3,), {"ignore_index": None}, TypeError, r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"),
    ((3,), {"class_names": ["a", "b"]}, ValueError, r"`class_names` must hold 3 names, one per class, got 2"),
])
def test_constructor_refuses_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        ConfusionMatrix(*args, **kwargs)


def test_num_classes_and_ignore_index_accept_numpy_integers():
    metric = ConfusionMatrix(np.int64(3), ignore_index=np.int16(-1))
    assert (metric.num_classes, metric.ignore_index) == (3, -1) and type(metric.num_classes) is int


@pytest.mark.parametrize(("pred", "target", "error", "message"), [
    (np.zeros((2, 2), np.float32), np.zeros((2, 2), int), TypeError,
     r"`pred` must be an integer array or tensor, got float32 of shape \(2, 2\)"),
    (np.zeros((2, 2), int), [[0, 0], [0, 0]], TypeError, r"`target` must be an integer array or tensor, got list"),
    (np.zeros((2, 2), int), np.zeros((2, 3), int), ValueError,
     r"`pred` and `target` must have the same shape, got \(2, 2\) and \(2, 3\)"),
    (np.zeros((0, 2), int), np.zeros((0, 2), int), ValueError, r"`pred` and `target` must not be empty, got shape \(0, 2\)"),
    (np.zeros((1, 2), int), np.array([[0, 7]]), ValueError, r"`target` values must be in 0..2 or ignore_index=255, got 7"),
    (np.array([[0, 3]]), np.zeros((1, 2), int), ValueError, r"`pred` values must be in 0..2, got 3"),
])
def test_update_refuses_bad_maps_with_the_functions_messages_and_adds_nothing(pred, target, error, message):
    metric = ConfusionMatrix(3)
    metric.update(np.array([0, 1]), np.array([0, 2]))
    with pytest.raises(error, match=message):
        metric.update(pred, target)
    with pytest.raises(error, match=message):
        confusion_matrix(pred, target, num_classes=3)
    assert metric.matrix.sum() == 2


def test_sync_without_a_process_group_changes_nothing():
    assert not torch.distributed.is_initialized()
    metric = ConfusionMatrix(2)
    metric.update(np.array([0, 1, 1]), np.array([0, 1, 0]))
    assert metric.sync() is None and metric.matrix.tolist() == [[1, 1], [0, 1]]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_count_like_their_cpu_copies():
    pred, target = (torch.from_numpy(a) for a in _maps(5, (3, 8, 8)))
    on_gpu, on_cpu = ConfusionMatrix(4), ConfusionMatrix(4)
    on_gpu.update(pred.cuda(), target.cuda())
    on_cpu.update(pred, target)
    assert np.array_equal(on_gpu.matrix, on_cpu.matrix)


def _sync_worker(rank: int, init: str, out: str) -> None:
    """One of two gloo processes: count its own share of the data, sync, save both matrices."""
    torch.distributed.init_process_group("gloo", init_method=init, rank=rank, world_size=2)
    try:
        pred, target = _maps(rank, (3, 10, 10))  # each rank its own share of the data
        metric = ConfusionMatrix(4)
        for p, t in zip(pred, target):
            metric.update(p, t)
        local = metric.matrix
        metric.sync()
        np.savez(out, local=local, synced=metric.matrix, pred=pred, target=target)
    finally:
        torch.distributed.destroy_process_group()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method")
def test_sync_sums_the_matrices_of_two_gloo_processes(tmp_path):
    """Two real processes, forked so that they need not import segtutor again, rendezvous through a file."""
    ranks = [np.load(out) for out in run_two_processes(_sync_worker, tmp_path, suffix=".npz", timeout=60)]
    single = ConfusionMatrix(4)
    single.update(np.concatenate([r["pred"] for r in ranks]), np.concatenate([r["target"] for r in ranks]))
    for rank in ranks:
        assert np.array_equal(rank["synced"], single.matrix)
        assert not np.array_equal(rank["local"], single.matrix)  # each rank counted only its share
    assert np.array_equal(ranks[0]["local"] + ranks[1]["local"], single.matrix)
