
import pytest
import torch
from matplotlib.figure import Figure

from segtutor import (
    SceneDataset,
    TinySegNet,
    evaluate,
    images_to_batch,
    logits_to_labels,
    mean_iou,
    plot_history,
    predict,
    train,
)
from segtutor.training import History


def _tiny_run(seed: int = 0, *, epochs: int = 2, batch_size: int = 2) -> tuple[TinySegNet, History]:
    torch.manual_seed(0)
    model = TinySegNet(widths=(8, 8, 16, 16))
    history = train(model, SceneDataset(4, size=48, seed=0), SceneDataset(2, size=48, seed=1),
                    epochs=epochs, batch_size=batch_size, lr=1e-2, seed=seed, progress=False)
    return model, history


def test_loss_decreases_on_a_fixed_batch():
    _, history = _tiny_run(epochs=16, batch_size=4)  # one batch of the same 4 scenes, turned and flipped
    assert len(history.loss) == len(history.miou) == 16
    assert history.loss[-1] < 0.75 * history.loss[0], history.loss
    assert sum(b < a for a, b in zip(history.loss, history.loss[1:])) >= 12, history.loss
    assert all(0 <= m <= 1 for m in history.miou) and history.seconds > 0


def test_same_seed_same_weights_other_seed_other_weights():
    first, first_history = _tiny_run(seed=0)
    second, second_history = _tiny_run(seed=0)
    third, _ = _tiny_run(seed=1)
    assert first_history.loss == second_history.loss and first_history.miou == second_history.miou
    for name, value in first.state_dict().items():
        assert torch.equal(value, second.state_dict()[name]), name
    assert not torch.equal(first.classifier.weight, third.classifier.weight)
    assert not first.training
    assert not torch.are_deterministic_algorithms_enabled()  # train restores the global flag


def test_progress_bar_shows_loss_and_miou(capsys):
    torch.manual_seed(0)
    train(TinySegNet(widths=(8, 8, 16, 16)), SceneDataset(2, size=48), SceneDataset(1, size=48, seed=1),
          epochs=1, batch_size=2)
    err = capsys.readouterr().err
    assert "training" in err and "val_mIoU=" in err and "1/1" in err


def test_validation_miou_is_the_evaluators_mean_iou_of_the_final_weights():
    model, history = _tiny_run(epochs=1)
    val = SceneDataset(2, size=48, seed=1)
    pred = logits_to_labels(predict(model, images_to_batch(val.images)))
    assert history.miou[-1] == pytest.approx(mean_iou(pred, val.labels, num_classes=5))
    assert history.miou[-1] == pytest.approx(evaluate(model, val, num_classes=5, progress=False).mean_iou)


def test_plot_history_draws_both_curves():
    fig = plot_history(History(loss=[1.5, 0.9, 0.4], miou=[0.2, 0.5, 0.8]))
    assert isinstance(fig, Figure) and not hasattr(fig, "number")  # not a pyplot figure
    loss_ax, miou_ax = fig.axes
    assert loss_ax.get_title() == "training loss" and miou_ax.get_title() == "validation mIoU"
    assert loss_ax.lines[0].get_xydata().tolist() == [[1, 1.5], [2, 0.9], [3, 0.4]]
    assert miou_ax.lines[0].get_ydata().tolist() == [0.2, 0.5, 0.8] and miou_ax.get_ylim() == (0, 1)


def test_plot_history_refuses_bad_input():
    with pytest.raises(TypeError, match=r"`history` must be a History, got dict"):
        plot_history({"loss": [1.0]})
    with pytest.raises(ValueError, match=r"`history` must hold at least one epoch, got none"):
        plot_history(History())


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, r"`epochs` must be at least 1, got 0"),
        ({"epochs": 1.0}, TypeError, r"`epochs` must be an int, got float"),
        ({"batch_size": 0}, ValueError, r"`batch_size` must be at least 1, got 0"),
        ({"seed": "0"}, TypeError, r"`seed` must be an int, got str"),
    ],
)
def test_train_refuses_bad_arguments(kwargs, error, message):
    data = SceneDataset(1, size=48)
    with pytest.raises(error, match=message):
        train(TinySegNet(), data, data, progress=False, **kwargs)


def test_train_refuses_an_empty_dataset():
    data = SceneDataset(1, size=48)
    with pytest.raises(ValueError, match=r"`train_data` must hold at least one sample, got an empty dataset"):
        train(TinySegNet(), torch.utils.data.Subset(data, []), data, progress=False)


class _ShapeRecorder(torch.nn.Module):
    """A tiny model that notes the size of every training batch it sees."""

    def __init__(self):
        super().__init__()
        self.inner, self.sizes = TinySegNet(widths=(8, 8, 16, 16)), []

    def forward(self, batch):
        if self.training:
            self.sizes.append(tuple(batch.shape[-2:]))
        return self.inner(batch)


def test_scale_range_resizes_training_batches():
    data = SceneDataset(4, size=48)
    fixed, varied = _ShapeRecorder(), _ShapeRecorder()
    train(fixed, data, data, epochs=2, batch_size=2, scale_range=(0.5, 0.5), progress=False)
    train(varied, data, data, epochs=3, batch_size=2, scale_range=(0.5, 1.0), progress=False)
    assert fixed.sizes == [(24, 24)] * 4
    assert len(set(varied.sizes)) > 1 and all(24 <= h <= 48 and h == w for h, w in varied.sizes)
    with pytest.raises(ValueError, match=r"`scale_range` must be \(low, high\) with 0 < low <= high, got \(1.0, 0.5\)"):
        train(fixed, data, data, scale_range=(1.0, 0.5), progress=False)


def test_flips_and_turns_move_images_and_labels_together():
    from segtutor.training import _augment

    labels = torch.arange(2 * 5 * 5).reshape(2, 5, 5)
    batch = labels[:, None].float().expand(2, 3, 5, 5)
    generator = torch.Generator().manual_seed(0)
    seen = set()
    for _ in range(12):
        moved_batch, moved_labels = _augment(batch, labels, generator, (1.0, 1.0))
        assert torch.equal(moved_batch[:, 0], moved_labels.float())
        seen.add(tuple(moved_labels[0, 0].tolist()))
    assert len(seen) > 3  # several different turns and flips happened


# --- issue 11: empty or length-less data are refused before any training step ---

@pytest.mark.parametrize(("train_data", "val_data", "error", "message"), [
    ("scenes", [], ValueError, r"`val_data` must hold at least one sample, got an empty dataset"),
    ("scenes", "empty subset", ValueError, r"`val_data` must hold at least one sample, got an empty dataset"),
    ("scenes", "generator", TypeError, r"`val_data` must be a dataset of \(image, labels\) samples with a length, got generator"),
    ([], "scenes", ValueError, r"`train_data` must hold at least one sample, got an empty dataset"),
    (None, "scenes", TypeError, r"`train_data` must be a dataset of \(image, labels\) samples with a length, got NoneType"),
])
def test_train_refuses_empty_or_lengthless_data_before_training(train_data, val_data, error, message):
    scenes = SceneDataset(2, size=48)
    named = {"scenes": scenes, "empty subset": torch.utils.data.Subset(scenes, []), "generator": (s for s in scenes)}
    model = _ShapeRecorder()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(error, match=message):
        train(model, named.get(train_data, train_data) if isinstance(train_data, str) else train_data,
              named[val_data] if isinstance(val_data, str) else val_data, epochs=1, batch_size=2, progress=False)
    assert model.sizes == []  # not a single training step ran
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
