"""Warehouse inventory service: items, warehouses and restocking from the supplier."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from inventory import db
from inventory.items import bp as items_bp
from inventory.warehouses import bp as warehouses_bp

SAMPLE_ROOT = Path(__file__).resolve().parent.parent


def healthz():
    return {"status": "ok"}


def json_error(exc: HTTPException):
    return {"error": exc.description}, exc.code


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(
        DATABASE_PATH=os.environ.get("DATABASE_PATH", str(SAMPLE_ROOT / "data" / "inventory.db")),
        SUPPLIER_URL=os.environ.get("SUPPLIER_URL", "http://127.0.0.1:8002").rstrip("/"),
    )
    if test_config:
        app.config.update(test_config)

    db.init_app(app)
    app.register_blueprint(items_bp, url_prefix="/api/items")
    app.register_blueprint(warehouses_bp)
    app.add_url_rule("/healthz", view_func=healthz)
    app.register_error_handler(HTTPException, json_error)
    return app
