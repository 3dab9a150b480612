"""ipywidgets explorers. They compute nothing themselves: each control calls a pure function.

Every ``explore_*`` function returns a ``widgets.VBox`` whose ``controls``
and ``views`` attributes map names to its controls and its outputs
(``widgets.Image`` and ``widgets.HTML``), and whose ``events`` attribute maps
names to ipyevents ``Event`` widgets where ipyevents is installed (else it is
empty), so tests and curious readers can drive them from code. Images are
``widgets.Image`` values updated by ``observe``, small ones enlarged by
``_probe.panels_picture``. One guard runs every callback: an error
shows in ``views["status"]`` and the controls stay usable. The segmentation
and comparison explorers probe a pixel, chosen by the ``row`` and ``col``
sliders (Colab included) or by a click with ipyevents: a crosshair marks it
and ``views["probe"]`` gives its class and top 3 softmax probabilities.
Works with ipywidgets 7.7 (Colab) and 8.

All the explorers' logic lives in this package. Three modules wire controls
and compute nothing: ``_controls`` (the wiring they share), ``_segmentation``
(the explorers that run models) and ``_lessons`` (the others). The pure
functions they call, one module per job, are plain Python, testable without a
browser or a kernel:

- ``_gallery``: the image registry (synthetic scenes, samples, uploads) and the image menu;
- ``_uploads``: reading and checking an uploaded file before it is decoded;
- ``_model_menu``: the models offered (:data:`EXPLORER_MODELS`), their menu labels and palettes;
- ``_cache``: segmentation results, cached by the image's content, read-only;
- ``_encode``: JPEG and PNG bytes for ``widgets.Image``;
- ``_views``: the HTML legend, a preprocessing step, the comparison's fallback, and :func:`first_view`, a still
  figure of an explorer as it stands, for pages read without a kernel;
- ``_probe``: the pixel probe's enlargement, crosshair and readout;
- ``_playground``: the metrics playground's target and perturbations, and the agreement map.
"""

from ._lessons import explore_metrics, explore_preprocessing, explore_superpixels
from ._model_menu import EXPLORER_MODELS
from ._playground import agreement_map, perturb_labels
from ._segmentation import explore_comparison, explore_segmentation
from ._views import first_view

__all__ = [
    "EXPLORER_MODELS", "agreement_map", "explore_comparison", "explore_metrics", "explore_preprocessing",
    "explore_segmentation", "explore_superpixels", "first_view", "perturb_labels",
]
