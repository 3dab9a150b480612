"""Writing checkpoints for the tests: state dicts by path, and files in torchvision's cache under official names."""

import hashlib
from pathlib import Path

import torch

from segtutor import load_model
from segtutor.models import _weights as weights_module
from segtutor.models import checkpoint_path


def save_random_state(name: str, path, marker: float) -> dict:
    """Save a fresh random CPU model's state dict to `path`, with one recognisable tensor; return the state."""
    state = load_model(name, weights="random", device="cpu", cache=False).state_dict()
    first_weight = next(k for k in state if k.endswith("weight"))
    state[first_weight].fill_(marker)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return state


def match_hash_prefix(path, monkeypatch) -> str:
    """Make the file at `path` pass the hash check although its official name carries another SHA-256 prefix.

    An official name's prefix cannot be matched by a file a test writes; this stands in for a file
    whose hash does match (a genuine download, or a hostile file forged to collide with 8 hex digits).
    """
    path = Path(path)
    prefix = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    original = weights_module._expected_prefix
    monkeypatch.setattr(weights_module, "_expected_prefix", lambda p: prefix if p == path else original(p))
    return prefix


def cache_random_state(name: str, monkeypatch, marker: float) -> dict:
    """Put a random state dict into the cache under `name`'s official file name, passing the hash check."""
    state = save_random_state(name, checkpoint_path(name), marker)
    match_hash_prefix(checkpoint_path(name), monkeypatch)
    return state


def same_state(model: torch.nn.Module, state: dict) -> bool:
    """Whether `model` holds exactly `state` (compared on the CPU)."""
    loaded = model.state_dict()
    return loaded.keys() == state.keys() and all(torch.equal(loaded[k].cpu(), state[k].cpu()) for k in state)
