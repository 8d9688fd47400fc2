def _warehouse(client, code="RTM"):
    resp = client.post("/api/warehouses", json={"code": code, "name": "Rotterdam Port"})
    assert resp.status_code == 201
    return resp.get_json()


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_items_are_created_listed_and_deleted(client):
    warehouse = _warehouse(client)
    resp = client.post("/api/items", json={"sku": "BRG-0042", "name": "Ball bearing", "warehouse_id": warehouse["id"], "quantity": 5})
    assert resp.status_code == 201
    item = resp.get_json()
    assert item["quantity"] == 5

    assert client.get("/api/items").get_json() == [item]
    assert client.get(f"/api/items/{item['id']}").get_json() == item
    summary = client.get(f"/api/warehouses/{warehouse['id']}").get_json()
    assert (summary["items"], summary["units"]) == (1, 5)

    assert client.delete(f"/api/items/{item['id']}").status_code == 204
    assert client.get(f"/api/items/{item['id']}").status_code == 404


def test_duplicate_and_invalid_input_are_client_errors(client):
    warehouse = _warehouse(client)
    body = {"sku": "BRG-0042", "name": "Ball bearing", "warehouse_id": warehouse["id"]}
    assert client.post("/api/items", json=body).status_code == 201
    assert client.post("/api/items", json=body).status_code == 409
    assert client.post("/api/items", json={"sku": "BRG-0042"}).status_code == 400
    assert client.post("/api/items", json={**body, "warehouse_id": 999}).status_code == 404
    assert client.post("/api/warehouses", json={"code": "RTM", "name": "again"}).status_code == 409


def test_restock_checks_the_supplier(client):
    warehouse = _warehouse(client)
    item = client.post("/api/items", json={"sku": "BRG-0042", "name": "Ball bearing", "warehouse_id": warehouse["id"]}).get_json()

    resp = client.post(f"/api/items/{item['id']}/restock", json={"quantity": 10})
    assert resp.status_code == 200
    assert resp.get_json()["quantity"] == 10

    assert client.post(f"/api/items/{item['id']}/restock", json={"quantity": 100000}).status_code == 409
    assert client.post(f"/api/items/{item['id']}/restock", json={"quantity": 0}).status_code == 400
