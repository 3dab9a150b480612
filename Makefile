# `make lab` and `make test` each build .venv on first use, then do their job.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
# `make test` installs segtutor with its test extra (which includes the lab extra); `make lab` only the lab extra.
STAMP ?= $(VENV)/.installed
LAB_STAMP ?= $(VENV)/.installed-lab
INSTRUCTOR_STAMP ?= $(VENV)/.installed-instructor
LAB_FLAGS ?=
# pytest workers: the CI machine has 2 cores. Each notebook and test file stays on one worker.
TEST_WORKERS ?= 2
# JupyterLab refuses to run as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

# Colab pins ipywidgets 7.7.1: the widget tests run a second time against it.
IPYWIDGETS7 = $(VENV)/ipywidgets7
# `make colab-check` builds this fresh venv, Colab-like, on every run.
COLAB_VENV ?= .venv-colab

.PHONY: install lab test unit lint site colab-check classroom-check clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints/test.txt -e ".[test]"
	touch $(STAMP)

$(LAB_STAMP): pyproject.toml constraints/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints/test.txt -e ".[lab]"
	touch $(LAB_STAMP)

$(INSTRUCTOR_STAMP): pyproject.toml constraints/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints/test.txt -e ".[instructor]"
	touch $(INSTRUCTOR_STAMP)

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_FLAGS)

$(IPYWIDGETS7)/.installed: $(STAMP)
	$(BIN)/python -m pip install --no-deps --target $(IPYWIDGETS7) ipywidgets==7.7.1 ipython-genutils==0.2.0
	touch $@

test: $(STAMP) $(IPYWIDGETS7)/.installed
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
	SEGTUTOR_EXPECT_IPYWIDGETS=7.7.1 PYTHONPATH=$(IPYWIDGETS7) $(BIN)/python -m pytest tests/test_controls.py tests/test_lessons.py tests/test_segmentation.py

# The unit tests and doctests without the slow, browser and notebook ones (markers set in conftest.py).
unit: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow and not browser and not notebook"

# Style and types, as configured in pyproject.toml: ruff over the repository, mypy over the package.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy segtutor

# The course website, from the notebooks' stored outputs (nothing runs): Sphinx with myst-nb, configured in
# docs/conf.py, with the repository root as its source; warnings are errors. A fresh build every time, into site/;
# Sphinx's caches go to build/. tests/test_site.py checks its links and images and opens it in a browser.
site: $(STAMP)
	rm -rf site build/site-doctrees build/site-outputs
	$(BIN)/python -m sphinx -W --keep-going -b html -c docs -d build/site-doctrees . site

# Colab-like: a fresh venv with Colab's classic notebook 6.5.7, ipywidgets 7.7.1 and the pinned torch pair;
# segtutor from its wheel with its declared dependencies; then every notebook, offline. See tools/colab_check.py.
# CI passes COLAB_FLAGS="--nbval-kernel build/colab-kernel": `make test`'s nbval then runs the notebooks in that venv.
colab-check:
	$(PYTHON) tools/colab_check.py --venv $(COLAB_VENV) $(COLAB_FLAGS)

# The nbgrader course (course/, docs/teaching.md): notebooks/ must equal its release, then five fictional students
# are released to, submit, get autograded (the grade from a fresh process), exported to CSV and fed back.
classroom-check: $(INSTRUCTOR_STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python tools/classroom_check.py

clean:
	rm -rf $(VENV) $(COLAB_VENV) site build/site-doctrees build/site-outputs
