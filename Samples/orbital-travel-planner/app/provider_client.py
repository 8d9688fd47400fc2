"""Calls to the Interplanetary Transit Exchange, our route and fare provider."""

import httpx

from app.config import provider_url


async def list_routes(origin: str, destination: str, depart_date: str) -> list[dict]:
    params = {"origin": origin, "destination": destination, "date": depart_date}
    async with httpx.AsyncClient() as client:
        resp = await client.get(f"{provider_url()}/routes", params=params)
    resp.raise_for_status()
    return resp.json()["routes"]


async def get_price(itinerary_id: str, passengers: int) -> dict:
    async with httpx.AsyncClient() as client:
        resp = await client.get(f"{provider_url()}/prices/{itinerary_id}", params={"passengers": passengers})
    resp.raise_for_status()
    return resp.json()


async def hold_seats(itinerary_id: str, passengers: int) -> dict:
    async with httpx.AsyncClient() as client:
        resp = await client.post(
            f"{provider_url()}/holds",
            json={"itinerary_id": itinerary_id, "passengers": passengers},
        )
    resp.raise_for_status()
    return resp.json()


def current_total(itinerary_id: str, passengers: int) -> float:
    """The fare the provider would charge right now, for a last check before payment."""
    resp = httpx.get(f"{provider_url()}/prices/{itinerary_id}", params={"passengers": passengers})
    resp.raise_for_status()
    return resp.json()["total"]
