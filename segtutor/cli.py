"""Command line: ``python -m segtutor weights list|download`` and ``python -m segtutor segment``."""

from __future__ import annotations

import argparse
import sys

import numpy as np
from PIL import Image

from .explorer import model_palette
from .images import load_image
from .models import LOADABLE_MODELS, load_model
from .overlays import overlay
from .registry import MODEL_NAMES
from .segment import segment
from .voc import save_label_png
from .weights import CheckpointError, WeightsUnavailableError, cache_fix, download_weights, weights_status

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m segtutor", description=__doc__)
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
    seg.add_argument("--preprocessing", default="seed", choices=["seed", "weights"])
    seg.add_argument("--out", required=True, help="output PNG; pixel values are class ids")
    seg.add_argument("--overlay", help="also write the class colours blended over the photo (PNG)")
    seg.add_argument("--alpha", type=float, default=0.5, help="opacity of the overlay's colours (default 0.5)")
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
        else:
            model = load_model(args.model, weights=args.weights, progress=True)
            image = load_image(args.image)
            labels = segment(image, model=model, preprocessing=args.preprocessing)
            save_label_png(labels, args.out)
            if args.overlay:
                palette = model_palette(args.model)
                Image.fromarray(overlay(image, labels, alpha=args.alpha, palette=palette)).save(args.overlay)
            print(f"wrote {args.out}: {labels.shape[1]}x{labels.shape[0]} class map, classes {sorted(set(np.unique(labels).tolist()))}")
    except (WeightsUnavailableError, CheckpointError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
