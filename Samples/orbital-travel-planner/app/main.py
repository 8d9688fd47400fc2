from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.bookings import router as bookings_router
from app.api.search import router as search_router
from app.db import init_db


@asynccontextmanager
async def lifespan(app: FastAPI):
    init_db()
    yield


app = FastAPI(
    title="Orbital Travel Planner",
    version="0.9.0",
    description="Search and book passenger trips between Earth and Mars.",
    lifespan=lifespan,
)

app.include_router(search_router, prefix="/api")
app.include_router(bookings_router, prefix="/api")


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
