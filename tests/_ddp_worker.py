"""One process of tests/test_training.py's 2-process run: ``python -m torch.distributed.run ... tests/_ddp_worker.py OUT``.

Trains :func:`RUN`'s model with :func:`segtutor.train` under gloo on the CPU and writes, per rank, ``OUT/rank<r>.json``
(history, the dataset indices each epoch read, the model's mode, the validation matrix of the final weights) and
``OUT/rank<r>.pt`` (the final state dict).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from segtutor import SceneDataset, TinySegNet, train, training_step
from segtutor.training._training import _validation

# Small enough for a few seconds on 2 shared cores; odd validation count, so an even split would drop or repeat one.
RUN: dict[str, Any] = {"scenes": 32, "val_scenes": 7, "size": 48, "epochs": 16, "batch_size": 8, "lr": 1e-2, "widths": (8, 8, 16, 16)}


class Recording(torch.utils.data.Dataset):
    """A dataset that notes every index read from it."""

    def __init__(self, data: SceneDataset) -> None:
        self.data, self.read = data, []

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        self.read.append(int(index))
        return self.data[index]


def datasets() -> tuple[SceneDataset, SceneDataset]:
    return SceneDataset(RUN["scenes"], size=RUN["size"], seed=0), SceneDataset(RUN["val_scenes"], size=RUN["size"], seed=1)


def model(seed: int = 0) -> TinySegNet:
    torch.manual_seed(seed)
    return TinySegNet(widths=RUN["widths"])


def main(out: Path) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    rank = dist.get_rank()
    net = model(seed=rank)  # other initial weights on rank 1: DDP must start every rank from rank 0's
    train_data, val_data = (Recording(d) for d in datasets())
    history = train(net, train_data, val_data, epochs=RUN["epochs"], batch_size=RUN["batch_size"], lr=RUN["lr"], seed=0)
    matrix = _validation(net, val_data, num_classes=None, ignore_index=255).matrix
    torch.save(net.state_dict(), out / f"rank{rank}.pt")
    result = {"loss": history.loss, "miou": history.miou, "train_read": train_data.read, "val_read": val_data.read,
              "training": net.training, "matrix": matrix.tolist()}
    (out / f"rank{rank}.json").write_text(json.dumps(result))
    dist.barrier()
    if rank == 0:  # a step of rank 0 alone: DDP's gradient hooks must be gone, or it would wait for rank 1 until the timeout
        optimizer = torch.optim.SGD(net.parameters(), lr=0.0)
        batch, labels = datasets()[0][0]
        training_step(net.train(), batch[None], labels[None], optimizer, torch.optim.lr_scheduler.StepLR(optimizer, 1))
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
