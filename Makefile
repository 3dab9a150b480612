# `make lab` and `make test` each build .venv on first use, then do their job.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP ?= $(VENV)/.installed
LAB_FLAGS ?=
# JupyterLab refuses to run as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Colab pins ipywidgets 7.7.1: the widget tests run a second time against it.
IPYWIDGETS7 = $(VENV)/ipywidgets7

.PHONY: install lab test clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints/test.txt -e ".[test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_FLAGS)

$(IPYWIDGETS7)/.installed: $(STAMP)
	$(BIN)/python -m pip install --no-deps --target $(IPYWIDGETS7) ipywidgets==7.7.1 ipython-genutils==0.2.0
	touch $@

test: $(STAMP) $(IPYWIDGETS7)/.installed
	$(BIN)/python -m pytest
	SEGTUTOR_EXPECT_IPYWIDGETS=7.7.1 PYTHONPATH=$(IPYWIDGETS7) $(BIN)/python -m pytest tests/test_widgets.py

clean:
	rm -rf $(VENV)
