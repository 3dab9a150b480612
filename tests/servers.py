"""Start Jupyter servers (JupyterLab, Voila) on loopback for the tests, and stop them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "segtutor-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll(url: str, server: subprocess.Popen, *, timeout: float) -> bytes:
    """GET `url` until it answers; fail if the server exits or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited early with code {server.returncode}")
        try:
            return urllib.request.urlopen(url, timeout=5).read()
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"no answer from {url} within {timeout} s")


def get_json(url: str, server: subprocess.Popen, *, timeout: float = 60) -> dict:
    return json.loads(poll(url, server, timeout=timeout))


@contextmanager
def running(command: list[str], *, tmp_path: Path, ready_path: str, timeout: float = 90):
    """Run a server command (with ``{port}`` filled in) until the block ends; yield its base URL."""
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - the server writes to it until the block ends
    server = subprocess.Popen([part.format(port=port) for part in command], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        poll(base + ready_path, server, timeout=timeout)
        yield base, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
