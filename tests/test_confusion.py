import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm

from segtutor import confusion_matrix, dice, iou, mean_iou, pixel_accuracy, precision, recall
from segtutor.metrics import (
    dice_from_confusion,
    iou_from_confusion,
    macro_mean,
    pixel_accuracy_from_confusion,
    precision_from_confusion,
    recall_from_confusion,
)

# A hand-checkable 3x3 example. Target / prediction:
#   0 0 1      0 1 1
#   1 2 2      1 2 0
#   2 2 255    2 0 1     (255: unlabelled, not counted)
from ._maps import random_maps as _random_maps

TARGET = np.array([[0, 0, 1], [1, 2, 2], [2, 2, 255]])
PRED = np.array([[0, 1, 1], [1, 2, 0], [2, 0, 1]])
PAIR_METRICS = [pixel_accuracy, precision, recall, iou, dice, mean_iou]
FROM_CONFUSION = [pixel_accuracy_from_confusion, precision_from_confusion, recall_from_confusion, iou_from_confusion, dice_from_confusion]


def test_confusion_matrix_by_hand():
    expected = np.array([
        [1, 1, 0],  # true 0: once right, once called 1
        [0, 2, 0],  # true 1: both right
        [2, 0, 2],  # true 2: twice right, twice called 0
    ])
    matrix = confusion_matrix(PRED, TARGET, num_classes=3)
    assert matrix.dtype == np.int64
    assert np.array_equal(matrix, expected)


def test_confusion_matrix_agrees_for_torch_and_batches():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 4, size=(2, 6, 5))
    pred = rng.integers(0, 4, size=(2, 6, 5))
    expected = sum(confusion_matrix(pred[i], target[i], num_classes=4) for i in range(2))
    assert np.array_equal(confusion_matrix(torch.as_tensor(pred), torch.as_tensor(target), num_classes=4), expected)
    reference = np.zeros((4, 4), np.int64)
    np.add.at(reference, (target.ravel(), pred.ravel()), 1)
    assert np.array_equal(expected, reference)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64])
def test_every_integer_dtype_counts_the_same(dtype):
    matrix = confusion_matrix(PRED.astype(dtype), np.where(TARGET == 255, 0, TARGET).astype(dtype), num_classes=3, ignore_index=-1)
    assert matrix.tolist() == [[1, 2, 0], [0, 2, 0], [2, 0, 2]]  # the 255 became a true 0 called 1


def test_ignore_index_minus_one_does_not_swallow_255_in_uint8_labels():
    # A uint8 comparison with -1 would wrap it to 255 and silently drop those pixels.
    with pytest.raises(ValueError, match=r"`target` values must be in 0..2 or ignore_index=-1, got 255"):
        confusion_matrix(PRED.astype(np.uint8), TARGET.astype(np.uint8), num_classes=3, ignore_index=-1)


def test_ignored_pixels_may_hold_any_prediction():
    pred = np.array([0, 1, 7])
    assert confusion_matrix(pred, np.array([0, 1, 255]), num_classes=2).tolist() == [[1, 0], [0, 1]]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_confusion_matrix_on_cuda_equals_cpu():
    rng = np.random.default_rng(3)
    target = torch.as_tensor(rng.integers(0, 5, size=(3, 40, 30)))
    pred = torch.as_tensor(rng.integers(0, 5, size=(3, 40, 30)))
    target[0, :5] = 255
    expected = confusion_matrix(pred, target, num_classes=5)
    assert np.array_equal(confusion_matrix(pred.cuda(), target.cuda(), num_classes=5), expected)


def test_scores_by_hand():
    # TP per class [1, 2, 2]; target pixels per class (rows) [2, 2, 4]; predicted (columns) [3, 3, 2].
    assert pixel_accuracy(PRED, TARGET, num_classes=3) == pytest.approx(5 / 8)
    assert precision(PRED, TARGET, num_classes=3) == pytest.approx([1 / 3, 2 / 3, 2 / 2])
    assert recall(PRED, TARGET, num_classes=3) == pytest.approx([1 / 2, 2 / 2, 2 / 4])
    # class 0: TP 1, FP 2, FN 1 -> IoU 1/4; class 1: TP 2, FP 1 -> 2/3; class 2: TP 2, FN 2 -> 2/4
    assert iou(PRED, TARGET, num_classes=3) == pytest.approx([1 / 4, 2 / 3, 1 / 2])
    assert dice(PRED, TARGET, num_classes=3) == pytest.approx([2 / 5, 4 / 5, 4 / 6])
    assert mean_iou(PRED, TARGET, num_classes=3) == pytest.approx((1 / 4 + 2 / 3 + 1 / 2) / 3)


def test_from_confusion_accepts_tensors_and_agrees():
    matrix = confusion_matrix(PRED, TARGET, num_classes=3)
    for function in FROM_CONFUSION:
        assert np.allclose(function(torch.as_tensor(matrix)), function(matrix))


def test_absent_class_is_nan_and_left_out_of_the_mean():
    scores = iou(np.array([0, 1]), np.array([0, 1]), num_classes=3)
    assert scores[:2].tolist() == [1.0, 1.0] and np.isnan(scores[2])
    assert mean_iou(np.array([0, 1]), np.array([0, 1]), num_classes=3) == 1.0
    for function in FROM_CONFUSION:
        assert np.isnan(function(np.zeros((2, 2)))).all(), function.__name__


def test_one_nan_aware_mean_for_every_macro_average():
    assert macro_mean([0.5, np.nan, 1.0]) == 0.75 and macro_mean(torch.tensor([0.25, 0.75])) == 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy.nanmean warned "Mean of empty slice" here
        assert np.isnan(macro_mean([np.nan, np.nan])) and np.isnan(macro_mean([]))
        # every pixel unlabelled: no class has an IoU, and mean_iou says so without a warning
        assert np.isnan(mean_iou(np.array([0, 1]), np.array([255, 255]), num_classes=2))


def test_class_present_on_one_side_only_scores_zero_not_nan():
    # class 1 is in the target only (never predicted), class 2 is predicted only.
    pred, target = np.array([0, 0, 2]), np.array([0, 1, 0])
    assert precision(pred, target, num_classes=4).tolist()[:3] == [0.5, 0.0, 0.0]
    assert recall(pred, target, num_classes=4).tolist()[:3] == [0.5, 0.0, 0.0]
    assert dice(pred, target, num_classes=4).tolist()[:3] == [0.5, 0.0, 0.0]
    assert np.isnan(precision(pred, target, num_classes=4)[3])




@pytest.mark.parametrize("seed", range(3))
def test_agrees_with_scikit_learn_on_random_maps_with_ignore_index(seed):
    pred, target = _random_maps(seed)
    keep = target != 255
    y_true, y_pred = target[keep], pred[keep]
    present = [0, 1, 2, 3, 4]
    matrix = confusion_matrix(torch.as_tensor(pred), torch.as_tensor(target), num_classes=6)
    assert np.array_equal(matrix, skm.confusion_matrix(y_true, y_pred, labels=range(6)))
    references = {
        precision: skm.precision_score, recall: skm.recall_score, iou: skm.jaccard_score, dice: skm.f1_score,
    }
    for ours, theirs in references.items():
        scores = ours(pred, target, num_classes=6)
        assert np.isnan(scores[5]), ours.__name__
        expected = theirs(y_true, y_pred, labels=present, average=None, zero_division=0)
        assert scores[:5] == pytest.approx(expected, abs=1e-12), ours.__name__
        macro = theirs(y_true, y_pred, labels=present, average="macro", zero_division=0)
        assert np.nanmean(scores) == pytest.approx(macro, abs=1e-12), ours.__name__
    micro = skm.precision_score(y_true, y_pred, labels=present, average="micro")
    assert pixel_accuracy(pred, target, num_classes=6) == pytest.approx(micro) == pytest.approx(skm.accuracy_score(y_true, y_pred))


def _label_maps(allow_ignore: bool):
    """Pairs (pred, target) of small class maps with 2..4 classes; target may hold 255 where allowed."""
    @st.composite
    def pairs(draw):
        num_classes = draw(st.integers(2, 4))
        shape = draw(st.tuples(st.integers(1, 5), st.integers(1, 5)))
        values = st.integers(0, num_classes - 1)
        pred = draw(arrays(np.int64, shape, elements=values))
        target_values = st.one_of(values, st.just(255)) if allow_ignore else values
        target = draw(arrays(np.int64, shape, elements=target_values))
        return pred, target, num_classes
    return pairs()


@settings(max_examples=60, deadline=None)
@given(_label_maps(allow_ignore=True))
def test_property_iou_bounded_by_dice_and_dice_from_iou(pair):
    pred, target, num_classes = pair
    class_iou, class_dice = iou(pred, target, num_classes=num_classes), dice(pred, target, num_classes=num_classes)
    assert np.array_equal(np.isnan(class_iou), np.isnan(class_dice))
    defined = ~np.isnan(class_iou)
    assert np.all((class_iou[defined] >= 0) & (class_iou[defined] <= class_dice[defined] + 1e-12) & (class_dice[defined] <= 1))
    assert class_dice[defined] == pytest.approx(2 * class_iou[defined] / (1 + class_iou[defined]))


@settings(max_examples=60, deadline=None)
@given(_label_maps(allow_ignore=False))
def test_property_iou_and_dice_are_symmetric_and_precision_mirrors_recall(pair):
    pred, target, n = pair
    for score in (iou, dice):
        np.testing.assert_array_equal(score(pred, target, num_classes=n), score(target, pred, num_classes=n))
    np.testing.assert_array_equal(precision(pred, target, num_classes=n), recall(target, pred, num_classes=n))


@settings(max_examples=60, deadline=None)
@given(_label_maps(allow_ignore=True))
def test_property_a_perfect_prediction_scores_one(pair):
    _, target, n = pair
    pred = np.where(target == 255, 0, target)  # any class may stand at ignored pixels
    matrix = confusion_matrix(pred, target, num_classes=n)
    present = np.isin(np.arange(n), target)
    for function in (precision_from_confusion, recall_from_confusion, iou_from_confusion, dice_from_confusion):
        scores = function(matrix)
        assert np.all(scores[present] == 1.0) and np.isnan(scores[~present]).all(), function.__name__
    if present.any():
        assert pixel_accuracy_from_confusion(matrix) == 1.0
    else:
        assert np.isnan(pixel_accuracy_from_confusion(matrix))


def test_bad_input():
    with pytest.raises(ValueError, match=r"`pred` and `target` must have the same shape, got \(2, 2\) and \(2, 3\)"):
        confusion_matrix(np.zeros((2, 2), int), np.zeros((2, 3), int), num_classes=2)
    with pytest.raises(TypeError, match=r"`pred` must be an integer array or tensor, got float32 of shape \(2,\)"):
        confusion_matrix(np.zeros(2, np.float32), np.zeros(2, int), num_classes=2)
    with pytest.raises(TypeError, match=r"`target` must be an integer array or tensor, got float32 of shape \(2,\)"):
        confusion_matrix(torch.zeros(2, dtype=torch.long), torch.zeros(2), num_classes=2)
    with pytest.raises(TypeError, match=r"`target` must be an integer array or tensor, got list"):
        confusion_matrix(np.zeros(2, int), [0, 0], num_classes=2)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..1 or ignore_index=255, got 7"):
        confusion_matrix(np.zeros(2, int), np.array([0, 7]), num_classes=2)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..1 or ignore_index=255, got -3"):
        confusion_matrix(np.zeros(2, int), np.array([0, -3]), num_classes=2)
    with pytest.raises(ValueError, match=r"`pred` values must be in 0..1, got 255"):
        confusion_matrix(np.array([0, 255]), np.zeros(2, int), num_classes=2)
    with pytest.raises(ValueError, match=r"`pred` and `target` must not be empty, got shape \(0,\)"):
        confusion_matrix(np.zeros(0, int), np.zeros(0, int), num_classes=2)
    with pytest.raises(ValueError, match=r"`num_classes` must be at least 2, got 1"):
        confusion_matrix(np.zeros(2, int), np.zeros(2, int), num_classes=1)
    with pytest.raises(TypeError, match=r"`num_classes` must be an int, got float"):
        confusion_matrix(np.zeros(2, int), np.zeros(2, int), num_classes=2.0)


@pytest.mark.parametrize("metric", PAIR_METRICS, ids=lambda f: f.__name__)
def test_every_metric_refuses_bad_pairs(metric):
    with pytest.raises(ValueError, match=r"`pred` and `target` must have the same shape"):
        metric(np.zeros((2, 2), int), np.zeros((2, 3), int), num_classes=2)
    with pytest.raises(TypeError, match=r"`pred` must be an integer array or tensor, got float64"):
        metric(np.zeros(2), np.zeros(2, int), num_classes=2)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..2 or ignore_index=255, got 3"):
        metric(np.zeros(2, int), np.array([3, 0]), num_classes=3)
    with pytest.raises(ValueError, match=r"`num_classes` must be at least 2, got 0"):
        metric(np.zeros(2, int), np.zeros(2, int), num_classes=0)


@pytest.mark.parametrize("function", FROM_CONFUSION, ids=lambda f: f.__name__)
def test_from_confusion_refuses_bad_matrices(function):
    with pytest.raises(TypeError, match=r"`matrix` must be a confusion matrix array or tensor, got list"):
        function([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match=r"`matrix` must be square, of shape \(C, C\) with C >= 2, got int64 of shape \(2, 3\)"):
        function(np.zeros((2, 3), np.int64))
    with pytest.raises(ValueError, match=r"`matrix` must be square, .*, got int64 of shape \(1, 1\)"):
        function(np.zeros((1, 1), np.int64))
    with pytest.raises(ValueError, match=r"`matrix` must hold non-negative counts, got minimum -1"):
        function(np.array([[1, -1], [0, 1]]))


# --- issue 11: integral types, ignore_index semantics, huge class counts, odd memory layouts ---

@pytest.mark.parametrize("metric", [confusion_matrix, *PAIR_METRICS], ids=lambda f: f.__name__)
@pytest.mark.parametrize("integer", [np.int64, np.int32, np.uint8], ids=lambda t: t.__name__)
def test_numpy_integers_count_as_num_classes_and_ignore_index(metric, integer):
    num_classes = integer(TARGET[TARGET != 255].max() + 1)  # np.int64(3), as labels.max() + 1 gives it
    expected = metric(PRED, TARGET, num_classes=3, ignore_index=255)
    np.testing.assert_array_equal(metric(PRED, TARGET, num_classes=num_classes, ignore_index=np.int64(255)), expected)
    with pytest.raises(TypeError, match=r"`num_classes` must be an int, got bool"):
        metric(PRED, TARGET, num_classes=True)
    with pytest.raises(TypeError, match=r"`num_classes` must be an int, got float64"):
        metric(PRED, TARGET, num_classes=np.float64(3))


def test_ignore_index_that_is_a_class_id_is_refused():
    # ignore_index=0 with classes 0..2 used to drop target-0 pixels but still count predictions of 0:
    # class 0 then scored IoU 0 from the false positives alone. A label cannot be both a class and "no label".
    pred, target = np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2])
    with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id: with num_classes=3 it must lie "
                                         r"outside 0..2 \(e.g. 255 or -1\), got 0"):
        confusion_matrix(pred, target, num_classes=3, ignore_index=0)
    for metric in PAIR_METRICS:
        with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id: with num_classes=3 .* got 2"):
            metric(pred, target, num_classes=3, ignore_index=np.int64(2))
    # Outside the classes, above or below, it is fine; ignored pixels take any prediction, labelled ones none but classes.
    assert confusion_matrix(pred, target, num_classes=3, ignore_index=3).tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    assert confusion_matrix(np.array([0, 5, 9]), np.array([0, -1, -1]), num_classes=3, ignore_index=-1).tolist() == [
        [1, 0, 0], [0, 0, 0], [0, 0, 0]]
    with pytest.raises(ValueError, match=r"`pred` values must be in 0..2, got 255"):
        confusion_matrix(np.array([0, 255]), np.array([0, 1]), num_classes=3)


def test_ignore_index_none_and_overflow_are_refused_clearly():
    for metric in [confusion_matrix, *PAIR_METRICS]:
        with pytest.raises(TypeError, match=r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), "
                                            r"got None; to ignore no pixel, pass a value your labels never hold, such as -1"):
            metric(PRED, TARGET, num_classes=3, ignore_index=None)
    with pytest.raises(TypeError, match=r"`ignore_index` must be an int, .* got float"):
        confusion_matrix(PRED, TARGET, num_classes=3, ignore_index=255.0)
    with pytest.raises(ValueError, match=r"`ignore_index` must fit in int64, got 1180591620717411303424"):
        confusion_matrix(PRED, TARGET, num_classes=3, ignore_index=2**70)


@pytest.mark.parametrize("num_classes", [1025, 10**6, 10**12])
def test_huge_class_counts_are_refused_before_allocating(num_classes):
    for metric in [confusion_matrix, *PAIR_METRICS]:
        with pytest.raises(ValueError, match=rf"`num_classes` must be at most 1024 \(segtutor.metrics.MAX_CLASSES\), got {num_classes}"):
            metric(PRED, TARGET, num_classes=num_classes)


def test_max_classes_itself_works_and_label_ids_of_10_to_12_are_out_of_range():
    from segtutor.metrics import MAX_CLASSES

    assert MAX_CLASSES == 1024
    pred = np.array([0, MAX_CLASSES - 1, 5])
    matrix = confusion_matrix(pred, np.array([0, MAX_CLASSES - 1, 255]), num_classes=MAX_CLASSES, ignore_index=-1)
    assert matrix.shape == (1024, 1024) and matrix[0, 0] == matrix[1023, 1023] == 1 and matrix[255, 5] == 1 and matrix.sum() == 3
    with pytest.raises(ValueError, match=r"`target` values must be in 0..2 or ignore_index=255, got 1000000000000"):
        confusion_matrix(np.zeros(2, np.int64), np.array([0, 10**12]), num_classes=3)


@pytest.mark.parametrize("layout", ["flipped", "big-endian", "flipped big-endian", "transposed"])
def test_flipped_and_big_endian_arrays_give_the_native_answer(layout):
    expected = confusion_matrix(PRED, TARGET, num_classes=3).tolist()
    def flipped(a):
        return np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1]  # the same values, read through negative strides

    def arrange(a):
        if "flipped" in layout:
            a = flipped(a)
        if "big-endian" in layout:
            a = a.astype(">i4")
        if layout == "transposed":
            a = np.asfortranarray(a)
        return a
    pred, target = arrange(PRED), arrange(TARGET)
    assert np.array_equal(pred, PRED) and np.array_equal(target, TARGET)
    assert confusion_matrix(pred, target, num_classes=3).tolist() == expected
    for metric in PAIR_METRICS:
        np.testing.assert_array_equal(metric(pred, target, num_classes=3), metric(PRED, TARGET, num_classes=3))
    for function in FROM_CONFUSION:  # a big-endian or flipped matrix, too
        matrix = arrange(np.asarray(expected))
        np.testing.assert_array_equal(function(matrix), function(np.asarray(expected)))


def test_validators_live_in_checks_and_metrics_exports_the_bound():
    import segtutor.metrics as metrics
    from segtutor import _checks
    from segtutor.metrics import _labels

    assert metrics.MAX_CLASSES is _checks.MAX_CLASSES
    for name in ("check_num_classes", "check_ignore_index", "check_int"):
        assert callable(getattr(_checks, name)), name
    for name in ("check_label_pair", "as_confusion_matrix", "check_label_range", "widen_labels"):  # the metrics' own
        assert callable(getattr(_labels, name)) and not hasattr(_checks, name), name
    assert _checks.check_int(np.int64(5), name="n") == 5 and type(_checks.check_int(np.uint8(5), name="n")) is int



def test_as_native_copies_a_read_only_array_so_torch_takes_it_without_a_warning():
    from segtutor import _checks
    labels = np.arange(6).reshape(2, 3)
    assert _checks.as_native(labels) is labels  # writable, native, forward: used as it is
    labels.setflags(write=False)
    native = _checks.as_native(labels)
    assert native is not labels and native.flags.writeable and np.array_equal(native, labels)

# --- confusion_matrix's narrow counting (issue 16; its counts are tested in tests/test_counting.py) ---

@pytest.mark.parametrize("bad", [-1, 3, 254, 256, 2**40])
def test_out_of_range_values_still_raise_after_narrowing(bad):
    # A value that narrowing to int16 would wrap into range (2**40 wraps to 0) is still refused.
    target = np.array([[0, 1], [2, 255]], dtype=np.int64)
    pred = np.array([[0, 1], [2, 0]], dtype=np.int64)
    with pytest.raises(ValueError, match=rf"`target` values must be in 0..2 or ignore_index=255, got {bad}"):
        confusion_matrix(pred, np.where(target == 2, bad, target), num_classes=3)
    if bad != 254 and bad != 256:
        with pytest.raises(ValueError, match=rf"`pred` values must be in 0..2, got {bad}"):
            confusion_matrix(np.where(pred == 2, bad, pred), target, num_classes=3)
