SEARCH = {"origin": "KSC", "destination": "JEZ", "depart_date": "2027-01-10", "passengers": 2}


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_search_returns_itineraries_cheapest_first(client):
    resp = client.post("/api/search", json=SEARCH)
    assert resp.status_code == 200
    itineraries = resp.json()
    assert [i["id"] for i in itineraries] == ["KSC-JEZ-20270110-G", "KSC-JEZ-20270110-D"]
    assert itineraries[0]["price"] <= itineraries[1]["price"]
    gateway = itineraries[0]["legs"]
    assert [(leg["origin"], leg["destination"]) for leg in gateway] == [("KSC", "LGW"), ("LGW", "JEZ")]
    assert all(i["seats"] >= 2 for i in itineraries)


def test_search_rejects_a_trip_that_goes_nowhere(client):
    resp = client.post("/api/search", json={**SEARCH, "destination": "KSC"})
    assert resp.status_code == 422


def test_booking_lifecycle(client):
    itinerary = client.post("/api/search", json=SEARCH).json()[0]
    resp = client.post(
        "/api/bookings",
        json={"itinerary_id": itinerary["id"], "passengers": [{"name": "Ada Lovelace"}, {"name": "Yuri Gagarin"}]},
    )
    assert resp.status_code == 201
    booking = resp.json()
    assert booking["status"] == "held"
    assert booking["total_price"] == itinerary["price"]

    assert client.get(f"/api/bookings/{booking['id']}").json() == booking

    confirmed = client.post(f"/api/bookings/{booking['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"

    cancelled = client.delete(f"/api/bookings/{booking['id']}")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"/api/bookings/{booking['id']}/confirm").status_code == 409


def test_unknown_booking_is_404(client):
    assert client.get("/api/bookings/no-such-booking").status_code == 404
    assert client.delete("/api/bookings/no-such-booking").status_code == 404
