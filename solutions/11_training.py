"""Notebook 11 · training your own: one training step, and typical wrong answers."""

import torch.nn.functional as F


# Wrong in the loss, right in the update: the update after the loss is the reference's, written once.
def _update(loss, optimizer, scheduler):
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()


def no_ignore_index(model, batch, labels, optimizer, scheduler):
    return _update(F.cross_entropy(model(batch)["out"], labels), optimizer, scheduler)


def uses_aux(model, batch, labels, optimizer, scheduler):
    return _update(F.cross_entropy(model(batch)["aux"], labels, ignore_index=255), optimizer, scheduler)


def logits_key(model, batch, labels, optimizer, scheduler):
    return _update(F.cross_entropy(model(batch)["logits"], labels, ignore_index=255), optimizer, scheduler)


def summed_loss(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255, reduction="sum")
    return _update(loss, optimizer, scheduler)


def mean_over_every_pixel(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255, reduction="sum") / labels.numel()
    return _update(loss, optimizer, scheduler)


# Right loss, wrong update: each is written out in full, so the calls and their order can be read.
def no_zero_grad(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()


def zero_grad_after_backward(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    scheduler.step()
    return loss.item()


def no_backward(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    optimizer.step()
    scheduler.step()
    return loss.item()


def no_optimizer_step(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    scheduler.step()
    return loss.item()


def no_scheduler_step(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def scheduler_before_optimizer(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    scheduler.step()
    optimizer.step()
    return loss.item()


def returns_tensor(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    _update(loss, optimizer, scheduler)
    return loss


# What a learner tries after the out-of-bounds error: the labels edited in place, then an unweighted loss.
def labels_edited_in_place(model, batch, labels, optimizer, scheduler):
    labels[labels == 255] = 0
    return _update(F.cross_entropy(model(batch)["out"], labels), optimizer, scheduler)


def batch_edited_in_place(model, batch, labels, optimizer, scheduler):
    batch.mul_(0)
    return _update(F.cross_entropy(model(batch)["out"], labels, ignore_index=255), optimizer, scheduler)


def eval_mode_step(model, batch, labels, optimizer, scheduler):
    model.eval()
    return _update(F.cross_entropy(model(batch)["out"], labels, ignore_index=255), optimizer, scheduler)


EXERCISES = [
    ("check_training_step_function", "training_step", [
        (no_ignore_index,
         'Not yet. cross_entropy failed on a label of 255: 255 marks unlabelled pixels, tell cross_entropy to ignore them (ignore_index=255).'),
        (no_zero_grad,
         "Not yet. The previous step's gradients were still there: gradients add up until you clear them with optimizer.zero_grad(), before loss.backward()."),
        (zero_grad_after_backward,
         'Not yet. optimizer.zero_grad() runs between loss.backward() and optimizer.step(): it wipes the gradients the step needs.'),
        (no_scheduler_step,
         'Not yet. scheduler.step() is never called, so the learning rate never follows its schedule.'),
        (uses_aux,
         "Not yet. That is the loss of 'aux', the auxiliary head; the model's own scores are in output['out']."),
        (returns_tensor,
         'Not yet. Return the loss as a Python float (a tensor keeps the whole graph alive): use .item().'),
        (no_backward,
         'Not yet. loss.backward() is never called, so no gradient is computed.'),
        (no_optimizer_step,
         'Not yet. optimizer.step() is never called, so the weights never change.'),
        (scheduler_before_optimizer,
         'Not yet. scheduler.step() belongs after optimizer.step().'),
        (summed_loss,
         "Not yet. That is the summed loss; cross_entropy's default mean over the labelled pixels is what the step uses."),
        (mean_over_every_pixel,
         "Not yet. The returned loss is not the cross-entropy of output['out'] against the labels, ignoring the 255s."),
        (logits_key,
         "Not yet. Your function raised KeyError: 'logits'"),
        (labels_edited_in_place,
         "Not yet. Your step changed `labels` in place: the 255s mark pixels without a label, and turning them into a "
         "class trains the model on labels nobody gave."),
        (batch_edited_in_place,
         "Not yet. Your step changed `batch` in place: a training step reads the images, it never edits the caller's "
         "data."),
        (eval_mode_step,
         "Not yet. Your step switched the model to eval mode: a training step runs (and leaves) the model in train "
         "mode, where dropout and batch norm behave as in training."),
    ]),
]
