import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from segtutor.metrics import average_precision, average_precision_from_curve, mean_average_precision, precision_recall_curve


def _one_class(scores, positives):
    """probs (2, 1, W) whose class 1 has `scores`, and a target marking `positives` as class 1."""
    scores = np.array([scores], dtype=np.float64)
    return np.stack([1 - scores, scores]), np.array([positives])


def test_ap_by_hand():
    # ranks: hit, miss, hit, miss -> precision 1, 1/2, 2/3, 1/2 at recall 1/2, 1/2, 1, 1
    probs, target = _one_class([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])
    precision, recall, thresholds = precision_recall_curve(probs, target, class_index=1)
    assert precision == pytest.approx([1, 1, 1 / 2, 2 / 3, 1 / 2])
    assert recall.tolist() == [0, 0.5, 0.5, 1, 1]
    assert thresholds.tolist() == pytest.approx([0.9, 0.8, 0.7, 0.6])
    assert average_precision(probs, target)[1] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_tied_scores_form_one_threshold_whatever_their_order():
    # The two pixels scored 0.5 are called together: precision 2/3 at full recall, not 1.
    for positives in ([1, 1, 0, 0], [1, 0, 1, 0]):
        probs, target = _one_class([0.9, 0.5, 0.5, 0.1], positives)
        precision, recall, thresholds = precision_recall_curve(probs, target, class_index=1)
        assert thresholds.tolist() == [0.9, 0.5, 0.1]
        assert average_precision(probs, target)[1] == pytest.approx(0.5 + 0.5 * 2 / 3)
    probs, target = _one_class([0.3] * 5, [1, 0, 0, 1, 0])
    assert average_precision(probs, target)[1] == pytest.approx(2 / 5)  # one threshold: AP = prevalence


def test_perfect_scores_give_one_and_absent_classes_nan():
    target = np.array([[[0, 1, 1], [0, 0, 255]]])
    probs = torch.nn.functional.one_hot(torch.as_tensor(np.where(target == 255, 2, target)), 4).permute(0, 3, 1, 2).float()
    scores = average_precision(probs, target)
    assert scores[:2].tolist() == [1.0, 1.0] and np.isnan(scores[2:]).all()
    assert mean_average_precision(probs, target) == 1.0


def _random_scores(seed):
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 4, size=(3, 9, 11))  # class 4 of 5 never occurs
    target[rng.random(target.shape) < 0.1] = 255
    logits = rng.normal(size=(3, 5, 9, 11)) + 2.0 * np.eye(5)[np.where(target == 255, 0, target)].transpose(0, 3, 1, 2)
    probs = torch.softmax(torch.as_tensor(logits), dim=1).numpy().round(2).astype(np.float32)  # rounding makes ties
    return probs, target


@pytest.mark.parametrize("seed", range(3))
def test_agrees_with_scikit_learn(seed):
    probs, target = _random_scores(seed)
    keep = target != 255
    scores = average_precision(probs, target)
    for c in range(4):
        y_true, y_score = target[keep] == c, probs[:, c][keep]
        assert scores[c] == pytest.approx(skm.average_precision_score(y_true, y_score), abs=1e-12)
        precision, recall, thresholds = precision_recall_curve(probs, target, class_index=c)
        sk_precision, sk_recall, sk_thresholds = skm.precision_recall_curve(y_true, y_score)
        assert precision == pytest.approx(sk_precision[::-1]) and recall == pytest.approx(sk_recall[::-1])
        assert thresholds == pytest.approx(sk_thresholds[::-1])
        assert average_precision_from_curve(precision, recall) == pytest.approx(scores[c], abs=1e-12)
    assert np.isnan(scores[4])
    assert mean_average_precision(probs, target) == pytest.approx(np.mean(scores[:4]))


def test_the_area_of_a_curve_by_hand_and_its_errors():
    # recall rises by 0.5 at precision 1, then by 0.5 at precision 2/3
    assert average_precision_from_curve([1.0, 1.0, 0.5, 2 / 3, 0.5], [0.0, 0.5, 0.5, 1.0, 1.0]) == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match=r"`precision` and `recall` must be of one shape \(K \+ 1,\) with K >= 1, got float64 of shape \(3,\) and float64 of shape \(2,\)"):
        average_precision_from_curve([1.0, 1.0, 0.5], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"got float64 of shape \(1,\) and float64 of shape \(1,\)"):
        average_precision_from_curve([1.0], [0.0])


def test_layouts_and_monotone_transforms_agree():
    probs, target = _random_scores(7)
    expected = average_precision(probs, target)
    assert np.allclose(average_precision(torch.as_tensor(probs), torch.as_tensor(target)), expected, equal_nan=True)
    assert np.allclose(average_precision(np.log(probs + 1e-3), target), expected, equal_nan=True)
    single = average_precision(probs[0], target[0])  # one image: probs (C, H, W), target (H, W)
    assert np.allclose(single, average_precision(probs[:1], target[:1]), equal_nan=True)
    assert not np.allclose(single, expected, equal_nan=True)


def test_bad_input():
    probs, target = _one_class([0.9, 0.8], [1, 0])
    with pytest.raises(TypeError, match=r"`probs` must be a float array or tensor of shape \(C, H, W\) or \(N, C, H, W\), got int64 of shape \(2, 1, 2\)"):
        average_precision(probs.astype(np.int64), target)
    with pytest.raises(TypeError, match=r"`target` must be an integer array of shape \(H, W\) or \(N, H, W\), got float64"):
        average_precision(probs, target.astype(float))
    with pytest.raises(ValueError, match=r"`probs` must have shape \(C, 1, 2\) to match `target` of shape \(1, 2\), got shape \(2, 1, 3\)"):
        average_precision(np.zeros((2, 1, 3)), target)
    with pytest.raises(ValueError, match=r"`probs` must have shape \(4, C, 5, 6\) to match `target` of shape \(4, 5, 6\), got shape \(4, 5, 6\)"):
        mean_average_precision(np.zeros((4, 5, 6)), np.zeros((4, 5, 6), int))
    with pytest.raises(ValueError, match=r"`probs` must score at least 2 classes, got 1"):
        average_precision(probs[:1], target)
    with pytest.raises(ValueError, match=r"`probs` and `target` must not be empty, got `target` of shape \(0, 2\)"):
        average_precision(np.zeros((2, 0, 2)), np.zeros((0, 2), int))
    with pytest.raises(ValueError, match=r"`probs` must be finite, got 1 NaN or infinite values"):
        average_precision(np.where(probs == 0.9, np.nan, probs), target)
    with pytest.raises(ValueError, match=r"`target` values must be in 0..1 or ignore_index=255, got 2"):
        average_precision(probs, np.array([[2, 0]]))


def test_bad_class_index():
    probs, target = _one_class([0.9, 0.8], [0, 0])
    with pytest.raises(TypeError, match=r"`class_index` must be an int, got str"):
        precision_recall_curve(probs, target, class_index="1")
    with pytest.raises(ValueError, match=r"`class_index` must be in 0..1, got 2"):
        precision_recall_curve(probs, target, class_index=2)
    with pytest.raises(ValueError, match=r"`class_index` 1 has no labelled pixel in `target`, so its recall is undefined"):
        precision_recall_curve(probs, target, class_index=1)
    assert np.isnan(mean_average_precision(probs, np.full((1, 2), 255)))


# --- issue 11: integral types, ignore_index, odd memory layouts ---

def test_numpy_integer_class_index_and_ignore_index():
    probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    target = np.array([[1, 0, 1, 0]])
    expected = precision_recall_curve(probs, target, class_index=1)
    for class_index in (np.int64(1), np.uint8(1), target.max()):
        got = precision_recall_curve(probs, target, class_index=class_index, ignore_index=np.int64(255))
        for ours, theirs in zip(got, expected):
            np.testing.assert_array_equal(ours, theirs)
    assert expected[0].round(3).tolist() == [1.0, 1.0, 0.5, 0.667, 0.5]
    with pytest.raises(TypeError, match=r"`class_index` must be an int, got bool"):
        precision_recall_curve(probs, target, class_index=True)


@pytest.mark.parametrize("function", [average_precision, mean_average_precision])
def test_ignore_index_none_or_a_class_id_is_refused(function):
    probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    target = np.array([[1, 0, 0, 1]])
    with pytest.raises(TypeError, match=r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"):
        function(probs, target, ignore_index=None)
    with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id: with num_classes=2 it must lie outside 0..1 \(e.g. 255 or -1\), got 0"):
        function(probs, target, ignore_index=0)
    with pytest.raises(ValueError, match=r"`ignore_index` must not be a class id: .* got 1"):
        precision_recall_curve(probs, target, class_index=0, ignore_index=1)


def test_flipped_and_big_endian_inputs_give_the_native_answer():
    probs = np.array([[[0.1, 0.2, 0.3, 0.4]], [[0.9, 0.8, 0.7, 0.6]]])
    target = np.array([[1, 0, 0, 1]])
    expected = average_precision(probs, target)
    assert expected.round(4).tolist() == [0.5833, 0.75]
    flipped_probs = np.ascontiguousarray(probs[..., ::-1])[..., ::-1]  # same values through negative strides
    flipped_target = np.ascontiguousarray(target[:, ::-1])[:, ::-1]
    np.testing.assert_array_equal(average_precision(flipped_probs, flipped_target), expected)
    np.testing.assert_array_equal(average_precision(probs.astype(">f8"), target.astype(">i8")), expected)
    curve = precision_recall_curve(probs.astype(">f4"), flipped_target, class_index=1)
    np.testing.assert_allclose(curve[0], precision_recall_curve(probs.astype("<f4"), target, class_index=1)[0])
