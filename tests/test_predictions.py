import numpy as np
import pytest

from segtutor.display import NOISE_TITLE, show_predictions, weights_state
from segtutor.models import checkpoint_path

IMAGE = np.zeros((2, 2, 3), np.uint8)
CAT = np.array([[0, 8], [8, 8]])  # VOC: background, cat


def _legend_texts(ax):
    legend = ax.get_legend()
    return None if legend is None else [t.get_text() for t in legend.get_texts()]


def test_weights_state_follows_the_cache(torch_home):
    assert weights_state("fcn_resnet101") == "random"
    assert weights_state("tiny") == "pretrained"  # shipped with segtutor
    path = checkpoint_path("fcn_resnet101")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    assert weights_state("fcn_resnet101") == "pretrained"


def test_a_random_weight_map_is_titled_noise_and_has_no_legend(torch_home):
    fig = show_predictions(IMAGE, {"fcn_resnet101": CAT, "deeplabv3_resnet101": CAT}, image_title="crop")
    assert [ax.get_title() for ax in fig.axes] == [
        "crop", f"fcn_resnet101\n{NOISE_TITLE}", f"deeplabv3_resnet101\n{NOISE_TITLE}"]
    assert NOISE_TITLE == "random weights: noise, not a prediction"
    assert [_legend_texts(ax) for ax in fig.axes] == [None, None, None]
    assert np.array_equal(fig.axes[1].images[0].get_array(), [[[0, 0, 0], [64, 0, 0]], [[64, 0, 0], [64, 0, 0]]])


def test_a_pretrained_map_keeps_its_name_and_legend(torch_home):
    path = checkpoint_path("fcn_resnet101")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    fig = show_predictions(IMAGE, {"fcn_resnet101": CAT})
    assert [ax.get_title() for ax in fig.axes] == ["input", "fcn_resnet101"]
    assert _legend_texts(fig.axes[1]) == ["cat  75.0%", "__background__  25.0%"]


def test_truth_and_extra_panels_and_a_given_weights_state(torch_home):
    truth = np.array([[0, 2], [2, 2]])
    fig = show_predictions(IMAGE, {"tiny": np.array([[0, 1], [2, 2]])}, truth=truth, extra={"agreement": IMAGE},
                           weights={"tiny": "random"}, palette="scenes")
    assert [ax.get_title() for ax in fig.axes] == [
        "input", "ground truth", f"tiny\n{NOISE_TITLE}", "agreement\nfrom random weights: noise"]
    assert [_legend_texts(ax) for ax in fig.axes] == [None, ["square  75.0%", "background  25.0%"], None, None]


@pytest.mark.parametrize(("predictions", "options", "message"), [
    ({}, {}, "`predictions` must hold at least one model's class map, got an empty mapping"),
    ({"tiny": CAT}, {"weights": {"tiny": "trained"}}, "`weights` must map each model to 'pretrained' or 'random', got 'trained' for 'tiny'"),
    ({"tiny": CAT}, {"image_title": "tiny"}, r"`predictions`, `truth` and `extra` must have distinct titles"),
    ({"no_such_model": CAT}, {}, "no_such_model"),
])
def test_bad_arguments_are_refused(predictions, options, message):
    with pytest.raises(ValueError, match=message):
        show_predictions(IMAGE, predictions, palette="scenes", **options)


def test_extra_panels_keep_their_title_when_every_model_is_pretrained(torch_home):
    fig = show_predictions(IMAGE, {"tiny": np.array([[0, 1], [2, 2]])}, extra={"agreement": IMAGE}, palette="scenes")
    assert [ax.get_title() for ax in fig.axes] == ["input", "tiny", "agreement"]
