"""Command line: ``segtutor weights list|download``, ``segtutor segment`` and ``segtutor evaluate`` (or ``python -m segtutor ...``)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image

from .data._datasets import DATASETS, open_dataset
from .data._images import file_kind, load_image
from .data._voc import save_label_png
from .display._overlays import overlay
from .metrics._dataset_evaluation import evaluate_dataset, process_group, scores_to_dict
from .models._checkpoints import CheckpointError
from .models._loading import load_model
from .models._registry import LOADABLE_MODELS, MODEL_NAMES, get_spec
from .models._segment import segment
from .models._weights import WeightsUnavailableError, cache_fix, download_weights, weights_status

__all__ = ["main"]

_OUT_SUFFIXES = {".png": "PNG"}
"""The class map is a palette PNG: lossless, so pixel values stay class ids."""
_OVERLAY_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_TEMPORARY = ".segtutor-"
"""Temporary files are ``.segtutor-XXXXXXXX.part`` beside the output: short, so any valid output name works."""


def _prog() -> str:
    """The command's name in usage lines: ``python -m segtutor`` when run so, else the ``segtutor`` script's."""
    main_spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return "python -m segtutor" if getattr(main_spec, "name", None) == "segtutor.__main__" else "segtutor"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_prog(), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    weights = commands.add_parser("weights", help="list or download pretrained weights")
    actions = weights.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="show which weights are cached, their sizes, which are missing, and which fail their hash check")
    download = actions.add_parser("download", help="download weights, with a progress bar and hash check")
    download.add_argument("names", nargs="*", metavar="NAME", help=f"one of: {', '.join(MODEL_NAMES)}")
    download.add_argument("--all", action="store_true", help="download the weights of every model")
    seg = commands.add_parser("segment", help="segment an image and write the class map as a palette PNG")
    seg.add_argument("image", help="image file or sample name")
    seg.add_argument("--model", required=True, choices=LOADABLE_MODELS)
    seg.add_argument("--weights", default="pretrained", help="'pretrained', 'random' or a checkpoint path")
    seg.add_argument("--preprocessing", default="weights", choices=["weights", "seed"],
                     help="'weights': the model's own transforms, the whole photo (default); 'seed': Resize 256, "
                          "CenterCrop 224, the border outside the crop gets 255")
    seg.add_argument("--out", required=True, help="output .png; pixel values are class ids")
    seg.add_argument("--overlay", help="also write the class colours blended over the photo (.png, .jpg or .jpeg)")
    seg.add_argument("--alpha", type=float, default=0.5, help="opacity of the overlay's colours (default 0.5)")
    ev = commands.add_parser("evaluate", help="score a model on a dataset's split (also under torchrun) and write the scores as JSON")
    ev.add_argument("model", choices=LOADABLE_MODELS)
    ev.add_argument("--dataset", required=True, choices=DATASETS)
    ev.add_argument("--root", required=True, help="the dataset's folder")
    ev.add_argument("--split", default="val", help="default val")
    ev.add_argument("--batch-size", type=int, default=8, help="images per batch (default 8)")
    ev.add_argument("--workers", type=int, default=2, help="DataLoader worker processes (default 2)")
    ev.add_argument("--limit", type=int, help="score only the first N images")
    ev.add_argument("--num-classes", type=int, help="rows of the confusion matrix (default: the model's class count)")
    ev.add_argument("--weights", default="pretrained", help="'pretrained', 'random' or a checkpoint path")
    ev.add_argument("--device", help="e.g. cpu, cuda, cuda:1 (default cuda if available; under torchrun, cuda:LOCAL_RANK)")
    ev.add_argument("--json", help="write the confusion matrix and the scores to this .json file")
    return parser


def _list_weights() -> None:
    table = weights_status()
    print(table)
    for row in table:
        if row["status"] == "failing":
            print(f"{row['model']}: {row['file']} fails its hash check (corrupt, truncated or not the official file); "
                  f"it will not be loaded. {cache_fix(row['model'])}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "weights" and args.action == "list":
            _list_weights()
        elif args.command == "weights":
            if bool(args.names) == args.all:
                parser.error("name one or more models, or pass --all")
            for name in MODEL_NAMES if args.all else args.names:
                print(f"{name}: {download_weights(name, progress=True)}")
        elif args.command == "evaluate":
            _evaluate(args)
        else:
            _segment(args)
    except KeyboardInterrupt:
        print("segtutor: error: interrupted", file=sys.stderr)
        return 130
    except (WeightsUnavailableError, CheckpointError, OSError, ValueError, FloatingPointError) as err:
        _fail(str(err))
        return 2
    except Exception as err:  # a bug or an unforeseen failure: still one line, never a traceback
        _fail(f"unexpected {type(err).__name__}: {err}")
        return 2
    return 0


def _fail(message: str) -> None:
    print("segtutor: error: " + " ".join(line.strip() for line in message.splitlines() if line.strip()), file=sys.stderr)


def _segment(args: argparse.Namespace) -> None:
    """Check every option, segment, encode both outputs in memory, then write each through a temporary file."""
    _check_weights_option(args.weights)
    out, overlay_path = _check_outputs(args)
    if not 0 <= args.alpha <= 1:
        raise ValueError(f"--alpha must be in [0, 1], got {args.alpha}")
    image = load_image(args.image)
    spec = get_spec(args.model)  # the name becomes a spec once; everything below reads the spec
    model = load_model(spec, weights=args.weights, progress=True)
    labels = segment(image, model=model, preprocessing=args.preprocessing)
    buffer = io.BytesIO()
    save_label_png(labels, buffer)
    outputs = {"--out": (out, buffer.getvalue())}
    if overlay_path is not None:
        blended = overlay(image, labels, alpha=args.alpha, palette=spec.palette)
        buffer = io.BytesIO()
        Image.fromarray(blended).save(buffer, format=_OVERLAY_SUFFIXES[overlay_path.suffix.lower()])
        outputs["--overlay"] = (overlay_path, buffer.getvalue())
    write_together(outputs)
    print(f"wrote {args.out}: {labels.shape[1]}x{labels.shape[0]} class map, classes {sorted(set(np.unique(labels).tolist()))}")


def _evaluate(args: argparse.Namespace) -> None:
    """Check the options and the dataset, score (under torchrun: each process its share), then rank 0 prints and writes."""
    _check_weights_option(args.weights)
    path = None if args.json is None else _check_json(args)
    dataset = open_dataset(args.dataset, args.root, split=args.split)
    with process_group(args.device) as (device, rank):
        model = load_model(get_spec(args.model), weights=args.weights, device=device, progress=rank == 0)
        scores = evaluate_dataset(model, dataset, batch_size=args.batch_size, workers=args.workers, limit=args.limit,
                                  num_classes=args.num_classes)
    if rank == 0:
        print(scores)
        if path is not None:
            report = {"model": args.model, "weights": args.weights, "dataset": args.dataset, "root": str(args.root),
                      "split": args.split, "images": len(dataset) if args.limit is None else min(args.limit, len(dataset)),
                      "ignore_index": dataset.ignore_index, **scores_to_dict(scores)}
            write_together({"--json": (path, (json.dumps(report, indent=1) + "\n").encode())})
            print(f"wrote {path}")


def _check_json(args: argparse.Namespace) -> Path:
    """Refuse a --json that is not .json, is a folder, has no folder, or would write over an input."""
    path = Path(args.json)
    if path.suffix.lower() != ".json":
        raise ValueError(f"--json must end in .json, got '{path}'")
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"--json '{path}' is a folder" if path.is_dir() else f"--json folder '{path.parent}' does not exist")
    _check_writable("--json", path)  # after is_dir: a name too long for the folder fails there, naming the file
    if args.weights not in ("pretrained", "random") and Path(args.weights).is_file() and _same_file(path, Path(args.weights)):
        raise ValueError(f"--json '{path}' is the --weights file '{args.weights}'; refusing to write over it")
    if path.exists() and path.resolve().is_relative_to(Path(args.root).resolve()):
        raise ValueError(f"--json '{path}' is a file inside the dataset's --root '{args.root}'; refusing to write over it")
    return path


def _check_outputs(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """Refuse an output that is an input or the other output, has the wrong suffix, or has no folder."""
    inputs = {f"the input image '{args.image}'": Path(args.image)}
    if args.weights not in ("pretrained", "random"):
        inputs[f"the --weights file '{args.weights}'"] = Path(args.weights)
    out, overlay_path = Path(args.out), None if args.overlay is None else Path(args.overlay)
    for option, path, suffixes in (("--out", out, _OUT_SUFFIXES), ("--overlay", overlay_path, _OVERLAY_SUFFIXES)):
        if path is None:
            continue
        if path.name.lower() in suffixes:
            raise ValueError(f"{option} '{path}' has an empty name: nothing before {path.name}")
        if path.suffix.lower() not in suffixes:
            *others, last = suffixes
            raise ValueError(f"{option} must end in {', '.join(others) + ' or ' if others else ''}{last}, got '{path}'")
        _check_name_length(option, path)
        if path.is_dir():
            raise ValueError(f"{option} '{path}' is a folder")
        if not path.parent.is_dir():
            raise ValueError(f"{option} folder '{path.parent}' does not exist")
        for what, source in inputs.items():
            if source.is_file() and _same_file(path, source):
                raise ValueError(f"{option} '{path}' is {what}; refusing to write over it")
        _check_writable(option, path)
    if overlay_path is not None and _same_file(out, overlay_path):
        raise ValueError(f"--out and --overlay must be different files, got '{out}' and '{overlay_path}'")
    return out, overlay_path


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    return a.exists() and b.exists() and os.path.samefile(a, b)  # hard links, case-insensitive file systems


def _check_weights_option(weights: str) -> None:
    """Refuse a --weights that is neither choice nor a checkpoint file, saying what it is instead."""
    if weights in ("pretrained", "random"):
        return
    if not weights:
        raise ValueError("--weights is empty; pass 'pretrained', 'random' or a checkpoint file")
    if Path(weights).exists() and not Path(weights).is_file():
        raise ValueError(f"--weights '{weights}' is {file_kind(Path(weights))}, not a checkpoint file")
    if not Path(weights).is_file():
        raise ValueError(f"--weights must be 'pretrained', 'random' or a checkpoint file, got {weights!r}")


def _check_writable(option: str, path: Path) -> None:
    """Before any work: a file can be created in the output's folder."""
    try:
        handle, probe = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY, suffix=".part")
    except OSError as err:
        raise OSError(f"{option} folder '{path.parent}' is not writable ({err.strerror or err})") from None
    os.close(handle)
    os.unlink(probe)


def _check_name_length(option: str, path: Path) -> None:
    size, limit = len(os.fsencode(path.name)), _name_max(path.parent)
    if size > limit:
        raise ValueError(f"{option} name '{path.name}' is {size} bytes long; the folder '{path.parent}' allows at most {limit}")


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or no answer
        return 255


def write_together(files: dict[str, tuple[Path, bytes]]) -> None:
    """Write every file or none: each to a temporary beside it, then rename them all.

    If a write fails (a full disk) no file is changed; if a rename fails or is
    interrupted, the files already renamed get their old contents back (kept
    as hard links until every rename is done). Errors name the user's file.
    """
    temporaries: dict[Path, Path] = {}
    backups: dict[Path, Path | None] = {}
    try:
        for option, (path, data) in files.items():
            try:
                temporaries[path] = _temporary(path, data)
            except OSError as err:
                raise OSError(f"could not write {option} '{path}' ({err.strerror or err}); "
                              f"no file was changed") from None
        for option, (path, _) in files.items():
            backups[path] = _backup(path) if path.exists() else None
            try:
                _rename(temporaries[path], path)
                del temporaries[path]
            except OSError as err:
                raise OSError(f"could not replace {option} '{path}' ({err.strerror or err}); no file was changed") from None
    except BaseException:
        for path, backup in backups.items():
            with contextlib.suppress(OSError):
                _rename(backup, path) if backup is not None else path.unlink()
        raise
    finally:
        for leftover in [*temporaries.values(), *(b for b in backups.values() if b is not None)]:
            with contextlib.suppress(OSError):
                leftover.unlink()


def _temporary(path: Path, data: bytes) -> Path:
    """`data` in a new ``.segtutor-XXXXXXXX.part`` beside `path`, with `path`'s permissions (or the umask's)."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=_TEMPORARY, suffix=".part")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            _fill(file, data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~umask)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _rename(source: Path, target: Path) -> None:
    os.replace(source, target)


def _fill(file: IO[bytes], data: bytes) -> None:
    file.write(data)


def _backup(path: Path) -> Path:
    """Another name for `path`'s current file (a hard link, else a copy), so that it can be put back."""
    backup = path.parent / f"{_TEMPORARY}{secrets.token_hex(4)}.old"
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup
