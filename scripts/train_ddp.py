"""Train segtutor's tiny segmenter data-parallel, on one process or several, and print the validation mIoU per epoch.

:func:`segtutor.train` runs under ``torchrun`` with ``DistributedDataParallel``
once a ``torch.distributed`` process group is initialised; this script
initialises it when ``torchrun`` started it (``WORLD_SIZE`` is set) and
otherwise runs as one plain process. Run from the repository root::

    PYTHONPATH=$PWD torchrun --standalone --nproc_per_node=2 scripts/train_ddp.py --epochs 2   # 2 processes
    PYTHONPATH=$PWD python scripts/train_ddp.py --epochs 2                                     # 1 process

Backend: NCCL with one GPU per process (``cuda:LOCAL_RANK``) when CUDA is
available, gloo on the CPU otherwise (``--cpu`` forces it). ``--batch-size`` is
the batch of one optimizer step over all processes; each process takes
``batch-size / processes`` of it, so the steps, the learning rate and the
schedule do not depend on the number of processes. Only rank 0 shows the
progress bar and prints. Every process seeds its model with ``--seed``; DDP
copies rank 0's weights to the others anyway.
"""

from __future__ import annotations

import argparse
import os

import torch
import torch.distributed as dist

import segtutor

VAL_SEED = 10_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--scenes", type=int, default=64, help="training scenes")
    parser.add_argument("--val-scenes", type=int, default=16, help="validation scenes")
    parser.add_argument("--size", type=int, default=48, help="scene side in pixels")
    parser.add_argument("--batch-size", type=int, default=8, help="images per step over all processes")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--widths", type=int, nargs=4, default=(8, 8, 16, 16), help="TinySegNet's channel widths")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads per process")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU (gloo) even where CUDA is available")
    return parser.parse_args(argv)


def _start(cpu: bool) -> tuple[torch.device, int]:
    """Join torchrun's process group when torchrun started this process; return the device and the rank."""
    cuda = torch.cuda.is_available() and not cpu
    if "WORLD_SIZE" not in os.environ:
        return torch.device("cuda" if cuda else "cpu"), 0
    dist.init_process_group("nccl" if cuda else "gloo")
    if not cuda:
        return torch.device("cpu"), dist.get_rank()
    device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    torch.cuda.set_device(device)  # ConfusionMatrix.sync all_reduces on the current GPU
    return device, dist.get_rank()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device, rank = _start(args.cpu)
    try:
        torch.manual_seed(args.seed)
        model = segtutor.TinySegNet(widths=tuple(args.widths)).to(device)
        train_data = segtutor.SceneDataset(args.scenes, size=args.size, seed=args.seed)
        val_data = segtutor.SceneDataset(args.val_scenes, size=args.size, seed=VAL_SEED)
        history = segtutor.train(model, train_data, val_data, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                                 seed=args.seed)
        if rank == 0:
            processes = dist.get_world_size() if dist.is_initialized() else 1
            print(f"{'epoch':>5} {'loss':>8} {'val mIoU':>9}")
            for epoch, (loss, miou) in enumerate(zip(history.loss, history.miou), start=1):
                print(f"{epoch:>5} {loss:>8.4f} {miou:>9.4f}")
            print(f"trained in {history.seconds:.1f} s on {processes} process(es), {device.type}")
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    main()
