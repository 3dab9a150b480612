"""Reference solution of notebook 11's coding exercise: one training step.

``segtutor.exercises.check_training_step(training_step)`` accepts it; a test
(tests/test_exercise_training_step.py) keeps it so.
"""

import torch.nn.functional as F


def training_step(model, batch, labels, optimizer, scheduler):
    logits = model(batch)["out"]  # [N, C, H, W] class scores; 'aux' is the auxiliary head's
    loss = F.cross_entropy(logits, labels, ignore_index=255)  # 255 marks unlabelled pixels
    optimizer.zero_grad()  # clear the previous step's gradients: they add up otherwise
    loss.backward()
    optimizer.step()
    scheduler.step()  # once per batch, after the optimizer
    return loss.item()
