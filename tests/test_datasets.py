"""The dataset readers: each layout read with exact ids, every bad layout refused with one error naming the file."""

import numpy as np

from segtutor.data import make_scenes, open_dataset, write_voc


def test_open_dataset_reads_a_folder_written_by_write_voc(tmp_path):
    images, labels = make_scenes(4, size=48, seed=3)
    root = write_voc(tmp_path, images, labels, val_fraction=0.5)
    dataset = open_dataset("voc", root)
    assert len(dataset) == 2 and dataset.num_classes == 21 and dataset.ignore_index == 255
    image, mask = dataset[0]
    assert image.mode == "RGB" and image.size == (48, 48) and mask.dtype == np.int64
    inside = mask != 255
    assert np.array_equal(mask[inside], labels[2][inside])
