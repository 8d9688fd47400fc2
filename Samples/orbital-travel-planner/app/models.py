from datetime import date
from enum import Enum

from pydantic import BaseModel, Field, model_validator


class Spaceport(str, Enum):
    KSC = "KSC"  # Kennedy Space Center, Earth
    BCA = "BCA"  # Starbase Boca Chica, Earth
    JEZ = "JEZ"  # Jezero Crater Landing Zone, Mars
    ELY = "ELY"  # Elysium Planitia Base, Mars


class SearchRequest(BaseModel):
    origin: Spaceport = Field(examples=["KSC"])
    destination: Spaceport = Field(examples=["JEZ"])
    depart_date: date = Field(examples=["2027-01-10"])
    passengers: int = Field(default=1, ge=1, le=9, examples=[2])

    @model_validator(mode="after")
    def different_ends(self):
        if self.origin == self.destination:
            raise ValueError("origin and destination must differ")
        return self


class Leg(BaseModel):
    origin: str
    destination: str
    depart: date
    arrive: date
    vessel: str


class Itinerary(BaseModel):
    id: str
    legs: list[Leg]
    price: float
    seats: int


class Passenger(BaseModel):
    name: str = Field(min_length=1, max_length=120, examples=["Ada Lovelace"])
    email: str | None = Field(default=None, examples=["ada@example.org"])


class BookingRequest(BaseModel):
    itinerary_id: str = Field(examples=["KSC-JEZ-20270110-D"])
    passengers: list[Passenger] = Field(min_length=1, max_length=9, examples=[[{"name": "Ada Lovelace"}]])


class Booking(BaseModel):
    id: str
    itinerary_id: str
    passengers: list[Passenger]
    status: str
    total_price: float
    hold_id: str
    created_at: str
