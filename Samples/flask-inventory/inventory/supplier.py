"""The Acme Parts supplier API."""

import requests
from flask import current_app


def available_units(sku: str) -> int:
    resp = requests.get(f"{current_app.config['SUPPLIER_URL']}/stock/{sku}")
    return resp.json()["available"]
