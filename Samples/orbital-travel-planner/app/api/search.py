from fastapi import APIRouter

from app.models import Itinerary, Leg, SearchRequest
from app.provider_client import list_routes

router = APIRouter(tags=["search"])


@router.post("/search", response_model=list[Itinerary])
async def search(request: SearchRequest):
    routes = await list_routes(request.origin.value, request.destination.value, request.depart_date.isoformat())
    itineraries = []
    for route in routes:
        if route["seats_available"] < request.passengers:
            continue
        itineraries.append(
            Itinerary(
                id=route["id"],
                legs=[
                    Leg(origin=leg["from"], destination=leg["to"], depart=leg["depart"], arrive=leg["arrive"], vessel=leg["vessel"])
                    for leg in route["legs"]
                ],
                price=round(route["price_per_seat"] * request.passengers, 2),
                seats=route["seats_available"],
            )
        )
    return sorted(itineraries, key=lambda itinerary: itinerary.price)
