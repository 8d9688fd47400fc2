import uuid

from fastapi import APIRouter, HTTPException

from app import db
from app.models import Booking, BookingRequest
from app.provider_client import current_total, get_price, hold_seats

router = APIRouter(prefix="/bookings", tags=["bookings"])

# A confirmed fare may drift this much from the held one before we ask the
# traveller to book again.
PRICE_TOLERANCE = 0.02


def _load(booking_id: str) -> dict:
    booking = db.get_booking(booking_id)
    if booking is None:
        raise HTTPException(status_code=404, detail="booking not found")
    return booking


@router.post("", status_code=201, response_model=Booking)
async def create_booking(request: BookingRequest):
    seats = len(request.passengers)
    quote = await get_price(request.itinerary_id, seats)
    hold = await hold_seats(request.itinerary_id, seats)
    return db.insert_booking(
        booking_id=str(uuid.uuid4()),
        itinerary_id=request.itinerary_id,
        passengers=[passenger.model_dump() for passenger in request.passengers],
        total_price=quote["total"],
        hold_id=hold["hold_id"],
    )


@router.get("/{booking_id}", response_model=Booking)
def get_booking(booking_id: str):
    return _load(booking_id)


@router.post("/{booking_id}/confirm", response_model=Booking)
async def confirm_booking(booking_id: str):
    booking = _load(booking_id)
    if booking["status"] != "held":
        raise HTTPException(status_code=409, detail=f"booking is {booking['status']}")
    total = current_total(booking["itinerary_id"], len(booking["passengers"]))
    if abs(total - booking["total_price"]) > PRICE_TOLERANCE * booking["total_price"]:
        raise HTTPException(status_code=409, detail="the fare has changed, please search again")
    return db.update_booking(booking_id, status="confirmed")


@router.delete("/{booking_id}", response_model=Booking)
def cancel_booking(booking_id: str):
    booking = _load(booking_id)
    if booking["status"] == "cancelled":
        return booking
    return db.update_booking(booking_id, status="cancelled")
