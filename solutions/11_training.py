"""Notebook 11 · training your own: one training step, and typical wrong answers."""

import torch.nn.functional as F


def training_step(model, batch, labels, optimizer, scheduler):
    logits = model(batch)["out"]  # [N, C, H, W] class scores; 'aux' is the auxiliary head's
    loss = F.cross_entropy(logits, labels, ignore_index=255)  # 255 marks unlabelled pixels
    optimizer.zero_grad()  # clear the previous step's gradients: they add up otherwise
    loss.backward()
    optimizer.step()
    scheduler.step()  # once per batch, after the optimizer
    return loss.item()


def no_ignore_index(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()


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


def no_scheduler_step(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def uses_aux(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["aux"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()


def returns_tensor(model, batch, labels, optimizer, scheduler):
    loss = F.cross_entropy(model(batch)["out"], labels, ignore_index=255)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss


EXERCISES = [
    ("check_training_step_function", training_step, [
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
    ]),
]
