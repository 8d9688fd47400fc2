"""Starlette and FastAPI constructs the route oracle must read from the runtime table."""

import functools

from fastapi import APIRouter, FastAPI
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.routing import Mount, Route


def traced(handler):
    @functools.wraps(handler)
    async def wrapper(*args, **kwargs):
        return await handler(*args, **kwargs)

    return wrapper


@traced
async def user(request):
    return None


class Things(HTTPEndpoint):
    async def get(self, request):
        return None

    async def put(self, request):
        return None


api = FastAPI()
router = APIRouter(prefix="/orders")


@router.get("/{order_id}")
@router.post(
    "",
)
@traced
async def order(order_id: int = 0):
    return {}


api.include_router(router, prefix="/v1")

app = Starlette(
    routes=[
        Route("/users/{user_id:int}", user),
        Mount("/inventory", routes=[Route("/things", Things)]),
        Mount("/shop", app=api),
    ]
)
