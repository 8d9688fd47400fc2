"""Interplanetary Transit Exchange: the carrier inventory the planner buys from.

A stand-in for the external provider: it quotes routes and fares between the
Earth and Mars spaceports and places seat holds. Run it on its own port:

    cd provider && python -m uvicorn main:app --port 8001
"""

import hashlib
import threading
import time
import uuid
from datetime import date, timedelta

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

app = FastAPI(title="Interplanetary Transit Exchange", version="1.4.0")

SPACEPORTS = {
    "KSC": ("EARTH", "Kennedy Space Center"),
    "BCA": ("EARTH", "Starbase Boca Chica"),
    "JEZ": ("MARS", "Jezero Crater Landing Zone"),
    "ELY": ("MARS", "Elysium Planitia Base"),
}
GATEWAY = "LGW"  # Lunar Gateway, the refuelling stop on the cheaper itineraries

# Days in transit for each kind of itinerary, roughly a Hohmann transfer.
DIRECT_TRANSIT_DAYS = 207
GATEWAY_HOP_DAYS = 3
GATEWAY_LAYOVER_DAYS = 2
GATEWAY_TRANSIT_DAYS = 214

HOLD_SECONDS = 15 * 60

_holds: dict[str, dict] = {}
_holds_lock = threading.Lock()


class HoldRequest(BaseModel):
    itinerary_id: str = Field(examples=["KSC-JEZ-20270110-D"])
    passengers: int = Field(ge=1, le=9, examples=[2])


class Hold(BaseModel):
    hold_id: str
    itinerary_id: str
    passengers: int
    price_per_seat: float
    expires_at: float


def _parse_itinerary(itinerary_id: str) -> tuple[str, str, date, str]:
    try:
        origin, destination, day, kind = itinerary_id.split("-")
        depart = date(int(day[:4]), int(day[4:6]), int(day[6:8]))
    except ValueError:
        raise HTTPException(status_code=404, detail=f"unknown itinerary {itinerary_id}")
    if origin not in SPACEPORTS or destination not in SPACEPORTS or kind not in ("D", "G"):
        raise HTTPException(status_code=404, detail=f"unknown itinerary {itinerary_id}")
    return origin, destination, depart, kind


def _fare(origin: str, destination: str, depart: date, kind: str) -> float:
    # Fares move with the launch date the way a yield-managed carrier's do; a
    # digest keeps them stable across restarts so quotes can be re-checked.
    digest = hashlib.sha256(f"{origin}{destination}{depart.isoformat()}{kind}".encode()).digest()
    base = 182_000.0 if kind == "D" else 139_500.0
    return round(base * (0.9 + digest[0] / 1275), 2)


def _seats(origin: str, destination: str, depart: date, kind: str) -> int:
    digest = hashlib.sha256(f"seats{origin}{destination}{depart.isoformat()}{kind}".encode()).digest()
    capacity = 100 if kind == "D" else 40
    return capacity - digest[1] % (capacity // 2)


def _legs(origin: str, destination: str, depart: date, kind: str) -> list[dict]:
    if kind == "D":
        return [{
            "from": origin,
            "to": destination,
            "depart": depart.isoformat(),
            "arrive": (depart + timedelta(days=DIRECT_TRANSIT_DAYS)).isoformat(),
            "vessel": "Starship Heart of Gold",
        }]
    hop_arrive = depart + timedelta(days=GATEWAY_HOP_DAYS)
    onward = hop_arrive + timedelta(days=GATEWAY_LAYOVER_DAYS)
    return [
        {
            "from": origin,
            "to": GATEWAY,
            "depart": depart.isoformat(),
            "arrive": hop_arrive.isoformat(),
            "vessel": "Orion Shuttle",
        },
        {
            "from": GATEWAY,
            "to": destination,
            "depart": onward.isoformat(),
            "arrive": (onward + timedelta(days=GATEWAY_TRANSIT_DAYS)).isoformat(),
            "vessel": "Transfer Vehicle Ares",
        },
    ]


def _itinerary(origin: str, destination: str, depart: date, kind: str) -> dict:
    return {
        "id": f"{origin}-{destination}-{depart:%Y%m%d}-{kind}",
        "legs": _legs(origin, destination, depart, kind),
        "price_per_seat": _fare(origin, destination, depart, kind),
        "seats_available": _seats(origin, destination, depart, kind),
    }


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/routes")
def list_routes(origin: str, destination: str, depart: date = Query(alias="date")):
    if origin not in SPACEPORTS or destination not in SPACEPORTS:
        raise HTTPException(status_code=400, detail="unknown spaceport")
    if SPACEPORTS[origin][0] == SPACEPORTS[destination][0]:
        return {"routes": []}
    return {"routes": [_itinerary(origin, destination, depart, kind) for kind in ("D", "G")]}


@app.get("/prices/{itinerary_id}")
def get_price(itinerary_id: str, passengers: int = Query(default=1, ge=1, le=9)):
    origin, destination, depart, kind = _parse_itinerary(itinerary_id)
    per_seat = _fare(origin, destination, depart, kind)
    return {
        "itinerary_id": itinerary_id,
        "passengers": passengers,
        "price_per_seat": per_seat,
        "total": round(per_seat * passengers, 2),
        "currency": "USD",
    }


@app.post("/holds", status_code=201, response_model=Hold)
def create_hold(request: HoldRequest):
    origin, destination, depart, kind = _parse_itinerary(request.itinerary_id)
    if request.passengers > _seats(origin, destination, depart, kind):
        raise HTTPException(status_code=409, detail="not enough seats")
    hold = {
        "hold_id": uuid.uuid4().hex,
        "itinerary_id": request.itinerary_id,
        "passengers": request.passengers,
        "price_per_seat": _fare(origin, destination, depart, kind),
        "expires_at": time.time() + HOLD_SECONDS,
    }
    with _holds_lock:
        now = time.time()
        for hold_id in [h for h, v in _holds.items() if v["expires_at"] < now]:
            del _holds[hold_id]
        _holds[hold["hold_id"]] = hold
    return hold
