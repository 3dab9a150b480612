import pytest

from segtutor import MODEL_NAMES, class_names, get_spec, list_models

TORCHVISION_SEGMENTATION_MODELS = [
    "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50",
    "fcn_resnet101", "fcn_resnet50", "lraspp_mobilenet_v3_large",
]


def test_registry_lists_torchvisions_six_models():
    assert MODEL_NAMES == TORCHVISION_SEGMENTATION_MODELS


def test_unknown_model_name_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"`name` must be one of deeplabv3_mobilenet_v3_large, .*, lraspp_mobilenet_v3_large, got 'fcn_resnet999'"):
        get_spec("fcn_resnet999")


def test_class_names_come_from_the_weights_meta():
    names = class_names("fcn_resnet101")
    assert len(names) == 21
    assert names[0] == "__background__" and names[8] == "cat" and names[15] == "person"


def test_spec_reads_everything_from_the_weights():
    from torchvision.models.segmentation import DeepLabV3_ResNet101_Weights, LRASPP_MobileNet_V3_Large_Weights

    spec = get_spec("deeplabv3_resnet101")
    assert spec.weights is DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1
    assert spec.has_aux and not get_spec("lraspp_mobilenet_v3_large").has_aux
    assert spec.transforms().resize_size == [520]
    assert spec.metrics == {"miou": 67.4, "pixel_acc": 92.4}
    assert get_spec("lraspp_mobilenet_v3_large").weights is LRASPP_MobileNet_V3_Large_Weights.DEFAULT


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
