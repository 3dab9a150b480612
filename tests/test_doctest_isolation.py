"""Doctests must not depend on the machine: here, on what the real $TORCH_HOME holds."""

import doctest

from segtutor.widgets import _model_menu as model_menu


def test_model_label_doctest_passes_whatever_the_cache_holds(tmp_path, monkeypatch):
    cached = tmp_path / "hub" / "checkpoints" / "fcn_resnet101_coco-7ecb50ca.pth"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"a teacher's copy")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert model_menu.model_label("fcn_resnet101") == "fcn_resnet101"  # the doctest's model counts as cached here
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(model_menu.model_label, "model_label", globs=dict(vars(model_menu))):
        runner.run(test)
    assert runner.tries >= 2 and runner.failures == 0
