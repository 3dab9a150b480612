"""Run a function in two real gloo processes that rendezvous through a file (for the tests of sums across processes)."""

import multiprocessing
from collections.abc import Callable
from pathlib import Path


def run_two_processes(worker: Callable[[int, str, str], None], folder: Path, *, suffix: str, start: str = "fork",
                      timeout: float = 120) -> list[Path]:
    """Call ``worker(rank, init_method, out)`` in ranks 0 and 1; return their `out` files once both exited with 0.

    `start` is the multiprocessing start method: "fork" needs no second import of segtutor, but a forked
    child can hang in OpenMP once the parent has run a model; then use "spawn".
    """
    init = (folder / "rendezvous").as_uri()
    outs = [folder / f"rank{rank}{suffix}" for rank in range(2)]
    context = multiprocessing.get_context(start)
    workers = [context.Process(target=worker, args=(rank, init, str(out))) for rank, out in enumerate(outs)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=timeout)
        if process.is_alive():
            process.kill()
    assert [process.exitcode for process in workers] == [0, 0]
    return outs
