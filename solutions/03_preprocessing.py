"""Notebook 03 · preprocessing: the seed's transform of one PIL image."""

import torchvision.transforms as T
from _reference import reference

import segtutor

transform = reference(__file__, "transform")  # the reference solution, kept once in course/source


def square_resize(image):
    return T.Compose([T.Resize((256, 256)), T.CenterCrop(224), T.ToTensor(),
                      T.Normalize(segtutor.IMAGENET_MEAN, segtutor.IMAGENET_STD)])(image)


def forgets_normalize(image):
    return T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])(image)


def swaps_mean_and_std(image):
    return T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                      T.Normalize(segtutor.IMAGENET_STD, segtutor.IMAGENET_MEAN)])(image)


def adds_batch_axis(image):
    return transform(image).unsqueeze(0)


def forgets_crop(image):
    return T.Compose([T.Resize(256), T.ToTensor(), T.Normalize(segtutor.IMAGENET_MEAN, segtutor.IMAGENET_STD)])(image)


def keeps_bytes(image):
    return T.PILToTensor()(image)


CASE = "(on a 451x300 photo)."
EXERCISES = [
    ("check_seed_transform", "transform", [
        (square_resize, "Not yet. Resize(256) with one number keeps the aspect ratio; Resize((256, 256)) squashes the "
                        f"photo {CASE}"),
        (forgets_normalize, "Not yet. Normalize after ToTensor: subtract the ImageNet mean and divide by the std, "
                            f"channel by channel {CASE}"),
        (swaps_mean_and_std, f"Not yet. Normalize(mean, std) takes the mean first: you swapped them {CASE}"),
        (adds_batch_axis, "Not yet. Return one image, [3, H, W]: the batch axis is added later, with unsqueeze(0) "
                          f"{CASE}"),
        (forgets_crop, f"Not yet. The result must be [3, 224, 224], got [3, 256, 384]: print the size after each of your steps "
                       f"{CASE}"),
        (keeps_bytes, f"Not yet. Return floats, got torch.uint8: ToTensor turns 0-255 bytes into floats in [0, 1] {CASE}"),
    ]),
]
