import ast
from pathlib import Path

import numpy as np
import pytest
import torch

import segtutor
from segtutor import SCENE_CLASSES, class_names, get_palette, get_spec, list_models, load_model, load_tiny_model
from segtutor.models import LOADABLE_MODELS, MODEL_NAMES, TINY_CHECKPOINT, ModelSpec
from segtutor.models._tiny import TRAINING_SIZE

TORCHVISION_SEGMENTATION_MODELS = [
    "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50",
    "fcn_resnet101", "fcn_resnet50", "lraspp_mobilenet_v3_large",
]


def test_registry_lists_torchvisions_six_models():
    assert MODEL_NAMES == TORCHVISION_SEGMENTATION_MODELS


def test_every_loadable_model_has_one_spec_the_six_and_tiny():
    assert [*TORCHVISION_SEGMENTATION_MODELS, "tiny"] == LOADABLE_MODELS
    for name in LOADABLE_MODELS:
        spec = get_spec(name)
        assert isinstance(spec, ModelSpec) and spec.name == name and callable(spec.builder)
        assert len(spec.categories) == len(get_palette(spec.palette).names)


def test_unknown_model_name_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*, lraspp_mobilenet_v3_large, tiny, got 'fcn_resnet999'"):
        get_spec("fcn_resnet999")
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*, got \['tiny'\]"):
        get_spec(["tiny"])


def test_class_names_come_from_the_weights_meta():
    names = class_names("fcn_resnet101")
    assert len(names) == 21
    assert names[0] == "__background__" and names[8] == "cat" and names[15] == "person"
    assert class_names("tiny") == list(SCENE_CLASSES)


def test_class_names_present_in_order_for_numpy_and_torch():
    names = ["__background__", "aeroplane", "bicycle"]
    labels = np.array([[2, 0], [2, 2]])
    assert class_names(names, labels=labels) == ["__background__", "bicycle"]
    assert class_names(names, labels=torch.as_tensor(labels)[None]) == ["__background__", "bicycle"]
    assert class_names(names, labels=labels[:, ::-1].astype(">i4")) == ["__background__", "bicycle"]  # flipped, big-endian


def test_class_names_of_a_model_by_name_or_object_and_the_ignore_index():
    labels = np.array([[0, 3], [255, 3]])
    assert class_names("tiny", labels=labels) == ["background", "triangle", "<255>"]
    assert class_names(load_tiny_model(), labels=labels, ignore_index=255) == ["background", "triangle"]
    assert class_names("fcn_resnet101", labels=labels, ignore_index=255) == ["__background__", "bird"]


def test_class_names_refuses_float_labels_and_a_model_without_spec():
    with pytest.raises(TypeError, match=r"`labels` must be an integer array of shape \(H, W\) or \(N, H, W\), got float32 of shape \(3, 4, 4\)"):
        class_names(["a"], labels=np.zeros((3, 4, 4), np.float32))
    with pytest.raises(ValueError, match=r"`model` must be a model name, a model from segtutor.load_model or a list of class names; a Conv2d carries no spec, so pass its class names"):
        class_names(torch.nn.Conv2d(3, 2, 1))
    with pytest.raises(ValueError, match=r"`name` must be one of .*, got 'voc'"):
        class_names("voc")


def test_spec_reads_everything_from_the_weights():
    from torchvision.models.segmentation import DeepLabV3_ResNet101_Weights, LRASPP_MobileNet_V3_Large_Weights

    spec = get_spec("deeplabv3_resnet101")
    assert spec.weights is DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1
    assert spec.has_aux and not get_spec("lraspp_mobilenet_v3_large").has_aux
    assert spec.transforms().resize_size == [520]
    assert spec.metrics == {"miou": 67.4, "pixel_acc": 92.4}
    assert get_spec("lraspp_mobilenet_v3_large").weights is LRASPP_MobileNet_V3_Large_Weights.DEFAULT
    assert spec.checkpoint == spec.weights.url and spec.palette == "voc"
    assert spec.categories == tuple(get_palette("voc").names)  # VOC's 21 labels, the palette's names


def test_tiny_spec_reads_the_shipped_checkpoint_and_the_scenes():
    spec = get_spec("tiny")
    shipped = torch.load(TINY_CHECKPOINT, weights_only=True)
    assert spec.checkpoint == spec.weights.url == TINY_CHECKPOINT and spec.palette == "scenes"
    assert spec.weights.meta["categories"] == list(SCENE_CLASSES) and spec.reader is segtutor.models._tiny.read_tiny_checkpoint
    assert spec.categories == tuple(shipped["classes"]) == SCENE_CLASSES == get_palette("scenes").names
    assert not spec.has_aux and spec.pretrained == "tiny.pt, shipped with segtutor"
    # its transforms resize to the scale the shipped model was trained at, as its checkpoint records it
    assert TRAINING_SIZE == shipped["meta"]["settings"]["size"] == 128
    assert spec.transforms()(segtutor.load_image(np.zeros((300, 600, 3), np.uint8))).shape == (3, 128, 256)
    with pytest.raises(ValueError, match=r"'tiny' has no published metrics: only torchvision's weights publish them"):
        _ = spec.metrics


def test_loaded_models_carry_their_spec():
    assert ModelSpec.of(load_model("lraspp_mobilenet_v3_large", weights="random", device="cpu")) is get_spec("lraspp_mobilenet_v3_large")
    assert ModelSpec.of(load_model("tiny", device="cpu")) is get_spec("tiny")
    assert ModelSpec.of(load_tiny_model()) is get_spec("tiny")
    assert ModelSpec.of(torch.nn.Conv2d(3, 2, 1)) is None


def test_a_tiny_checkpoint_with_its_own_classes_carries_them_in_its_spec(tmp_path):
    path = segtutor.models.save_tiny_model(segtutor.TinySegNet(num_classes=3), tmp_path / "three.pt", classes=["sky", "sea", "boat"])
    spec = ModelSpec.of(load_tiny_model(weights=path, num_classes=3))
    assert spec.categories == ("sky", "sea", "boat") and spec.transforms is get_spec("tiny").transforms
    assert class_names(load_tiny_model(weights=path, num_classes=3)) == ["sky", "sea", "boat"]


def test_list_models_table():
    table = list_models()
    assert [row["model"] for row in table] == TORCHVISION_SEGMENTATION_MODELS
    fcn = table[3]
    assert fcn == {"model": "fcn_resnet101", "weights": "COCO_WITH_VOC_LABELS_V1", "mIoU": 63.7, "pixel acc": 91.9,
                   "params (M)": 54.3, "GFLOPS": 232.738, "file (MB)": 207.711}
    text = str(table).splitlines()
    assert text[0].split() == ["model", "weights", "mIoU", "pixel", "acc", "params", "(M)", "GFLOPS", "file", "(MB)"]
    assert text[4].split() == ["fcn_resnet101", "COCO_WITH_VOC_LABELS_V1", "63.7", "91.9", "54.3", "232.738", "207.711"]
    html = table._repr_html_()
    assert html.count("<tr>") == 7 and "<td>fcn_resnet101</td>" in html


def _names_tiny(path: Path) -> list[str]:
    """Identifiers and code strings of a module that contain "tiny"; docstrings and comments are prose."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found += [node.value] if "tiny" in node.value.lower() else []
        elif isinstance(node, (ast.Name, ast.Attribute, ast.alias, ast.FunctionDef, ast.ImportFrom)):
            name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None) or getattr(node, "module", None)
            found += [name] if name and "tiny" in name.lower() else []
    return found


def test_no_module_but_the_registry_and_tiny_names_the_tiny_model():
    """Everything else reads the spec. (The top level re-exports tiny's functions; exercise checkers, like the
    notebooks, name the lessons' models.)"""
    package = Path(segtutor.__file__).parent
    allowed = {"_registry.py", "_tiny.py", "__init__.py"}
    offenders = {str(path.relative_to(package)): names for path in package.rglob("*.py")
                 if path.name not in allowed and path.parent.name != "exercises" and (names := _names_tiny(path))}
    assert offenders == {}
