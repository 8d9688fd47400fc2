import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

SAMPLE_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SAMPLE_ROOT))


@pytest.fixture(scope="session")
def supplier_url():
    """The real supplier app, served by werkzeug on a loopback port in a thread."""
    from supplier.main import app as supplier_app

    server = make_server("127.0.0.1", 0, supplier_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture()
def client(supplier_url, tmp_path):
    from inventory import create_app

    app = create_app({"DATABASE_PATH": str(tmp_path / "inventory.db"), "SUPPLIER_URL": supplier_url})
    return app.test_client()
