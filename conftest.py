"""Test-wide setup: the suite never touches the network.

* Python code under test may open sockets only to loopback addresses.
* Notebook kernels (started by nbval) inherit ``SEGTUTOR_OFFLINE=1``, so
  ``segtutor.load_model`` never tries a download from inside a notebook.
"""

import os
import socket

import pytest

os.environ["SEGTUTOR_OFFLINE"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse every non-loopback connection made by the code under test."""
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family == socket.AF_UNIX or str(host).startswith(_LOOPBACK):
            return real_connect(sock, address)
        raise OSError(f"test tried to reach the network: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
