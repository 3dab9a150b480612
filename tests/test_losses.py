import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from segtutor.training import class_weights, dice_loss, segmentation_loss

LABELS = np.array([[0, 0, 0, 0, 0, 0], [0, 0, 1, 1, 2, 255]])  # counts 8, 2, 1 of 11 labelled pixels


def test_inverse_weights_by_hand():
    # frequencies 8/11, 2/11, 1/11; K = 3 present classes; w = 1 / (3 f)
    weights = class_weights(LABELS, num_classes=4, method="inverse")
    assert weights.dtype == torch.float32
    assert weights.tolist() == pytest.approx([11 / 24, 11 / 6, 11 / 3, 0.0])
    counts = np.array([8, 2, 1, 0])
    assert float((weights.numpy() * counts).sum() / counts.sum()) == pytest.approx(1.0)  # mean weight per pixel is 1


def test_median_frequency_weights_by_hand():
    # median of (8/11, 2/11, 1/11) is 2/11
    weights = class_weights(torch.from_numpy(LABELS)[None], num_classes=4)
    assert weights.tolist() == pytest.approx([2 / 8, 1.0, 2.0, 0.0])


def test_median_frequency_counts_only_the_images_a_class_appears_in():
    # Eigen & Fergus: freq(c) = pixels of c / pixels of the images holding c.
    # image 0: 3 background, 1 class-1 (and one ignored); image 1: 2 background, 2 class-2
    labels = np.array([[[0, 0, 0, 1, 255]], [[0, 0, 2, 2, 255]]])
    # freq = 5/8, 1/4, 2/4; median 1/2 (the global shares 5/8, 1/8, 2/8 would give 0.4, 2, 1)
    weights = class_weights(labels, num_classes=4)
    assert weights.tolist() == pytest.approx([0.8, 2.0, 1.0, 0.0])
    assert class_weights(torch.from_numpy(labels[1]), num_classes=3).tolist() == pytest.approx([1.0, 0.0, 1.0])  # [H, W]: one image


def test_class_weights_refuses_bad_input():
    with pytest.raises(ValueError, match=r"`method` must be one of \('inverse', 'median'\), got 'log'"):
        class_weights(LABELS, num_classes=3, method="log")
    with pytest.raises(ValueError, match=r"`labels` must hold class ids 0..1 or 255, got values from 0 to 2"):
        class_weights(LABELS, num_classes=2)
    with pytest.raises(ValueError, match=r"`labels` must hold at least one labelled pixel, got none"):
        class_weights(np.full((2, 2), 255), num_classes=3)
    with pytest.raises(TypeError, match=r"`labels` must be an integer array"):
        class_weights(LABELS.astype(float), num_classes=3)


def _dice_reference(logits, labels, ignore_index=255, smooth=1.0):
    """Dice = 2|A∩B| / (|A| + |B|) per class, written with loops over plain Python floats."""
    probs = logits.softmax(1)
    n, c, h, w = logits.shape
    scores = []
    for k in range(c):
        inter = p_sum = t_sum = 0.0
        for i in range(n):
            for y in range(h):
                for x in range(w):
                    if labels[i, y, x] == ignore_index:
                        continue
                    p, t = float(probs[i, k, y, x]), float(labels[i, y, x] == k)
                    inter, p_sum, t_sum = inter + p * t, p_sum + p, t_sum + t
        scores.append((2 * inter + smooth) / (p_sum + t_sum + smooth))
    return 1 - sum(scores) / c


def test_dice_loss_against_a_loop_reference():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 4, 5, generator=generator)
    labels = torch.randint(0, 3, (2, 4, 5), generator=generator)
    labels[0, 0] = 255
    assert dice_loss(logits, labels).item() == pytest.approx(_dice_reference(logits, labels), abs=1e-6)
    assert dice_loss(logits, labels, smooth=0.0).item() == pytest.approx(_dice_reference(logits, labels, smooth=0.0), abs=1e-6)


def test_dice_loss_exact_small_cases():
    sure = torch.tensor([[[[50.0, -50.0]], [[-50.0, 50.0]]]])  # class 0 at pixel 0, class 1 at pixel 1
    assert dice_loss(sure, torch.tensor([[[0, 1]]])).item() == pytest.approx(0.0, abs=1e-6)
    # all wrong, no smoothing: each class has |A∩B| = 0, so Dice 0 and the loss 1
    assert dice_loss(sure, torch.tensor([[[1, 0]]]), smooth=0.0).item() == pytest.approx(1.0, abs=1e-6)
    # the ignored pixel is left out: only pixel 0 counts, class 0 right (Dice 1), class 1 absent, unpredicted ((0+1)/(0+1))
    assert dice_loss(sure, torch.tensor([[[0, 255]]])).item() == pytest.approx(0.0, abs=1e-6)


def test_dice_loss_has_gradients():
    logits = torch.zeros(1, 2, 2, 2, requires_grad=True)
    dice_loss(logits, torch.tensor([[[0, 1], [1, 1]]])).backward()
    assert logits.grad.abs().sum() > 0


def test_segmentation_loss_is_weighted_cross_entropy_plus_dice():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(2, 4, 3, 3, generator=generator)
    labels = torch.randint(0, 4, (2, 3, 3), generator=generator)
    labels[1, 1, 1] = 255
    weight = torch.tensor([0.5, 1.0, 2.0, 4.0])
    expected = F.cross_entropy(logits, labels, weight=weight, ignore_index=255) + 0.3 * dice_loss(logits, labels)
    assert segmentation_loss(logits, labels, weight=weight, dice_weight=0.3).item() == pytest.approx(expected.item())
    # weighted cross-entropy by hand: sum of w_y * -log p_y over labelled pixels, divided by the sum of w_y
    log_p = logits.log_softmax(1)
    keep = labels != 255
    picked = log_p.permute(0, 2, 3, 1)[keep].gather(1, labels[keep][:, None])[:, 0]
    by_hand = -(weight[labels[keep]] * picked).sum() / weight[labels[keep]].sum()
    assert segmentation_loss(logits, labels, weight=weight).item() == pytest.approx(by_hand.item())
    assert segmentation_loss(torch.zeros(1, 4, 2, 2), torch.zeros(1, 2, 2, dtype=torch.long)).item() == pytest.approx(math.log(4))


def test_losses_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match=r"`labels` must be a tensor of shape \(N, H, W\) = \(1, 2, 2\), got int64 of shape \(1, 2, 3\)"):
        dice_loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 2, 3, dtype=torch.long))
    with pytest.raises(TypeError, match=r"`logits` must be a float tensor of shape \(N, C, H, W\)"):
        segmentation_loss(torch.zeros(1, 3, 2, 2, dtype=torch.long), torch.zeros(1, 2, 2, dtype=torch.long))


# --- issue 19: ignore_index end to end ---

@pytest.mark.parametrize("ignore_index", [255, -1])
def test_ignored_pixels_do_not_contribute_to_either_loss(ignore_index):
    logits = torch.tensor([[[[2.0, 0.0, -1.0]], [[0.0, 1.0, 0.5]], [[1.0, 3.0, 0.0]]]], requires_grad=True)  # [1, 3, 1, 3]
    labels = torch.tensor([[[0, ignore_index, 2]]])
    loss = segmentation_loss(logits, labels, ignore_index=ignore_index)
    log_p = torch.log_softmax(logits.detach(), dim=1)[0, :, 0]
    assert loss.item() == pytest.approx(-(log_p[0, 0] + log_p[2, 2]).item() / 2)  # the two labelled pixels only
    loss.backward()
    assert torch.equal(logits.grad[0, :, 0, 1], torch.zeros(3))  # the ignored pixel gets no gradient
    kept = logits.detach()[..., [0, 2]]  # the same loss with the ignored pixel cut out
    assert dice_loss(logits, labels, ignore_index=ignore_index).item() == pytest.approx(dice_loss(kept, torch.tensor([[[0, 2]]])).item())
    assert segmentation_loss(logits, labels, dice_weight=0.5, ignore_index=ignore_index).item() == pytest.approx(
        segmentation_loss(kept, torch.tensor([[[0, 2]]]), dice_weight=0.5).item())


@pytest.mark.parametrize(("labels", "ignore_index", "error", "message"), [
    ([[[0, -1]]], 255, ValueError, r"`labels` values must be in 0..2 or ignore_index=255, got -1"),
    ([[[0, 255]]], -1, ValueError, r"`labels` values must be in 0..2 or ignore_index=-1, got 255"),
    ([[[0, 3]]], 255, ValueError, r"`labels` values must be in 0..2 or ignore_index=255, got 3"),
    ([[[0, 1]]], 2, ValueError, r"`ignore_index` must not be a class id: with num_classes=3 it must lie outside 0..2"),
    ([[[0, 1]]], None, TypeError, r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"),
])
def test_losses_refuse_a_label_that_is_neither_a_class_nor_ignored(labels, ignore_index, error, message):
    for loss in (segmentation_loss, dice_loss):  # a clear message, not cross-entropy's raw IndexError
        with pytest.raises(error, match=message):
            loss(torch.zeros(1, 3, 1, 2), torch.tensor(labels), ignore_index=ignore_index)
