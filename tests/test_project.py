"""The project's files agree with each other, and the README's commands do what it says."""

import importlib
import pkgutil
import re
import sys
import urllib.request
from pathlib import Path


try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
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
    assert set(_requirements(project["optional-dependencies"]["lab"])) == {"jupyterlab", "voila"}
    assert "segtutor[lab]" in project["optional-dependencies"]["test"]  # the browser tests need JupyterLab and Voila


def test_environment_yml_names_the_runtime_and_lab_packages_with_pyproject_ranges():
    project = _pyproject()["project"]
    expected = _requirements(project["dependencies"]) | _requirements(project["optional-dependencies"]["lab"])
    conda = {name: str(Requirement(f"x{spec}").specifier) for name, spec in _conda_requirements().items()}
    assert conda == expected


def test_library_requirements_are_ranges_and_only_the_test_env_pins_torch():
    for requirement in map(Requirement, _pyproject()["project"]["dependencies"]):
        assert not any(s.operator == "==" for s in requirement.specifier), requirement
    pins = [line for line in (ROOT / "constraints" / "test.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins == ["torch==2.14.1", "torchvision==0.29.1"]
    assert _pyproject()["project"]["requires-python"] == ">=3.10"


def test_readme_opens_with_exactly_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]
    assert readme.index("make lab") < 1500
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1].split()[-2:] == ["make", "test"]


SUBMODULES = {"cli", "exercises", "widgets"}  # used as segtutor.<module>.<name>, not re-exported


def _public_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(segtutor.__path__) if not m.name.startswith("_") and m.name not in SUBMODULES]


def test_every_public_name_is_exported():
    assert sorted(segtutor.__all__) == sorted(set(segtutor.__all__))
    for name in segtutor.__all__:
        assert hasattr(segtutor, name), name
    for module in _public_modules():
        for name in importlib.import_module(f"segtutor.{module}").__all__:
            assert name in segtutor.__all__, f"{module}.{name} is not re-exported"


def test_make_lab_serves_the_notebooks_folder(tmp_path):
    flags = f"--no-browser --ip=127.0.0.1 --port={{port}} --IdentityProvider.token={TOKEN}"
    command = ["make", "-s", "lab", f"VENV={sys.prefix}", "STAMP=", f"LAB_FLAGS={flags}"]
    with running(command, tmp_path=tmp_path, ready_path=f"/api/status?token={TOKEN}") as (base, server):
        listing = get_json(f"{base}/api/contents?token={TOKEN}", server)
        lab_page = urllib.request.urlopen(f"{base}/lab?token={TOKEN}", timeout=10).read().decode()
    names = {item["name"] for item in listing["content"]}
    assert "01-seed-pipeline.ipynb" in names and "segtutor" not in names
    assert "JupyterLab" in lab_page
