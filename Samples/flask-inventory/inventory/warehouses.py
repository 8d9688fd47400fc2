import sqlite3

from flask import Blueprint, abort, request

from inventory.db import get_db

bp = Blueprint("warehouses", __name__, url_prefix="/api/warehouses")


@bp.get("")
def list_warehouses():
    return [dict(row) for row in get_db().execute("SELECT * FROM warehouses ORDER BY id")]


@bp.post("")
def create_warehouse():
    body = request.get_json(silent=True) or {}
    if not body.get("code") or not body.get("name"):
        abort(400, description="code and name are required")
    db = get_db()
    try:
        with db:
            cursor = db.execute("INSERT INTO warehouses (code, name) VALUES (?, ?)", (body["code"], body["name"]))
    except sqlite3.IntegrityError:
        abort(409, description=f"warehouse {body['code']} exists")
    return dict(db.execute("SELECT * FROM warehouses WHERE id = ?", (cursor.lastrowid,)).fetchone()), 201


def warehouse_summary(warehouse_id):
    db = get_db()
    warehouse = db.execute("SELECT * FROM warehouses WHERE id = ?", (warehouse_id,)).fetchone()
    if warehouse is None:
        abort(404, description=f"no warehouse {warehouse_id}")
    totals = db.execute(
        "SELECT COUNT(*) AS items, COALESCE(SUM(quantity), 0) AS units FROM items WHERE warehouse_id = ?",
        (warehouse_id,),
    ).fetchone()
    return {**dict(warehouse), "items": totals["items"], "units": totals["units"]}


bp.add_url_rule("/<int:warehouse_id>", view_func=warehouse_summary, methods=["GET"])
