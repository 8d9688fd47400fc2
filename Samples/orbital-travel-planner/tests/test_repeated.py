"""The same calls, repeated: a traveller who searches or looks up a booking again expects the
same answer every time. Each attempt is its own test, so a failure names the attempt."""

import pytest

TRIPS = [
    ("KSC", "JEZ", "2027-01-10"),
    ("BCA", "ELY", "2027-02-14"),
    ("KSC", "ELY", "2027-03-21"),
    ("BCA", "JEZ", "2027-01-10"),
]


@pytest.mark.parametrize("attempt", range(8))
def test_search_answers_every_time(client, attempt):
    origin, destination, depart_date = TRIPS[attempt % len(TRIPS)]
    resp = client.post(
        "/api/search",
        json={"origin": origin, "destination": destination, "depart_date": depart_date, "passengers": 1},
    )
    assert resp.status_code == 200
    assert all(itinerary["seats"] >= 1 for itinerary in resp.json())


@pytest.mark.parametrize("attempt", range(4))
def test_a_booking_reads_back_every_time(client, attempt):
    search = {"origin": "KSC", "destination": "JEZ", "depart_date": "2027-01-10", "passengers": 1}
    itinerary = client.post("/api/search", json=search).json()[0]
    booking = client.post(
        "/api/bookings", json={"itinerary_id": itinerary["id"], "passengers": [{"name": "Valentina Tereshkova"}]}
    ).json()
    for _ in range(3):
        assert client.get(f"/api/bookings/{booking['id']}").json() == booking
