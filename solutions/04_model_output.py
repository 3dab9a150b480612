"""Notebook 04 · the model's output: class probabilities from the output OrderedDict."""


def uses_aux(output):
    return output["aux"].softmax(dim=1)


def softmax_over_batch(output):
    return output["out"].softmax(dim=0)


def returns_logits(output):
    return output["out"]


def drops_batch_axis(output):
    return output["out"][0].softmax(dim=0)


CASE = "(on a batch of 1)."
EXERCISES = [
    ("check_probabilities_function", "probabilities", [
        (uses_aux, f"Not yet. Use output['out'], the final scores; 'aux' is the auxiliary head's {CASE}"),
        (softmax_over_batch, "Not yet. Your probabilities sum to 1 over the batch axis N (dim=0); the classes are dim=1 "
                             f"{CASE}"),
        (returns_logits, f"Not yet. Those are the logits themselves: apply softmax to turn them into probabilities {CASE}"),
        (drops_batch_axis, "Not yet. Probabilities keep the logits' shape [N, C, H, W] = [1, 4, 5, 6], got [4, 5, 6]: "
                           f"keep the batch axis and every class {CASE}"),
    ]),
]
