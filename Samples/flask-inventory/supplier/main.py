"""Acme Parts supplier API: how many units of a part the supplier can ship.

A stand-in for the external supplier. Run it on its own port:

    flask --app supplier.main run --port 8002
"""

import hashlib
import re

from flask import Flask

app = Flask(__name__)

SKU = re.compile(r"^[A-Z]{3}-\d{4}$")


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/stock/<sku>")
def stock(sku):
    if not SKU.match(sku):
        return {"error": "unknown sku", "sku": sku}, 404
    # Stable per part, so a restock can be reasoned about in tests.
    available = hashlib.sha256(sku.encode()).digest()[0] % 200 + 50
    return {"sku": sku, "available": available, "lead_time_days": 3}
