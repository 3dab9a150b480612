"""Issue 23's checker holes that the typical wrong answers in solutions/ cannot show: time limit, copies, raw crashes.

Each wrong answer that a checker used to pass is in solutions/NN_*.py with its exact feedback line.
"""

import threading

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import v2

from segtutor import IMAGENET_MEAN, IMAGENET_STD
from segtutor.exercises import check_dice, check_majority_function, check_mean_iou, check_seed_transform, check_top_k_function, check_upsampled_size
from segtutor.exercises._common import TIME_LIMIT_S, TOO_SLOW, _call, _Shared

from .test_solutions import CODING


def test_a_function_that_never_returns_is_stopped_with_feedback(monkeypatch, capsys):
    monkeypatch.setattr("segtutor.exercises._common.TIME_LIMIT_S", 0.2)

    def forever(labels, ignore_index=255):
        while True:
            try:
                labels = labels + 0
            except Exception:  # a learner's own handler does not swallow the time limit
                return -1

    assert check_majority_function(forever, seed=0) is False
    assert capsys.readouterr().out == "Not yet. " + TOO_SLOW.format(0.2) + "\n"
    assert TIME_LIMIT_S == 5.0 and "ran past the 0.2 s time limit" in TOO_SLOW.format(0.2)


def test_outside_the_main_thread_the_function_runs_without_a_limit(capsys):
    solution = CODING["check_majority_function"][0]
    results = []
    thread = threading.Thread(target=lambda: results.append(check_majority_function(solution, seed=0)))
    thread.start()
    thread.join()
    assert results == [True]


def test_the_learner_gets_copies_of_its_inputs_unless_shared():
    array, tensor, image = np.arange(4), torch.zeros(3), Image.new("RGB", (2, 2))
    module, shared = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)

    def edits_everything(inputs, kept):
        inputs["array"][:] = -1
        inputs["tensor"].add_(5)
        inputs["image"].paste((9, 9, 9), (0, 0, 2, 2))
        inputs["module"].weight.data.zero_()
        inputs["module"].train(False)
        kept.bias.data.fill_(7.0)
        return inputs

    returned = _call(edits_everything, {"array": array, "tensor": tensor, "image": image, "module": module},
                     _Shared(shared))
    assert array.tolist() == [0, 1, 2, 3] and tensor.tolist() == [0.0] * 3 and image.getpixel((0, 0)) == (0, 0, 0)
    assert module.weight.abs().sum() > 0 and module.training and returned["module"] is not module
    assert shared.bias.tolist() == [7.0, 7.0]  # what the exercise asks to change is handed over as it is


def test_any_error_becomes_one_line(capsys):
    def exits(labels, ignore_index=255):
        raise SystemExit(3)

    assert check_majority_function(exits, seed=0) is False
    assert capsys.readouterr().out == "Not yet. Your function raised SystemExit: 3\n"


def test_a_v2_pipeline_within_one_grey_level_passes(capsys):
    resize_as_tensor = v2.Compose([v2.ToImage(), v2.Resize(256), v2.CenterCrop(224), v2.ToDtype(torch.float32, scale=True),
                                   v2.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (300, 451, 3), dtype=np.uint8))
    std = torch.tensor(IMAGENET_STD)[:, None, None]
    pil_first = v2.Compose([v2.Resize(256), v2.CenterCrop(224), v2.ToImage(), v2.ToDtype(torch.float32, scale=True),
                            v2.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
    assert ((resize_as_tensor(image) - pil_first(image)) * std).abs().max() * 255 > 0.5  # really a grey level off
    for seed in (0, 1, 2):
        assert check_seed_transform(resize_as_tensor, seed=seed) is True


def test_dice_of_a_class_absent_from_both_maps_is_nan(capsys):
    assert check_dice(float("nan"), pred=[0, 0], target=[0, 0], class_index=1) is True
    assert check_dice(0.0, pred=[0, 0], target=[0, 0], class_index=1) is False
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Not yet. Class 1 is in neither map: Dice is 0 / 0, which is no score at all. segtutor gives such a class NaN "
        "(float('nan')), so that means leave it out.")


def test_mean_iou_of_float_or_mismatched_maps_gets_feedback(capsys):
    assert check_mean_iou(0.5, pred=[0.0, 1.0], target=[0.0, 1.0], num_classes=2) is False
    assert capsys.readouterr().out == ("Not yet. `pred` must hold integer class ids, got float64: class ids are whole "
                                       "numbers, never rounded or cast from floats.\n")
    assert check_mean_iou(0.5, pred=[0, 1], target=[0, 1, 1], num_classes=2) is False
    assert capsys.readouterr().out == "Not yet. `pred` and `target` must have one shape, got (2,) and (3,).\n"
    assert check_mean_iou(0.5, pred=[0, 3], target=[0, 1], num_classes=2) is False
    assert capsys.readouterr().out == "Not yet. The class ids in `pred` and `target` must lie in 0 .. num_classes - 1 = 1.\n"


def test_upsampled_size_fallback_names_no_formula(capsys):
    assert check_upsampled_size(99, size=10, factor=2) is False
    assert capsys.readouterr().out == ("Not yet. That is not the size this layer gives: work it out from its kernel, "
                                       "stride and padding.\n")


def _checker_calls(source):
    """(checker name, its keyword arguments as source text) of every check_*(...) call in `source`."""
    import ast

    calls = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name.startswith("check_") and node.keywords:
                calls.add((name, tuple(sorted(f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords if k.arg != "seed"))))
    return calls


def test_no_checker_docstring_reuses_a_notebooks_case():
    """help(checker) must not give away an exercise: no example calls a checker with a notebook's own arguments."""
    import doctest
    from pathlib import Path

    import nbformat

    from segtutor import exercises

    notebooks = set()
    for path in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and "check_" in cell.source:
                notebooks |= _checker_calls("\n".join(line for line in cell.source.splitlines()
                                                      if not line.lstrip().startswith(("%", "!"))))
    documented = set()
    for name in exercises.__all__:
        for example in doctest.DocTestParser().get_examples(getattr(exercises, name).__doc__ or ""):
            documented |= _checker_calls(example.source)
    assert documented and notebooks
    assert not documented & notebooks


def test_the_changed_pixels_fallback_names_the_mistake_not_the_recipe(capsys):
    # before: "Shift the target with segtutor.perturb_labels, compare it ... (pred != target) and count."
    from segtutor.exercises import check_changed_pixels

    assert check_changed_pixels(1, shift=(0, 5), seed=3) is False
    line = capsys.readouterr().out
    assert line.startswith("Not yet. That is not how many pixels change class.") and "!=" not in line


def test_the_first_k_classes_in_id_order_never_pass_the_top_k_checker(capsys):
    """The probed pixel's tied top pair used to be classes 0 and 1, so the first k classes passed on most seeds."""
    def first_k(probs, row, col, k):
        return [(c, float(probs[c, row, col])) for c in range(min(k, len(probs)))]

    assert [check_top_k_function(first_k, seed=seed) for seed in range(40)] == [False] * 40
    assert set(capsys.readouterr().out.splitlines()) <= {
        "Not yet. Most probable first: sort the probabilities from high to low (on 5 classes, 4x6 pixels, k=3).",
        "Not yet. Some pairs are not among the k most probable classes at (row, col) (on 5 classes, 4x6 pixels, k=3)."}
    assert check_top_k_function(CODING["check_top_k_function"][0], seed=0) is True
