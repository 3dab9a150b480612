"""The computations behind the interactive explorers, one module per job.

:mod:`segtutor.widgets` only wires controls to these functions; everything
here is plain Python, testable without a browser or a kernel, and nothing
here is part of segtutor's public surface.

- :mod:`.images`: the image registry (synthetic scenes, samples, uploads) and the image menu.
- :mod:`.uploads`: reading and checking an uploaded file before it is decoded.
- :mod:`.model_menu`: the models offered, their menu labels and palettes.
- :mod:`.cache`: segmentation results, cached by the image's content, read-only.
- :mod:`.encode`: JPEG and PNG bytes for ``widgets.Image``.
- :mod:`.views`: what a view shows: the HTML legend, a preprocessing step, the comparison's fallback.
"""
