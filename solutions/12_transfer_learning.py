"""Notebook 12 · transfer learning: new last layers for FCN's two heads, freezing a backbone, and typical wrong answers."""

from _reference import reference
from torch import nn

replace_head = reference(__file__, "replace_head")  # the reference solutions, kept once in course/source
freeze = reference(__file__, "freeze")


def forgets_the_aux_head(model, num_classes):
    model.classifier[4] = nn.Conv2d(model.classifier[4].in_channels, num_classes, kernel_size=1)
    return model


def uses_the_heads_input_width(model, num_classes):
    for head in (model.classifier, model.aux_classifier):
        head[4] = nn.Conv2d(head[0].in_channels, num_classes, kernel_size=1)  # 2048 in FCN: what enters the head
    return model


def hard_codes_fcn_widths(model, num_classes):
    model.classifier[4] = nn.Conv2d(512, num_classes, kernel_size=1)  # right for FCN-ResNet50 only
    model.aux_classifier[4] = nn.Conv2d(256, num_classes, kernel_size=1)
    return model


def hard_codes_the_class_count(model, num_classes):
    for head in (model.classifier, model.aux_classifier):
        head[4] = nn.Conv2d(head[4].in_channels, 3, kernel_size=1)  # the notebook's task, not num_classes
    return model


def replaces_the_whole_head(model, num_classes):
    model.classifier = nn.Conv2d(model.classifier[0].in_channels, num_classes, kernel_size=1)
    model.aux_classifier = nn.Conv2d(model.aux_classifier[0].in_channels, num_classes, kernel_size=1)
    return model


def replaces_the_first_layer(model, num_classes):
    for head in (model.classifier, model.aux_classifier):
        head[0] = nn.Conv2d(head[0].in_channels, num_classes, kernel_size=3, padding=1, bias=False)
    return model


def sets_out_channels(model, num_classes):
    for head in (model.classifier, model.aux_classifier):
        head[4].out_channels = num_classes  # an attribute: the weight tensor keeps its old shape
    return model


def returns_nothing(model, num_classes):
    replace_head(model, num_classes)


def returns_the_layer(model, num_classes):
    replace_head(model, num_classes)
    return model.classifier[4]


def reinitialises_everything(model, num_classes):
    for module in model.modules():
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()  # throws away what the model learned
    return replace_head(model, num_classes)


def switches_to_eval(model, num_classes):
    return replace_head(model, num_classes).eval()


def also_freezes(model, num_classes):
    for parameter in model.parameters():
        parameter.requires_grad = False
    return replace_head(model, num_classes)


def freezes_everything(model):
    for parameter in model.parameters():
        parameter.requires_grad = False
    return 0


def also_eval(model):
    model.eval()
    return freeze(model)


def sets_a_module_attribute(model):
    model.backbone.requires_grad = False  # a new attribute of the module: its parameters keep requires_grad=True
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def counts_all(model):
    freeze(model)
    return sum(p.numel() for p in model.parameters())


def counts_frozen(model):
    freeze(model)
    return sum(p.numel() for p in model.backbone.parameters())


def counts_tensors(model):
    freeze(model)
    return len([p for p in model.parameters() if p.requires_grad])


EXERCISES = [
    ("check_replace_head_function", "replace_head", [
        (forgets_the_aux_head,
         "Not yet. model.aux_classifier still outputs the old number of classes. FCN's auxiliary head predicts the same classes as the main one."),
        (uses_the_heads_input_width,
         "Not yet. The new last layer of model.classifier takes as many channels as enter the head, but the layers before it change that number: its in_channels must match what reaches it."),
        (hard_codes_fcn_widths,
         "Not yet. The new last layer of model.classifier has the wrong in_channels: it must take the channels the layer before it gives, as the old one did."),
        (hard_codes_the_class_count,
         "Not yet. The new last layer of model.classifier outputs a fixed number of channels: the new task has num_classes classes."),
        (replaces_the_whole_head,
         "Not yet. model.classifier is no longer the head it was: only its last layer gives one score per class, the layers before it hold learned weights to keep."),
        (replaces_the_first_layer,
         "Not yet. model.classifier[0] changed: that layer computes features, not class scores; replace the layer that outputs one channel per class."),
        (sets_out_channels,
         "Not yet. Setting out_channels on the last layer of model.classifier does not resize its weights, so it still outputs the old classes: put a new layer in its place."),
        (returns_nothing,
         "Not yet. Your function returned None: return the model, with its new layers in place."),
        (returns_the_layer,
         "Not yet. Return the whole model, with its new layers inside it; got Conv2d."),
        (reinitialises_everything,
         "Not yet. Layers or weights outside the two new layers changed: transfer learning keeps them, they are what the model learned."),
        (switches_to_eval,
         "Not yet. The train/eval mode changed: leave it as the caller set it."),
        (also_freezes,
         "Not yet. requires_grad changed outside the new layers: freezing is a step of its own, leave it out here."),
    ]),
    ("check_freeze_function", "freeze", [
        (freezes_everything,
         "Not yet. The heads are frozen too: only model.backbone's parameters should stop learning."),
        (also_eval,
         "Not yet. Freezing is about requires_grad only: leave the model's train/eval mode as the caller set it."),
        (sets_a_module_attribute,
         'Not yet. Some backbone parameters still have requires_grad=True.'),
        (counts_all,
         'Not yet. That counts every parameter; count only those with requires_grad=True.'),
        (counts_frozen,
         'Not yet. That is the number of frozen parameters; return those that still learn.'),
        (counts_tensors,
         'Not yet. That counts parameter tensors; count their elements (p.numel()).'),
    ]),
]
