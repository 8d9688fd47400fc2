"""Booking storage in SQLite.

Each call opens its own connection: sqlite3 connections must not be shared
between threads, and FastAPI runs plain `def` handlers in a thread pool.
"""

import json
import sqlite3
import threading
from contextlib import closing
from datetime import datetime, timezone

from app.config import database_path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bookings (
    id TEXT PRIMARY KEY,
    itinerary_id TEXT NOT NULL,
    passengers TEXT NOT NULL,
    status TEXT NOT NULL,
    total_price REAL NOT NULL,
    hold_id TEXT NOT NULL,
    created_at TEXT NOT NULL
)
"""

_init_lock = threading.Lock()
_initialized: set[str] = set()


def _connect() -> sqlite3.Connection:
    path = database_path()
    with _init_lock:
        if str(path) not in _initialized:
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(path)) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                conn.commit()
            _initialized.add(str(path))
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def init_db() -> None:
    _connect().close()


def _to_dict(row: sqlite3.Row) -> dict:
    booking = dict(row)
    booking["passengers"] = json.loads(booking["passengers"])
    return booking


def insert_booking(booking_id: str, itinerary_id: str, passengers: list[dict], total_price: float, hold_id: str) -> dict:
    created_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with closing(_connect()) as conn, conn:
        conn.execute(
            "INSERT INTO bookings (id, itinerary_id, passengers, status, total_price, hold_id, created_at) "
            "VALUES (?, ?, ?, 'held', ?, ?, ?)",
            (booking_id, itinerary_id, json.dumps(passengers), total_price, hold_id, created_at),
        )
    return get_booking(booking_id)


def get_booking(booking_id: str) -> dict | None:
    with closing(_connect()) as conn:
        row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
    return _to_dict(row) if row else None


def update_booking(booking_id: str, **fields) -> dict | None:
    assignments = ", ".join(f"{name} = ?" for name in fields)
    with closing(_connect()) as conn, conn:
        conn.execute(f"UPDATE bookings SET {assignments} WHERE id = ?", (*fields.values(), booking_id))
    return get_booking(booking_id)
