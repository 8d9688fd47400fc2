#!/usr/bin/env bash
# Re-records uvicorn.log: what uvicorn prints when FastAPI handlers raise, async and sync.
# Usage: make-log.sh PYTHON (an interpreter with fastapi, uvicorn and httpx installed).
set -euo pipefail
python="$1"
here="$(cd "$(dirname "$0")" && pwd)"
root=/tmp/chaos-uvicorn-app
rm -rf "$root" && mkdir -p "$root/app"
: > "$root/app/__init__.py"
cat > "$root/app/main.py" <<'PY'
import httpx
from fastapi import FastAPI

app = FastAPI()


async def get_price(itinerary_id):
    async with httpx.AsyncClient() as client:
        resp = await client.get(f"http://127.0.0.1:9/prices/{itinerary_id}")
    resp.raise_for_status()
    return resp.json()


@app.post("/api/bookings")
async def create_booking():
    quote = await get_price("x-1")
    return {"total": quote["total"]}


@app.get("/api/items/{item_id}")
def get_item(item_id: int):
    items = {1: {"name": "bolt"}}
    return items[item_id]
PY
port=18765
cd "$root"
PYTHONDONTWRITEBYTECODE=1 "$python" -m uvicorn app.main:app --host 127.0.0.1 --port "$port" > "$here/uvicorn.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/docs" >/dev/null && break; sleep 0.2; done
curl -s -X POST "http://127.0.0.1:$port/api/bookings" >/dev/null || true
curl -s "http://127.0.0.1:$port/api/items/1" >/dev/null || true
curl -s "http://127.0.0.1:$port/api/items/2" >/dev/null || true
sleep 0.5
kill $pid
wait $pid 2>/dev/null || true
trap - EXIT
