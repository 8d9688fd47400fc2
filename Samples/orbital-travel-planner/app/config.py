"""Settings read from the environment, so a deployment or a test can point the
planner at another provider or keep its database elsewhere."""

import os
from pathlib import Path

SAMPLE_ROOT = Path(__file__).resolve().parent.parent


def provider_url() -> str:
    return os.environ.get("PROVIDER_URL", "http://127.0.0.1:8001").rstrip("/")


def database_path() -> Path:
    return Path(os.environ.get("DATABASE_PATH", SAMPLE_ROOT / "data" / "bookings.db"))
