
import pytest
import torch

from segtutor import SceneDataset, TinySegNet, evaluate, images_to_batch, logits_to_labels, mean_iou, predict, train, training_step
from segtutor.data import scene_augmentation
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


def test_augmentation_reaches_the_training_batches_and_none_keeps_them():
    data = SceneDataset(4, size=48)
    fixed, cropped = _ShapeRecorder(), _ShapeRecorder()
    train(fixed, data, data, epochs=1, batch_size=2, augmentation=None, progress=False)
    train(cropped, data, data, epochs=2, batch_size=2, augmentation=scene_augmentation(crop=32), progress=False)
    assert fixed.sizes == [(48, 48)] * 2 and cropped.sizes == [(32, 32)] * 4
    with pytest.raises(TypeError, match=r"`augmentation` must be a transform, \"default\" or None, got int"):
        train(fixed, data, data, augmentation=3, progress=False)


def test_train_leaves_the_callers_random_state_alone():
    model, data = TinySegNet(widths=(8, 8, 16, 16)), SceneDataset(2, size=48)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train(model, data, data, epochs=1, batch_size=2, augmentation=scene_augmentation(scale=(0.5, 1.0)), progress=False)
    assert torch.equal(torch.rand(3), expected)


class _LossRecorder:
    """Stands in for segtutor.training.segmentation_loss, noting the keyword arguments it got."""

    def __init__(self):
        self.calls = []

    def __call__(self, logits, labels, **kwargs):
        self.calls.append(kwargs)
        return torch.nn.functional.cross_entropy(logits, labels, ignore_index=255)


def test_class_weights_and_dice_weight_reach_the_loss(monkeypatch):
    import segtutor.training._training as training

    recorder = _LossRecorder()
    monkeypatch.setattr(training, "segmentation_loss", recorder)
    weights = torch.tensor([0.5, 1.0, 2.0, 2.0, 3.0])
    data = SceneDataset(2, size=48)
    train(TinySegNet(widths=(8, 8, 16, 16)), data, data, epochs=1, batch_size=2, class_weights=weights, dice_weight=0.5,
          progress=False)
    assert len(recorder.calls) == 1 and recorder.calls[0]["dice_weight"] == 0.5 and recorder.calls[0]["ignore_index"] == 255
    assert torch.equal(recorder.calls[0]["weight"], weights)


def test_training_step_is_the_reference_loop_step():
    torch.manual_seed(0)
    model = TinySegNet(widths=(4, 4, 4, 4)).train()
    twin = TinySegNet(widths=(4, 4, 4, 4)).train()
    twin.load_state_dict(model.state_dict())
    batch, labels = torch.randn(2, 3, 16, 16), torch.randint(0, 5, (2, 16, 16))
    labels[:, :3] = 255
    optimizers = [torch.optim.SGD(m.parameters(), lr=0.1) for m in (model, twin)]
    schedulers = [torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.5) for o in optimizers]
    loss = training_step(model, batch, labels, optimizers[0], schedulers[0])
    by_hand = torch.nn.functional.cross_entropy(twin(batch)["out"], labels, ignore_index=255)  # the loop, written out
    optimizers[1].zero_grad()
    by_hand.backward()
    optimizers[1].step()
    assert loss == pytest.approx(by_hand.item()) and schedulers[0].get_last_lr() == [0.05]
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


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


# --- issue 19: ignore_index end to end; the validation needs no extra forward pass ---

def _void_run(ignore_index, **kwargs):
    torch.manual_seed(0)
    model = TinySegNet(widths=(8, 8, 16, 16))
    scenes = {"void_border": 1, "ignore_index": ignore_index}
    history = train(model, SceneDataset(4, size=48, seed=0, **scenes), SceneDataset(2, size=48, seed=1, **scenes),
                    epochs=2, batch_size=2, seed=0, ignore_index=ignore_index, progress=False, **kwargs)
    return model, history


@pytest.mark.parametrize("augmentation", ["default", "scenes"])
def test_train_with_ignore_index_minus_one_equals_255_on_the_same_data(augmentation):
    runs = []
    for ignore_index in (-1, 255):
        chosen = scene_augmentation(ignore_index=ignore_index) if augmentation == "scenes" else "default"
        runs.append(_void_run(ignore_index, augmentation=chosen))
    (model, history), (twin, twin_history) = runs
    assert history.loss == twin_history.loss and history.miou == twin_history.miou
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), twin.state_dict().values()))
    val = SceneDataset(2, size=48, seed=1, void_border=1, ignore_index=-1)
    assert history.miou[-1] == pytest.approx(evaluate(model, val, num_classes=5, ignore_index=-1, progress=False).mean_iou)


def test_train_refuses_labels_outside_the_classes_and_ignore_index():
    data = SceneDataset(2, size=48, void_border=1, ignore_index=-1)
    with pytest.raises(ValueError, match=r"`labels` values must be in 0..4 or ignore_index=255, got -1"):
        train(TinySegNet(widths=(8, 8, 16, 16)), data, data, epochs=1, batch_size=2, progress=False)
    with pytest.raises(ValueError, match=r"`labels` values must be in 0..4 or ignore_index=-1, got 255"):
        train(TinySegNet(widths=(8, 8, 16, 16)), SceneDataset(2, size=48), SceneDataset(1, size=48), epochs=1,
              batch_size=2, augmentation=scene_augmentation(ignore_index=255), ignore_index=-1, progress=False)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"ignore_index": None}, TypeError, r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got None"),
    ({"ignore_index": 3, "num_classes": 5}, ValueError, r"`ignore_index` must not be a class id: with num_classes=5"),
    ({"num_classes": 1}, ValueError, r"`num_classes` must be at least 2, got 1"),
    ({"num_classes": 5.0}, TypeError, r"`num_classes` must be an int, got float"),
])
def test_train_checks_ignore_index_and_num_classes_before_the_first_step(kwargs, error, message):
    model, data = _ShapeRecorder(), SceneDataset(2, size=48)
    with pytest.raises(error, match=message):
        train(model, data, data, epochs=1, batch_size=2, progress=False, **kwargs)
    assert model.sizes == []


class _EvalRecorder(torch.nn.Module):
    """A tiny model that notes the batch size of every eval-mode forward pass."""

    def __init__(self):
        super().__init__()
        self.inner, self.eval_batches = TinySegNet(widths=(8, 8, 16, 16)), []

    def forward(self, batch):
        if not self.training:
            self.eval_batches.append(len(batch))
        return self.inner(batch)


def test_validation_runs_one_pass_and_learns_the_class_count_from_it():
    model = _EvalRecorder()
    train(model, SceneDataset(2, size=48), SceneDataset(3, size=48, seed=1), epochs=2, batch_size=2, progress=False)
    assert model.eval_batches == [3, 3]  # one validation batch per epoch, no extra pass to count the classes
    with pytest.raises(ValueError, match=r"the model predicts 5 classes but `num_classes` is 6"):
        train(model, SceneDataset(2, size=48), SceneDataset(3, size=48), epochs=1, num_classes=6, progress=False)


@pytest.mark.parametrize("ignore_index", [255, -1])
def test_training_step_leaves_out_ignore_index(ignore_index):
    torch.manual_seed(0)
    model = TinySegNet(widths=(4, 4, 4, 4)).train()
    batch, labels = torch.randn(2, 3, 16, 16), torch.randint(0, 5, (2, 16, 16))
    labels[:, :3] = ignore_index
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    with torch.no_grad():
        logits = model(batch)["out"]
    kept = labels != ignore_index
    by_hand = -torch.log_softmax(logits, dim=1).gather(1, labels.clamp(0, 4)[:, None])[:, 0][kept].mean()
    assert training_step(model, batch, labels, optimizer, scheduler, ignore_index=ignore_index) == pytest.approx(by_hand.item())


def test_training_step_refuses_an_unignored_label_before_stepping():
    torch.manual_seed(0)
    model = TinySegNet(widths=(4, 4, 4, 4)).train()
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    batch, labels = torch.randn(2, 3, 16, 16), torch.zeros(2, 16, 16, dtype=torch.long)
    labels[0, 0, 0] = -1
    with pytest.raises(ValueError, match=r"`labels` values must be in 0..4 or ignore_index=255, got -1"):
        training_step(model, batch, labels, optimizer, scheduler)
    with pytest.raises(TypeError, match=r"`ignore_index` must be an int, the label of unlabelled pixels \(e.g. 255\), got str"):
        training_step(model, batch, labels, optimizer, scheduler, ignore_index="-1")
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters())) and scheduler.get_last_lr() == [0.1]
