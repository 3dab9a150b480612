# `make lab` and `make test` each build .venv on first use, then do their job.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP ?= $(VENV)/.installed
LAB_FLAGS ?=
# JupyterLab refuses to run as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: install lab test clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints/test.txt -e ".[test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_FLAGS)

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV)
