"""Data: photos, the seed's preprocessing, synthetic scenes, palettes, PASCAL VOC files, dataset readers, joint augmentation.

Everything a model is fed, and the datasets' own facts (class colours, id conventions).
:func:`open_dataset` reads PASCAL VOC 2012, Cityscapes, ADE20K and COCO-Stuff 164k in their own folder layouts.
Nothing here imports a model: :mod:`segtutor.models` sits on top of this package.
"""

from ._augmentation import augment_pair, scene_augmentation
from ._datasets import DATASETS, DatasetName, SegmentationDataset, open_dataset
from ._images import IMAGE_FORMATS, MAX_ASPECT_RATIO, MAX_IMAGE_PIXELS, MAX_WORK_PIXELS, SAMPLES, Sample, load_image, sample_names
from ._palettes import PALETTES, Palette, get_palette, to_train_ids, voc_colormap
from ._preprocessing import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    channel_stats,
    describe,
    preprocess,
    seed_transform,
    tensor_to_image,
    trace_transform,
    unnormalize,
)
from ._scenes import MIN_SCENE_SIZE, SCENE_CLASSES, SceneDataset, images_to_batch, make_scenes
from ._voc import add_void_border, read_voc, save_label_png, write_voc

__all__ = [
    "IMAGE_FORMATS",
    "MAX_ASPECT_RATIO",
    "MAX_IMAGE_PIXELS",
    "MAX_WORK_PIXELS",
    "add_void_border",
    "augment_pair",
    "channel_stats",
    "DATASETS",
    "DatasetName",
    "describe",
    "get_palette",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "images_to_batch",
    "load_image",
    "make_scenes",
    "MIN_SCENE_SIZE",
    "open_dataset",
    "Palette",
    "PALETTES",
    "preprocess",
    "read_voc",
    "Sample",
    "sample_names",
    "SAMPLES",
    "save_label_png",
    "scene_augmentation",
    "SCENE_CLASSES",
    "SceneDataset",
    "SegmentationDataset",
    "seed_transform",
    "tensor_to_image",
    "to_train_ids",
    "trace_transform",
    "unnormalize",
    "voc_colormap",
    "write_voc",
]
