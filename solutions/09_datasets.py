"""Notebook 09 · datasets: reading a VOC palette PNG mask as class ids."""

import numpy as np
import torchvision.transforms as T
from PIL import Image


def uses_to_tensor(path):
    return T.ToTensor()(Image.open(path))


def converts_to_rgb(path):
    return np.array(Image.open(path).convert("RGB"))


def converts_to_grey(path):
    return np.array(Image.open(path).convert("L"))


def returns_image(path):
    return Image.open(path)


CASE = "(on a 8x6 mask)."
EXERCISES = [
    ("check_read_mask_function", "read_mask", [
        (uses_to_tensor, "Not yet. ToTensor divides by 255 and makes floats: fine for photos, wrong for masks, whose "
                         f"values are class ids. Read the ids the PIL image holds {CASE}"),
        (converts_to_rgb, "Not yet. convert('RGB') turns the class ids into their palette colours, (H, W, 3): read the "
                          f"palette indices themselves {CASE}"),
        (converts_to_grey, "Not yet. convert('L') turns the palette colours into grey levels, not class ids: read the "
                           f"palette indices themselves, without converting {CASE}"),
        (returns_image, f"Not yet. Return an array of ids, not a PIL image: turn the image into a NumPy array {CASE}"),
    ]),
]
