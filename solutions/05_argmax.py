"""Notebook 05 · argmax: the [N, H, W] class map of a batch of logits."""


def squeezes(logits):
    return logits.squeeze().argmax(dim=0)


def argmax_over_height(logits):
    return logits.argmax(dim=2)


def returns_floats(logits):
    return logits.argmax(dim=1).float()


def argmin(logits):
    return logits.argmin(dim=1)


def sums_scores(logits):
    return logits.sum(dim=1).long()


CASE = "(on a batch of 3 of 5x5 pixels)."
EXERCISES = [
    ("check_class_map_function", "to_class_map", [
        (squeezes, "Not yet. squeeze() keeps the batch axis N=3, so dim=0 is the batch, not the classes: keep [N, H, W], "
                   f"use argmax(dim=1) {CASE}"),
        (argmax_over_height, f"Not yet. Your argmax runs over the height axis H (dim=2); the classes are dim=1 {CASE}"),
        (returns_floats, "Not yet. Your class map holds torch.float32 values: class ids are integers, the index of the "
                         f"winning class, not scores {CASE}"),
        (argmin, f"Not yet. Those are the lowest scores: argmax picks the highest {CASE}"),
        (sums_scores, "Not yet. Your class map differs at some pixels: the class with the highest score wins; a tie "
                      f"goes to the lowest class id {CASE}"),
    ]),
]
