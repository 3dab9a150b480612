"""Notebook 12 · transfer learning: freezing a backbone, and typical wrong answers."""

from _reference import reference

freeze = reference(__file__, "freeze")  # the reference solution, kept once in course/source


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
