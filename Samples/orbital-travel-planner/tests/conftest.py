import socket
import sys
import threading
import time
from pathlib import Path

import pytest
import uvicorn

SAMPLE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SAMPLE_ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def provider_url():
    """The real provider app, served by uvicorn on a loopback port in a thread."""
    from provider.main import app as provider_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(provider_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the provider did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def client(provider_url, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from app.main import app

    monkeypatch.setenv("PROVIDER_URL", provider_url)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bookings.db"))
    with TestClient(app) as test_client:
        yield test_client
