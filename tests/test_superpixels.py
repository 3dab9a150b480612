import numpy as np
import pytest
import torch

from segtutor import load_image
from segtutor.display import mean_color_image, slic_superpixels, smooth_labels, superpixel_boundaries


def _halves() -> np.ndarray:
    image = np.zeros((6, 8, 3), np.uint8)
    image[:, 4:] = (255, 0, 0)
    return image


def test_slic_splits_two_flat_halves_exactly():
    segments = slic_superpixels(_halves(), n_segments=2)
    assert segments.dtype == np.int64 and segments.shape == (6, 8)
    expected = np.zeros((6, 8), np.int64)
    expected[:, 4:] = 1
    assert np.array_equal(segments, expected)


def test_slic_on_a_photo_is_deterministic_and_near_the_requested_count():
    image = load_image("coffee").resize((150, 100))
    segments = slic_superpixels(image, n_segments=60)
    assert np.array_equal(segments, slic_superpixels(image, n_segments=60))
    assert 30 <= len(np.unique(segments)) <= 90 and segments.min() == 0


def test_slic_refuses_bad_options():
    with pytest.raises(TypeError, match=r"`n_segments` must be an int, got float"):
        slic_superpixels(_halves(), n_segments=2.5)
    with pytest.raises(TypeError, match=r"`compactness` must be a number, got str"):
        slic_superpixels(_halves(), compactness="10")
    with pytest.raises(ValueError, match=r"`n_segments` and `compactness` must be positive, got 0 and 10.0"):
        slic_superpixels(_halves(), n_segments=0)
    with pytest.raises(TypeError, match=r"`image` must be a PIL image or a uint8 array of shape \(H, W, 3\), got float32 of shape \(3, 4, 4\)"):
        slic_superpixels(torch.zeros(3, 4, 4))


def test_mean_colour_by_hand_and_against_a_bincount_reference():
    image = np.array([[[0, 0, 0], [10, 20, 31], [200, 200, 200]]], dtype=np.uint8)
    assert mean_color_image(image, np.array([[0, 0, 1]])).tolist() == [[[5, 10, 16], [5, 10, 16], [200, 200, 200]]]
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    segments = rng.integers(0, 4, (5, 6))
    counts = np.bincount(segments.ravel(), minlength=4)
    means = np.stack([np.bincount(segments.ravel(), image[..., c].ravel(), minlength=4) for c in range(3)], axis=1)
    expected = np.rint(means[segments] / np.maximum(counts, 1)[segments][..., None]).astype(np.uint8)
    assert np.array_equal(mean_color_image(image, torch.as_tensor(segments)), expected)


def test_boundaries_mark_both_sides_of_every_border():
    marked = superpixel_boundaries(np.zeros((2, 4, 3), np.uint8), np.array([[0, 0, 1, 1], [0, 0, 1, 1]]))
    assert marked.dtype == np.uint8
    assert marked[..., 0].tolist() == [[0, 255, 255, 0]] * 2 and marked[..., 2].tolist() == [[0, 0, 0, 0]] * 2
    assert superpixel_boundaries(np.zeros((1, 2, 3), np.uint8), np.array([[3, 4]]), boundary_color=(1, 2, 3)).tolist() == [[[1, 2, 3]] * 2]


def test_majority_vote_by_hand_with_ties_to_the_smaller_id():
    labels = np.array([[0, 8, 8, 15, 15, 0, 255, 255, 255]])
    segments = np.array([[0, 0, 0, 1, 1, 2, 2, 2, 2]])
    assert smooth_labels(labels, segments).tolist() == [[8, 8, 8, 15, 15, 255, 255, 255, 255]]
    assert smooth_labels(np.array([[15, 8]]), np.array([[5, 5]])).tolist() == [[8, 8]]  # a tie


def test_smoothing_is_constant_per_superpixel_and_idempotent():
    rng = np.random.default_rng(1)
    labels = torch.as_tensor(rng.integers(0, 21, (12, 12)))
    segments = np.repeat(np.repeat(np.arange(9).reshape(3, 3), 4, axis=0), 4, axis=1)
    smooth = smooth_labels(labels, segments)
    assert smooth.dtype == np.int64
    for segment in range(9):
        values, counts = np.unique(labels.numpy()[segments == segment], return_counts=True)
        assert set(smooth[segments == segment].tolist()) == {values[counts.argmax()]}
    assert np.array_equal(smooth_labels(smooth, segments), smooth)


def test_smoothing_refuses_bad_input():
    labels = np.zeros((2, 3), np.int64)
    with pytest.raises(TypeError, match=r"`segments` must be an integer array of shape \(H, W\), got float64 of shape \(2, 3\)"):
        smooth_labels(labels, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"`labels` and `segments` must have the same height and width, got \(H, W\) = \(2, 3\) and \(3, 2\)"):
        smooth_labels(labels, np.zeros((3, 2), np.int64))
    with pytest.raises(ValueError, match=r"`segments` must be non-negative, got minimum -1"):
        smooth_labels(labels, np.full((2, 3), -1))
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\), got float32 of shape \(2, 3\)"):
        smooth_labels(labels.astype(np.float32), labels)
    with pytest.raises(ValueError, match=r"`image` and `segments` must have the same height and width, got \(H, W\) = \(6, 8\) and \(2, 3\)"):
        mean_color_image(_halves(), labels)


# --- issue 11: wrapped colours, huge ids, integral types ---

def test_boundary_color_out_of_range_or_malformed_is_refused():
    segments = np.array([[0, 0, 1, 1]])
    image = np.zeros((1, 4, 3), np.uint8)
    with pytest.raises(ValueError, match=r"`boundary_color` must be 3 ints in 0..255 \(R, G, B\), got \(300, 0, 0\)"):
        superpixel_boundaries(image, segments, boundary_color=(300, 0, 0))  # used to wrap to 44
    with pytest.raises(ValueError, match=r"`boundary_color` must be 3 ints in 0..255 \(R, G, B\), got \(0, -1, 0\)"):
        superpixel_boundaries(image, segments, boundary_color=(0, -1, 0))
    with pytest.raises(ValueError, match=r"`boundary_color` must be 3 ints in 0..255 \(R, G, B\), got \(255, 0\)"):
        superpixel_boundaries(image, segments, boundary_color=(255, 0))
    with pytest.raises(TypeError, match=r"`boundary_color` must be 3 ints in 0..255 \(R, G, B\), got \(1.0, 0.0, 0.0\)"):
        superpixel_boundaries(image, segments, boundary_color=(1.0, 0.0, 0.0))
    with pytest.raises(TypeError, match=r"`boundary_color` must be 3 ints in 0..255 \(R, G, B\), got None"):
        superpixel_boundaries(image, segments, boundary_color=None)
    marked = superpixel_boundaries(image, segments, boundary_color=np.array([255, 128, 0], np.int64))  # NumPy ints count
    assert marked[0].tolist() == [[0, 0, 0], [255, 128, 0], [255, 128, 0], [0, 0, 0]]


def test_smoothing_huge_ids_costs_memory_by_pixels_not_by_id():
    # Ids of 10**12 used to ask np.bincount for (max segment + 1) * (max label + 1) bins: terabytes.
    labels = np.array([[10**12, 10**12, 3, 7, 7, 10**12]])
    segments = np.array([[10**12, 10**12, 10**12, 5, 5, 5]])
    assert smooth_labels(labels, segments).tolist() == [[10**12] * 3 + [7] * 3]
    tie = smooth_labels(np.array([[10**12, 2, 9, 10**12]]), np.array([[0, 0, 2**40, 2**40]]))
    assert tie.tolist() == [[2, 2, 9, 9]]  # ties go to the smaller class id
    assert smooth_labels(torch.tensor([[0, 5, 5]], dtype=torch.uint8), np.array([[3, 3, 3]])).dtype == np.int64


def test_slic_accepts_numpy_integer_segment_counts():
    assert np.array_equal(slic_superpixels(_halves(), n_segments=np.int64(2)), slic_superpixels(_halves(), n_segments=2))
    with pytest.raises(TypeError, match=r"`n_segments` must be an int, got bool"):
        slic_superpixels(_halves(), n_segments=True)


@pytest.mark.parametrize("seed", range(3))
def test_smoothing_with_huge_ids_agrees_with_small_ids(seed):
    # Shifting every id by 10**9 takes the sparse vote; the result must be the same map, shifted.
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 6, (9, 11))
    segments = rng.integers(0, 7, (9, 11))
    small = smooth_labels(labels, segments)
    assert np.array_equal(smooth_labels(labels + 10**9, segments) - 10**9, small)
    assert np.array_equal(smooth_labels(labels, segments * 10**9), small)
    for segment in np.unique(segments):  # an independent reference: the most common class, the smaller on a tie
        values, counts = np.unique(labels[segments == segment], return_counts=True)
        assert set(small[segments == segment].tolist()) == {values[counts == counts.max()].min()}


def test_slic_refuses_an_empty_image():
    with pytest.raises(ValueError, match=r"`image` must not be empty, got uint8 of shape \(0, 5, 3\)"):
        slic_superpixels(np.zeros((0, 5, 3), np.uint8))
    with pytest.raises(ValueError, match=r"`image` must not be empty, got uint8 of shape \(4, 0, 3\)"):
        slic_superpixels(np.zeros((4, 0, 3), np.uint8))
