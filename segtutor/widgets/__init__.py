"""ipywidgets explorers. They compute nothing themselves: each control calls a pure function.

Every ``explore_*`` function returns a ``widgets.VBox`` whose ``controls``
and ``views`` attributes map names to its controls and its outputs
(``widgets.Image`` and ``widgets.HTML``), and whose ``events`` attribute maps
names to ipyevents ``Event`` widgets where ipyevents is installed (else it is
empty), so tests and curious readers can drive them from code. Images are
``widgets.Image`` values updated by ``observe``, small ones enlarged by
:func:`segtutor.probe.panels_picture`. One guard runs every callback: an error
shows in ``views["status"]`` and the controls stay usable. The segmentation
and comparison explorers probe a pixel, chosen by the ``row`` and ``col``
sliders (Colab included) or by a click with ipyevents: a crosshair marks it
and ``views["probe"]`` gives its class and top 3 softmax probabilities.
Works with ipywidgets 7.7 (Colab) and 8.

The explorers' computations live in the private package ``segtutor._explorer``
(images, uploads, the model menu, the content-keyed cache, encoding, views);
here, ``_controls`` holds the wiring they share, ``_segmentation`` the
explorers that run models and ``_lessons`` the others.
"""

from ._lessons import explore_metrics, explore_preprocessing, explore_superpixels
from ._segmentation import explore_comparison, explore_segmentation

__all__ = ["explore_comparison", "explore_metrics", "explore_preprocessing", "explore_segmentation", "explore_superpixels"]
