import sqlite3

from flask import Blueprint, abort, request

from inventory.db import get_db
from inventory.supplier import available_units

bp = Blueprint("items", __name__)


def _item_or_404(item_id: int) -> dict:
    row = get_db().execute("SELECT * FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        abort(404, description=f"no item {item_id}")
    return dict(row)


@bp.get("")
def list_items():
    warehouse_id = request.args.get("warehouse_id", type=int)
    query, args = "SELECT * FROM items", ()
    if warehouse_id is not None:
        query, args = query + " WHERE warehouse_id = ?", (warehouse_id,)
    return [dict(row) for row in get_db().execute(query + " ORDER BY id", args)]


@bp.post("")
def create_item():
    body = request.get_json(silent=True) or {}
    missing = [field for field in ("sku", "name", "warehouse_id") if field not in body]
    if missing:
        abort(400, description=f"missing fields: {', '.join(missing)}")
    db = get_db()
    if db.execute("SELECT 1 FROM warehouses WHERE id = ?", (body["warehouse_id"],)).fetchone() is None:
        abort(404, description=f"no warehouse {body['warehouse_id']}")
    try:
        with db:
            cursor = db.execute(
                "INSERT INTO items (sku, name, warehouse_id, quantity) VALUES (?, ?, ?, ?)",
                (body["sku"], body["name"], body["warehouse_id"], int(body.get("quantity", 0))),
            )
    except sqlite3.IntegrityError:
        abort(409, description=f"{body['sku']} is already stocked in warehouse {body['warehouse_id']}")
    return _item_or_404(cursor.lastrowid), 201


@bp.get("/<int:item_id>")
def get_item(item_id):
    return _item_or_404(item_id)


@bp.route("/<int:item_id>/restock", methods=["POST"])
def restock(item_id):
    quantity = (request.get_json(silent=True) or {}).get("quantity")
    if not isinstance(quantity, int) or quantity < 1:
        abort(400, description="quantity must be a positive integer")
    item = _item_or_404(item_id)
    if available_units(item["sku"]) < quantity:
        abort(409, description=f"the supplier cannot ship {quantity} units of {item['sku']}")
    db = get_db()
    with db:
        db.execute("UPDATE items SET quantity = ? WHERE id = ?", (item["quantity"] + quantity, item_id))
    return _item_or_404(item_id)


@bp.delete("/<int:item_id>")
def delete_item(item_id):
    _item_or_404(item_id)
    db = get_db()
    with db:
        db.execute("DELETE FROM items WHERE id = ?", (item_id,))
    return "", 204
