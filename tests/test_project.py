"""The project's files agree with each other, and the README's commands do what it says."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import yaml
from packaging.requirements import Requirement

import segtutor

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


def test_environment_yml_and_pyproject_name_the_same_packages_and_ranges():
    runtime = {r.name: str(r.specifier) for r in map(Requirement, _pyproject()["project"]["dependencies"])}
    conda = {name: str(Requirement(f"x{spec}").specifier) for name, spec in _conda_requirements().items()}
    assert conda == runtime


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


def test_every_public_name_is_exported():
    assert sorted(segtutor.__all__) == sorted(set(segtutor.__all__))
    for name in segtutor.__all__:
        assert hasattr(segtutor, name), name
    for module in ("images", "inference", "metrics", "models", "palettes", "preprocessing", "scenes", "tiny", "training", "visualize", "voc"):
        for name in getattr(segtutor, module).__all__:
            assert name in segtutor.__all__, f"{module}.{name} is not re-exported"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_lab_serves_the_notebooks_folder(tmp_path):
    port = _free_port()
    flags = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token=t0k --ServerApp.runtime_dir={tmp_path}"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "ws")}
    server = subprocess.Popen(
        ["make", "-s", "lab", f"VENV={sys.prefix}", "STAMP=", f"LAB_FLAGS={flags}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        listing = _poll_json(f"http://127.0.0.1:{port}/api/contents?token=t0k", server, timeout=60)
        lab_page = urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token=t0k", timeout=10).read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    names = {item["name"] for item in listing["content"]}
    assert "01-seed-pipeline.ipynb" in names and "segtutor" not in names
    assert "JupyterLab" in lab_page


def _poll_json(url: str, server: subprocess.Popen, *, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make lab exited early: {server.stderr.read().decode()[-2000:]}")
        try:
            return json.loads(urllib.request.urlopen(url, timeout=5).read())
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer on {url} within {timeout} s")
