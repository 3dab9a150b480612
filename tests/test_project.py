"""The project's files agree with each other, and the README's commands do what it says."""

import ast
import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import SimpleNamespace

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import pytest
import yaml
from packaging.requirements import Requirement

import segtutor

from .servers import TOKEN, get_json, running

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _conda_requirements() -> dict[str, str]:
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    requirements = {}
    for dep in deps:
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", dep).groups()
        if name not in ("python", "pip"):
            requirements[CONDA_NAMES.get(name, name)] = spec
    return requirements


def _requirements(lines) -> dict[str, str]:
    return {r.name: str(r.specifier) for r in map(Requirement, lines)}


RUNTIME = {"torch", "torchvision", "numpy", "pillow", "matplotlib", "ipywidgets", "scikit-image", "tqdm"}


def test_runtime_requirements_are_what_a_notebook_needs_and_lab_tools_are_an_extra():
    project = _pyproject()["project"]
    assert set(_requirements(project["dependencies"])) == RUNTIME
    # ipyevents: the click on an explorer's picture works after `make lab`, not only in the test environment
    assert set(_requirements(project["optional-dependencies"]["lab"])) == {"jupyterlab", "voila", "ipyevents"}
    assert "segtutor[lab]" in project["optional-dependencies"]["test"]  # the browser tests need JupyterLab and Voila
    assert "segtutor[site]" in project["optional-dependencies"]["test"]  # CI builds the website and tests it
    assert set(_requirements(project["optional-dependencies"]["site"])) == {"sphinx", "myst-nb", "sphinx-book-theme"}
    # nbgrader is the instructor's alone: never a runtime, lab or test requirement (Colab and learners do without it)
    assert _requirements(project["optional-dependencies"]["instructor"]) == {"nbgrader": "<0.10,>=0.9"}
    assert not any("instructor" in r or "nbgrader" in r for extra in ("lab", "test", "site")
                   for r in project["optional-dependencies"][extra])


def test_environment_yml_names_the_runtime_and_lab_packages_with_pyproject_ranges():
    project = _pyproject()["project"]
    expected = _requirements(project["dependencies"]) | _requirements(project["optional-dependencies"]["lab"])
    conda = {name: str(Requirement(f"x{spec}").specifier) for name, spec in _conda_requirements().items()}
    assert conda == expected


def test_library_requirements_are_ranges_and_only_the_test_env_pins_torch_and_the_lint_tools():
    for requirement in map(Requirement, _pyproject()["project"]["dependencies"]):
        assert not any(s.operator == "==" for s in requirement.specifier), requirement
    pins = [line for line in (ROOT / "constraints" / "test.txt").read_text().splitlines() if line and not line.startswith("#")]
    site = ['sphinx==9.0.4; python_version >= "3.11"', 'myst-nb==1.4.0; python_version >= "3.11"',
            'sphinx-book-theme==1.4.0; python_version >= "3.11"']
    instructor = ["nbgrader==0.9.6", "notebook==7.6.5", "alembic==1.20.1", "sqlalchemy==2.1.9", "rapidfuzz==3.14.6"]
    assert pins == ["torch==2.14.1", "torchvision==0.29.1", "ruff==0.17.6", "mypy==2.4.1", *site, *instructor]
    test_extra = _requirements(_pyproject()["project"]["optional-dependencies"]["test"][2:])
    assert test_extra["ruff"] == ">=0.17" and test_extra["mypy"] == ">=2.4"
    assert _pyproject()["project"]["requires-python"] == ">=3.10"


def test_readme_opens_with_exactly_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]
    assert readme.index("make lab") < 1500
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-2].startswith("time ") and ci[-2].endswith(" make test")  # with the Colab-like kernel for nbval
    assert ci[-1] == "time make classroom-check"  # nbgrader joins .venv only after the tests


PACKAGES = ("data", "models", "metrics", "display", "training", "widgets")
"""The packages by job, bottom to top: a module imports only from its own package and the ones before it."""
LAYERS = {"_checks": 0, "_table": 0, **{name: i + 1 for i, name in enumerate(PACKAGES)},
          "exercises": len(PACKAGES), "cli": len(PACKAGES) + 1, "__main__": len(PACKAGES) + 2}


def test_the_top_level_is_small_and_every_name_is_reachable():
    """At most 60 names, each reachable, each a package or re-exported from one (tested by reachability and size)."""
    assert len(segtutor.__all__) == len(set(segtutor.__all__)) <= 60
    assert [name for name in segtutor.__all__ if not hasattr(segtutor, name)] == []
    exported = {name for package in PACKAGES for name in getattr(segtutor, package).__all__}
    assert [name for name in segtutor.__all__ if name not in exported and name not in (*PACKAGES, "exercises")] == []
    for package in PACKAGES:
        names = getattr(segtutor, package).__all__
        assert len(names) == len(set(names)) and [n for n in names if not hasattr(getattr(segtutor, package), n)] == []


def test_every_package_reexports_each_name_once_from_a_private_module():
    home = {}
    for package in PACKAGES:
        module = getattr(segtutor, package)
        for name in module.__all__:
            owner = getattr(getattr(module, name), "__module__", None) or ""
            assert home.setdefault(name, package) == package, f"{name} is exported by {home[name]} and {package}"
            if owner.startswith("segtutor."):
                assert owner.split(".")[-1].startswith("_"), f"segtutor.{package}.{name} comes from public {owner}"


PUBLIC_MODULES = (*PACKAGES, "exercises", "cli")
"""Where the public functions and classes are: each of these modules' ``__all__`` (the top level re-exports them)."""

# Public functions that may still lack annotations: none. The test below fails on a name listed here that no longer needs to be.
NOT_YET_ANNOTATED: set[str] = set()


def _public_callables() -> dict[str, object]:
    """Every public function, and every public class's ``__init__`` and public methods and properties defined in segtutor."""
    import segtutor.cli

    found = {}
    for module in (getattr(segtutor, name) for name in PUBLIC_MODULES):
        for name in module.__all__:
            value, qualified = getattr(module, name), f"{module.__name__}.{name}"
            if inspect.isclass(value) and value.__module__.startswith("segtutor."):
                for attribute, member in vars(value).items():
                    member = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
                    member = member.fget if isinstance(member, property) else member
                    if inspect.isfunction(member) and member.__module__.startswith("segtutor.") and (
                            attribute == "__init__" or not attribute.startswith("_")):  # not typing.Protocol's own __init__
                        found[f"{qualified}.{attribute}"] = member
            elif inspect.isfunction(inspect.unwrap(value)) and inspect.unwrap(value).__module__.startswith("segtutor."):
                found[qualified] = inspect.unwrap(value)
    return found


def _missing_annotations(function) -> list[str]:
    """The parameters (``self`` and ``cls`` aside) and the return that have no annotation."""
    signature = inspect.signature(function)
    missing = [p.name for i, p in enumerate(signature.parameters.values())
               if p.annotation is inspect.Parameter.empty and not (i == 0 and p.name in ("self", "cls"))]
    return missing + ["return"] * (signature.return_annotation is inspect.Signature.empty)


def test_every_public_function_and_method_is_fully_annotated():
    """Type hints on every parameter and every return of the public API (mypy checks that they are right)."""
    callables = _public_callables()
    assert {"segtutor.models.predict", "segtutor.metrics.ConfusionMatrix.update", "segtutor.metrics.Scores.mean_iou",
            "segtutor.data.SceneDataset.__init__", "segtutor.exercises.check_capstone", "segtutor.cli.main"} <= set(callables)
    missing = {name: gaps for name, function in callables.items() if (gaps := _missing_annotations(function))}
    assert {name: gaps for name, gaps in missing.items() if name not in NOT_YET_ANNOTATED} == {}
    assert sorted(NOT_YET_ANNOTATED - set(missing)) == []  # annotated now: take it off the allowlist


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is new in Python 3.11")
def test_predict_declares_its_return_type_by_return_dict():
    """``predict(..., return_dict=True)`` is an OrderedDict to a type checker, otherwise a tensor."""
    import typing

    overloads = typing.get_overloads(segtutor.models.predict)
    signatures = {str(inspect.signature(f).parameters["return_dict"]): inspect.signature(f).return_annotation for f in overloads}
    assert signatures == {"return_dict: 'Literal[False]' = False": "torch.Tensor",
                          "return_dict: 'Literal[True]'": "OrderedDict[str, torch.Tensor]",
                          "return_dict: 'bool' = False": "torch.Tensor | OrderedDict[str, torch.Tensor]"}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="typing.get_overloads is new in Python 3.11")
def test_segment_declares_its_return_type_by_return_probs():
    """``segment(..., return_probs=True)`` is a (labels, probs) pair to a type checker, otherwise one array."""
    import typing

    overloads = typing.get_overloads(segtutor.models.segment)
    signatures = {str(inspect.signature(f).parameters["return_probs"]): inspect.signature(f).return_annotation for f in overloads}
    assert signatures == {"return_probs: 'Literal[False]' = False": "np.ndarray",
                          "return_probs: 'Literal[True]'": "tuple[np.ndarray, np.ndarray]",
                          "return_probs: 'bool' = False": "np.ndarray | tuple[np.ndarray, np.ndarray]"}


NOTEBOOKS = ROOT / "notebooks"


def _notebook_text() -> str:
    cells = (cell for path in sorted(NOTEBOOKS.glob("*.ipynb")) for cell in json.loads(path.read_text())["cells"])
    return "\n".join("".join(cell["source"]) for cell in cells)


def test_every_name_the_notebooks_use_is_reachable():
    """``segtutor.<name>``, ``segtutor.<module>.<name>`` and ``from segtutor import <name>``, in code and prose."""
    import segtutor.widgets

    text = _notebook_text()
    used = set(re.findall(r"\bsegtutor((?:\.[A-Za-z_]\w*)+)", text))
    used |= {f".{name.strip()}" for names in re.findall(r"from segtutor import ([\w, ]+)", text) for name in names.split(",")}
    assert {"widgets", "exercises", "describe", "models"} <= {path.split(".")[1] for path in used}  # the scan finds them
    missing = []
    for path in sorted(used):
        target = segtutor
        for part in path.split(".")[1:]:
            if not hasattr(target, part):
                missing.append(path)
                break
            target = getattr(target, part)
    assert missing == []


def test_widget_plumbing_is_not_at_the_top_level():
    plumbing = {"to_jpeg", "to_png", "segment_cached", "register_image", "step_view", "MAX_UPLOAD_BYTES",
                "MAX_UPLOAD_PIXELS", "explorer_image", "explorer_images", "explorer_model", "EXPLORER_MODELS",
                "legend_html", "read_upload", "playground_target", "model_label", "model_palette", "scene_labels",
                "untrained_fallback"}
    assert plumbing & set(segtutor.__all__) == set()
    assert [name for name in plumbing if hasattr(segtutor, name)] == []



def test_the_integer_check_lives_only_in_checks():
    """One integer check (`_checks.is_int` / `check_int`): no module writes its own "integral but not bool" test."""
    pattern = re.compile(r"isinstance\([^()]*(?:\bint\b|Integral|np\.integer)[^()]*\)[^\n]*isinstance\([^()]*\bbool\)"
                         r"|isinstance\([^()]*\bbool\)[^\n]*isinstance\([^()]*(?:\bint\b|Integral|np\.integer)")
    offenders = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "segtutor").rglob("*.py"))
                 if path.name != "_checks.py" and pattern.search(path.read_text())]
    assert offenders == []

def _modules() -> list[Path]:
    return sorted(p for p in (ROOT / "segtutor").rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def test_the_architecture_page_names_every_module_and_the_readme_links_it():
    page = (ROOT / "docs" / "architecture.md").read_text()
    named = [str(p.relative_to(ROOT / "segtutor")) for p in _modules() if p.parent.name != "exercises"]
    assert [m for m in named if f"`{m}`" not in page] == []
    assert "`exercises/`" in page and "](docs/architecture.md)" in (ROOT / "README.md").read_text()


def test_every_module_has_a_test_file_of_its_name_and_no_test_helper_shadows_one():
    """`segtutor/models/_loading.py` -> `tests/test_loading.py`; exercise checkers are tested together."""
    missing = [str(p.relative_to(ROOT)) for p in _modules() if p.parent.name != "exercises"
               and not (ROOT / "tests" / f"test_{p.stem.lstrip('_')}.py").exists()]
    assert missing == []
    stems = {p.stem.lstrip("_") for p in _modules()}
    assert [p.name for p in (ROOT / "tests").glob("*.py") if p.stem.lstrip("_") in stems] == []


def _imports(path: Path) -> set[str]:
    """The segtutor modules a module imports, anywhere in it (a deferred import inside a function counts too)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(package[: len(package) - node.level + 1] + tuple(filter(None, [node.module])))
            modules = {f"{base}.{a.name}" for a in node.names if (ROOT / f"{base}.{a.name}".replace(".", "/")).with_suffix(".py").exists()}
            found |= modules
            if len(modules) < len(node.names):  # names from the module or package itself, not only its submodules
                found.add(base)
    return {name.removesuffix(".__init__") for name in found} - {"segtutor"}


def test_the_package_has_no_import_cycle():
    graph = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): _imports(p)
             for p in (ROOT / "segtutor").rglob("*.py") if p.name != "__init__.py" or p.parent.name != "segtutor"}
    done, path = set(), []

    def visit(module):
        assert module not in path, "import cycle: " + " -> ".join([*path[path.index(module):], module])
        if module in done:
            return
        path.append(module)
        for other in sorted(graph.get(module, ())):
            visit(other)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def _layer(module: str) -> int:
    return LAYERS[module.split(".")[1]]


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [(str(p.relative_to(ROOT)), other) for p in _modules() for other in _imports(p)
              if _layer(other) > _layer(".".join(p.relative_to(ROOT).with_suffix("").parts))]
    assert upward == []


def _run_console_script(command: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEGTUTOR_OFFLINE": "1"}
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120, env=env)


def _script_as_pip_writes_it() -> list[str]:
    """``python -c`` running what pip's console script runs for pyproject's ``segtutor`` entry point."""
    module, function = _pyproject()["project"]["scripts"]["segtutor"].split(":")
    return [sys.executable, "-c", f"import sys; from {module} import {function}; sys.exit({function}())"]


def test_the_segtutor_script_is_the_command_line_and_exits_with_its_status(tmp_path):
    """``[project.scripts] segtutor`` calls ``segtutor.cli:main``, whose return value is the exit status."""
    assert _pyproject()["project"]["scripts"] == {"segtutor": "segtutor.cli:main"}
    shown = _run_console_script(_script_as_pip_writes_it(), "--help")
    assert shown.returncode == 0 and "usage:" in shown.stdout and "{weights,segment,evaluate}" in shown.stdout
    failed = _run_console_script(_script_as_pip_writes_it(), "segment", str(tmp_path / "missing.png"), "--model", "tiny",
                                 "--out", str(tmp_path / "out.png"))
    assert failed.returncode == 2 and failed.stderr.startswith("segtutor: error:") and "missing.png" in failed.stderr
    assert not (tmp_path / "out.png").exists()


def test_the_installed_segtutor_script_runs():
    """The script pip installed beside this Python (refreshed by ``pip install -e .`` after pyproject changes)."""
    script = Path(sys.executable).parent / ("segtutor.exe" if os.name == "nt" else "segtutor")
    if not script.exists():
        pytest.skip(f"no segtutor script beside {sys.executable}: run `pip install -e .` to install it")
    shown = _run_console_script([str(script)], "--help")
    assert shown.returncode == 0 and "{weights,segment,evaluate}" in shown.stdout


def test_make_lab_serves_the_notebooks_folder(tmp_path):
    flags = f"--no-browser --ip=127.0.0.1 --port={{port}} --IdentityProvider.token={TOKEN}"
    command = ["make", "-s", "lab", f"VENV={sys.prefix}", "LAB_STAMP=", f"LAB_FLAGS={flags}"]
    with running(command, tmp_path=tmp_path, ready_path=f"/api/status?token={TOKEN}") as (base, server):
        listing = get_json(f"{base}/api/contents?token={TOKEN}", server)
        lab_page = urllib.request.urlopen(f"{base}/lab?token={TOKEN}", timeout=10).read().decode()
    names = {item["name"] for item in listing["content"]}
    assert "01-seed-pipeline.ipynb" in names and "segtutor" not in names
    assert "JupyterLab" in lab_page


def _make_dry_run(target: str, tmp_path) -> str:
    result = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


def test_make_lab_installs_the_lab_extra_and_make_test_the_test_extra(tmp_path):
    lab = _make_dry_run("lab", tmp_path)
    assert '-e ".[lab]"' in lab and "jupyter lab --notebook-dir=notebooks" in lab and ".[test]" not in lab
    test = _make_dry_run("test", tmp_path)
    assert '-e ".[test]"' in test and "pytest -n 2 --dist loadfile" in test
    assert "tools/colab_check.py" in _make_dry_run("colab-check", tmp_path)
    classroom = _make_dry_run("classroom-check", tmp_path)
    assert '-e ".[instructor]"' in classroom and "tools/classroom_check.py" in classroom and ".[test]" not in classroom


def _root_conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Item:
    """What conftest's marking hook reads of a pytest item, and the markers it adds."""

    def __init__(self, nodeid: str):
        self.nodeid, self.path, self.markers = nodeid, ROOT / nodeid.split("::")[0], []

    def add_marker(self, marker) -> None:
        self.markers.append(marker.name)


def test_markers_are_registered_strictly_and_conftest_sets_them():
    options = _pyproject()["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in options["addopts"]
    assert sorted(marker.split(":")[0] for marker in options["markers"]) == ["browser", "notebook", "site", "slow"]
    items = [_Item("notebooks/01-seed-pipeline.ipynb::Cell 3"), _Item("tests/test_browser.py::test_voila_serves_the_explorer"),
             _Item("tests/test_cli.py::test_module_entry_point"), _Item("tests/test_cli.py::test_segment_writes_a_palette_png"),
             _Item("tests/test_lessons.py::test_superpixel_explorer_follows_the_sliders[7.7.1]"),
             _Item("tests/test_site.py::test_internal_links_and_images_resolve")]
    _root_conftest().pytest_collection_modifyitems(None, items)
    # the long files first, in LONGEST_FIRST's order (test_browser, test_cli, test_site), each keeping its own order
    assert [(item.nodeid.split("::")[0].split("/")[1], item.markers) for item in items] == [
        ("test_browser.py", ["browser"]), ("test_cli.py", ["slow"]), ("test_cli.py", []), ("test_site.py", ["site", "slow"]),
        ("01-seed-pipeline.ipynb", ["notebook"]), ("test_lessons.py", ["slow"])]
    assert [item.nodeid for item in items][1:3] == ["tests/test_cli.py::test_module_entry_point",
                                                    "tests/test_cli.py::test_segment_writes_a_palette_png"]


def test_the_longest_files_listed_first_exist():
    missing = [path for path in _root_conftest().LONGEST_FIRST if not (ROOT / path).is_file()]
    assert missing == []


def test_every_test_marked_slow_exists():
    """conftest.py's SLOW names test functions by file; a renamed or deleted test must leave the list."""
    missing = []
    for entry in sorted(_root_conftest().SLOW):
        path, name = entry.split("::")
        tests = {node.name for node in ast.walk(ast.parse((ROOT / path).read_text())) if isinstance(node, ast.FunctionDef)}
        missing += [] if name in tests else [entry]
    assert missing == []


def test_make_unit_runs_the_fast_selection_and_ci_lints_and_builds_the_site_before_testing(tmp_path):
    selection = '-m "not slow and not browser and not notebook"'
    assert selection in _make_dry_run("unit", tmp_path) and selection in (ROOT / "README.md").read_text()
    lint = _make_dry_run("lint", tmp_path)
    assert "ruff check ." in lint and "mypy segtutor" in lint
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    order = [ci.index(step) for step in (
        '( time make colab-check COLAB_FLAGS="--nbval-kernel build/colab-kernel" ) > build/colab-check.log 2>&1 &',
        "time make install", "time make lint", "time make site", 'wait "$colab" || colab_status=$?',
        'time env JUPYTER_PATH="$PWD/build/colab-kernel" SEGTUTOR_NBVAL_KERNEL=segtutor-colab make test',
        "time make classroom-check")]
    assert order == sorted(order) and ci[-1] == "time make classroom-check"
    site = _make_dry_run("site", tmp_path)
    assert "-m sphinx -W --keep-going -b html -c docs -d build/site-doctrees . site" in site


def _colab_check():
    spec = importlib.util.spec_from_file_location("colab_check", ROOT / "tools" / "colab_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_colab_check_refuses_an_install_that_changes_colab_or_adds_jupyterlab():
    tool = _colab_check()
    colab = {"notebook": "6.5.7", "ipywidgets": "7.7.1", "torch": "2.14.1", "torchvision": "0.29.1"}
    assert tool.colab_pins() == {"torch": "2.14.1", "torchvision": "0.29.1"}  # not the lint tools
    assert tool.install_problems(colab, {**colab, "matplotlib": "3.11.2", "segtutor": "0.1.0"}, kept=colab) == []
    assert tool.install_problems(colab, {**colab, "notebook": "7.2.0"}, kept=colab) == ["notebook changed from 6.5.7 to 7.2.0"]
    assert tool.install_problems(colab, {**colab, "ipywidgets": "8.1.9", "jupyterlab": "4.5.0", "voila": "0.5.8"}, kept=colab) == [
        "ipywidgets changed from 7.7.1 to 8.1.9", "jupyterlab 4.5.0 was added", "voila 0.5.8 was added"]
    assert tool.parse_freeze("Jupyter_Client==8.6.0\nnotebook==6.5.7\n-e git+x#egg=y\n") == {"jupyter-client": "8.6.0", "notebook": "6.5.7"}


def test_colab_check_writes_a_kernel_spec_for_nbval_on_the_venvs_python(tmp_path):
    spec = _colab_check().write_kernel_spec(tmp_path / "kernels-home", Path("/venv/bin/python"))
    assert spec == tmp_path / "kernels-home" / "kernels" / "segtutor-colab" / "kernel.json"
    assert json.loads(spec.read_text()) == {
        "argv": ["/venv/bin/python", "-E", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (Colab-like venv)", "language": "python"}


def test_conftest_hands_nbval_the_kernel_named_by_segtutor_nbval_kernel(monkeypatch):
    conftest = _root_conftest()
    config = SimpleNamespace(option=SimpleNamespace(nbval_current_env=True, nbval_kernel_name=None))
    monkeypatch.setattr(conftest, "NBVAL_KERNEL", None)
    conftest.pytest_configure(config)
    assert (config.option.nbval_current_env, config.option.nbval_kernel_name) == (True, None)
    monkeypatch.setattr(conftest, "NBVAL_KERNEL", "segtutor-colab")
    conftest.pytest_configure(config)
    assert (config.option.nbval_current_env, config.option.nbval_kernel_name) == (False, "segtutor-colab")
    assert conftest.pytest_report_header(config) == "notebooks run in kernel segtutor-colab (SEGTUTOR_NBVAL_KERNEL)"
