"""chaos-test runtime: the code that injected hooks call. Stdlib only, Python 3.8+.

`chaos-test inject` adds this file to the app and one marked hook line per injection point;
`chaos-test revert` removes both. Each hook is a single statement:

    __import__("chaos_test_runtime").hook("1a2b3c4d")         # in sync code
    await __import__("chaos_test_runtime").ahook("1a2b3c4d")  # in async code

Settings come from $CHAOS_TEST_SETTINGS, or else `.chaos-test/settings.json` in the nearest
folder above this file that has one. They are re-read whenever the file's mtime changes, so
`chaos-test chaos off` takes effect without a restart. With no settings file the runtime is
inert: hooks that leak into a deployment never fire.

Fired faults are appended to $CHAOS_TEST_EVENTS, or else `.chaos-test/events.jsonl`, one JSON
object per line, with the request id the load generator sent in `X-Chaos-Request-Id`.

How the request id reaches a hook: ASGIMiddleware / WSGIMiddleware read the header and store a
per-request state (the id and a per-point call counter) in a contextvar. Async handlers run in
the task that set it. FastAPI runs sync (`def`) handlers and sync dependencies in a worker thread
through anyio's `to_thread.run_sync`, which runs the function inside `contextvars.copy_context()`,
so the worker thread sees the same state object; the counter is a dict shared by reference, so
calls counted in the thread count for the request. Flask (WSGI) handles each request in the
thread that called the middleware, so the contextvar set there is visible to the view.

Decisions are deterministic: a call fires if and only if
    int(sha256(f"{seed}|{point id}|{request id}|{n}")[:8]) / 2**64 < rate
where n counts the calls of that point within the request (a per-process counter when there is
no request id). The fault kind and the delay come from further draws of the same hash input.

Under pytest (`python -m pytest -p chaos_test_runtime`, as `chaos-test run --pytest` does), this
module is also a pytest plugin: pytest_runtest_logstart/logfinish record the node id of the
running test, and every event fired meanwhile carries it as "test". Tests call the app in-process
(TestClient) without a request id, so this is how a fault is tied to the test it broke.

Outside any request the middleware saw (app startup, background threads, scripts importing the
app), hooks do not fire unless the settings say `"outside_requests": true`: a fault in startup
code would only stop the app from starting.

Resource faults (opt-in kinds): `memory` holds `memory_mb` MB (default 64) for `hold_us` (default
200 ms), never more than `memory_cap_mb` (default 256, at most 1024) held at once by the process,
then frees it; `cpu` burns `cpu_us` of CPU time (default 50 ms, at most 5 s). The event records
what was really held (`memory_mb`), or burned (`cpu_us`) and how long that took (`delay_us`).

Several services of one system: when a run injects a service too, the request id travels across
the hop. While a request id is current, outgoing httpx and requests calls carry it in
`X-Chaos-Request-Id` (the client classes are patched once the middleware sees a request id and
settings exist), so the service's faults join the caller's request. `$CHAOS_TEST_SERVICE` names
the service in every event line it writes.
"""

import asyncio
import contextvars
import hashlib
import json
import os
import sys
import threading
import time

__all__ = ["hook", "ahook", "ASGIMiddleware", "WSGIMiddleware"]

_STATE = contextvars.ContextVar("chaos_test_request", default=None)
_LOCK = threading.Lock()
_cache = {"key": None, "settings": None, "by_short": {}}
_process_counts = {}
_SERVICE = os.environ.get("CHAOS_TEST_SERVICE") or None
_HEADER = "X-Chaos-Request-Id"
_patched = set()
# Bytes held by memory faults right now, across threads: the cap applies to their sum.
_held = {"bytes": 0}
_MEMORY_HARD_CAP_MB = 1024
_CPU_HARD_CAP_US = 5000000
_TEST = {"id": None}


class ChaosFault(RuntimeError):
    """The exception an `exception` fault raises (the framework answers 500)."""


def _state_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(here, ".chaos-test")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _settings_path():
    explicit = os.environ.get("CHAOS_TEST_SETTINGS")
    if explicit:
        return explicit
    state = _state_dir()
    return os.path.join(state, "settings.json") if state else None


def _events_path():
    explicit = os.environ.get("CHAOS_TEST_EVENTS")
    if explicit:
        return explicit
    state = _state_dir()
    return os.path.join(state, "events.jsonl") if state else None


def _write_event(record):
    path = _events_path()
    if not path:
        return
    if _SERVICE is not None:
        record["service"] = _SERVICE
    line = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    try:
        # One write on an O_APPEND descriptor: concurrent workers never interleave lines.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except OSError:
        pass


def _settings():
    """The current settings, or None (inert) when there is no valid settings file."""
    path = _settings_path()
    if not path:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (path, st.st_mtime_ns, st.st_size)
    if _cache["key"] == key:
        return _cache["settings"]
    with _LOCK:
        if _cache["key"] == key:
            return _cache["settings"]
        try:
            with open(path, "rb") as f:
                settings = json.loads(f.read().decode("utf-8"))
            if settings.get("schema") != 1:
                settings = None
        except (OSError, ValueError):
            settings = None
        by_short = {}
        if settings:
            for point_id, point in (settings.get("points") or {}).items():
                by_short[point.get("short")] = (point_id, point)
        _cache["settings"] = settings
        _cache["by_short"] = by_short
        _cache["key"] = key
    if settings is not None:
        _write_event({"time_unix_ns": time.time_ns(), "settings": settings, "pid": os.getpid()})
    return settings


def _draw(seed, point_id, request_id, n, salt=""):
    text = "%s|%s|%s|%s%s" % (seed, point_id, request_id, n, salt)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 18446744073709551616.0


def _decide(short):
    """None, or (point id, point, fault, delay_us, request id, seed, n) for a call that fires."""
    settings = _settings()
    if not settings or not settings.get("enabled"):
        return None
    entry = _cache["by_short"].get(short)
    if entry is None:
        return None
    point_id, point = entry
    default = settings.get("default") or {}
    rate = point.get("rate")
    if rate is None:
        rate = default.get("rate", 0.0)
    state = _STATE.get()
    if state is None and not settings.get("outside_requests"):
        return None
    if state is not None and state.get("id") is not None:
        request_id = state["id"]
        counts = state["counts"]
    else:
        request_id = None
        counts = _process_counts
    with _LOCK:
        n = counts.get(point_id, 0)
        counts[point_id] = n + 1
    seed = settings.get("seed", 0)
    if _draw(seed, point_id, request_id, n) >= rate:
        return None
    enabled = [f for f in (point.get("faults") or []) if f in (default.get("faults") or [])]
    if not enabled:
        return None
    fault = enabled[int(_draw(seed, point_id, request_id, n, "|fault") * len(enabled))]
    delay_us = 0
    if fault == "latency":
        low, high = (default.get("delay_us") or [100000, 2000000])[:2]
        delay_us = int(low + (high - low) * _draw(seed, point_id, request_id, n, "|delay"))
    return point_id, point, fault, delay_us, request_id, seed, n


def _exception(point_id, point, fault):
    if fault == "dependency":
        return _dependency_exception(point.get("library") or "", point_id)
    if fault == "status":
        return _status_exception(point_id)
    return ChaosFault("chaos-test: injected exception at %s" % point_id)


def _dependency_exception(library, point_id):
    """The exception the real library raises when its backend fails, or a builtin fallback."""
    message = "chaos-test: injected %s failure at %s" % (library or "dependency", point_id)
    root = library.split(".")[0]
    try:
        if root == "httpx":
            import httpx

            return httpx.ConnectError(message)
        if root == "requests":
            import requests

            return requests.exceptions.ConnectionError(message)
        if root in ("sqlalchemy", "flask_sqlalchemy", "sqlmodel"):
            import sqlalchemy.exc

            # As a dropped connection looks: SQLAlchemy marks the connection invalidated.
            return sqlalchemy.exc.OperationalError(
                message, None, ConnectionError(message), connection_invalidated=True
            )
        if root == "django":
            import django.db.utils

            return django.db.utils.OperationalError(message)
        if root == "psycopg2":
            import psycopg2

            return psycopg2.OperationalError(message)
        if root == "psycopg":
            import psycopg

            return psycopg.OperationalError(message)
        if root == "asyncpg":
            import asyncpg.exceptions

            return asyncpg.exceptions.ConnectionDoesNotExistError(message)
        if root == "celery":
            # Celery sends through kombu; a broker that is down surfaces as kombu's error.
            import kombu.exceptions

            return kombu.exceptions.OperationalError(message)
        if root in ("botocore", "boto3"):
            import botocore.exceptions

            return botocore.exceptions.EndpointConnectionError(endpoint_url="chaos-test://" + point_id)
        if root == "smtplib":
            import smtplib

            return smtplib.SMTPServerDisconnected(message)
        if root == "sqlite3":
            import sqlite3

            # SQLite's transient failure: another writer holds the lock past the busy timeout.
            return sqlite3.OperationalError("database is locked (%s)" % message)
        if root == "redis":
            import redis.exceptions

            return redis.exceptions.ConnectionError(message)
        if root == "aiohttp":
            import aiohttp

            return aiohttp.ClientConnectionError(message)
    except Exception:  # not importable, or not importable without the app's settings
        pass
    return ConnectionError(message)


def _timeout_exception(library, point_id):
    message = "chaos-test: injected %s timeout at %s" % (library or "dependency", point_id)
    root = library.split(".")[0]
    try:
        if root == "httpx":
            import httpx

            return httpx.ReadTimeout(message)
        if root == "requests":
            import requests

            return requests.exceptions.Timeout(message)
        if root == "redis":
            import redis.exceptions

            return redis.exceptions.TimeoutError(message)
        if root == "aiohttp":
            import aiohttp

            return aiohttp.ServerTimeoutError(message)
        if root == "asyncpg":
            import asyncpg.exceptions

            return asyncpg.exceptions.QueryCanceledError(message)
        if root in ("botocore", "boto3"):
            import botocore.exceptions

            return botocore.exceptions.ReadTimeoutError(endpoint_url="chaos-test://" + point_id)
        if root in ("sqlite3", "sqlalchemy", "flask_sqlalchemy", "sqlmodel", "django", "psycopg", "psycopg2", "celery", "smtplib"):
            # A database that times out says so with the same OperationalError ("database is locked").
            return _dependency_exception(library, point_id)
    except Exception:  # not importable, or not importable without the app's settings
        pass
    return TimeoutError(message)


def _status_exception(point_id):
    status = (_cache["settings"] or {}).get("default", {}).get("status", 503)
    framework = (_cache["settings"] or {}).get("framework", "")
    detail = "chaos-test: injected %d at %s" % (status, point_id)
    try:
        if framework in ("flask", "django"):
            from werkzeug.exceptions import abort

            try:
                abort(status, detail)
            except Exception as error:  # abort always raises; keep the exception object
                return error
        from starlette.exceptions import HTTPException

        return HTTPException(status_code=status, detail=detail)
    except Exception:  # not importable, or not importable without the app's settings
        return ChaosFault(detail)


def _choose_exception(decision):
    point_id, point, fault, _, request_id, seed, n = decision
    if fault == "dependency":
        # Half connection failures, half timeouts, decided by a further deterministic draw.
        if _draw(seed, point_id, request_id, n, "|kind") < 0.5:
            return _timeout_exception(point.get("library") or "", point_id)
    return _exception(point_id, point, fault)


def _record(point_id, fault, request_id, delay_us, error, extra=None):
    record = {
        "time_unix_ns": time.time_ns(),
        "point": point_id,
        "fault": fault,
        "request_id": request_id,
        "delay_us": delay_us,
        "exception": None if error is None else "%s.%s" % (type(error).__module__, type(error).__qualname__),
        "pid": os.getpid(),
    }
    if extra:
        record.update(extra)
    if _TEST["id"] is not None:
        record["test"] = _TEST["id"]
    _write_event(record)


def pytest_runtest_logstart(nodeid, location):
    """pytest plugin hook: a test (setup, call, teardown) starts."""
    _TEST["id"] = nodeid


def pytest_runtest_logfinish(nodeid, location):
    """pytest plugin hook: the test is over."""
    _TEST["id"] = None


def _bounded(value, default, low, high):
    try:
        value = int(default if value is None else value)
    except (TypeError, ValueError):
        value = default
    return max(low, min(high, value))


def _take_memory():
    """Allocates and touches the memory a `memory` fault holds; returns (buffer, MB, hold in us)."""
    default = (_cache["settings"] or {}).get("default") or {}
    wanted = _bounded(default.get("memory_mb"), 64, 0, _MEMORY_HARD_CAP_MB)
    cap = _bounded(default.get("memory_cap_mb"), 256, 0, _MEMORY_HARD_CAP_MB)
    hold_us = _bounded(default.get("hold_us"), 200000, 0, 60000000)
    with _LOCK:
        granted = max(0, min(wanted, cap - _held["bytes"] // 1048576))
        _held["bytes"] += granted * 1048576
    buffer = bytearray(granted * 1048576)
    # Touch every page, so the memory is resident (RSS), not just reserved.
    buffer[::4096] = b"\x01" * len(range(0, len(buffer), 4096))
    return buffer, granted, hold_us


def _give_back(megabytes):
    with _LOCK:
        _held["bytes"] -= megabytes * 1048576


def _burn_cpu():
    """Burns `cpu_us` of this thread's CPU time (more wall time on a busy machine, never more
    than 10 s of it); returns (wall us, CPU us)."""
    default = (_cache["settings"] or {}).get("default") or {}
    burn_us = _bounded(default.get("cpu_us"), 50000, 0, _CPU_HARD_CAP_US)
    start = time.perf_counter()
    cpu_start = time.thread_time()
    digest = b"chaos-test"
    while time.thread_time() - cpu_start < burn_us / 1e6 and time.perf_counter() - start < 10 + burn_us / 1e6:
        for _ in range(200):
            digest = hashlib.sha256(digest).digest()
    # CPU first, wall last: the wall interval then encloses the CPU one.
    cpu_us = int((time.thread_time() - cpu_start) * 1e6)
    return int((time.perf_counter() - start) * 1e6), cpu_us


def hook(short):
    """A sync injection point: maybe sleep, maybe raise. Does nothing without settings."""
    decision = _decide(short)
    if decision is None:
        return
    point_id, point, fault, delay_us, request_id = decision[:5]
    if fault == "latency":
        _record(point_id, fault, request_id, delay_us, None)
        time.sleep(delay_us / 1e6)
        return
    if fault == "cpu":
        wall_us, cpu_us = _burn_cpu()
        _record(point_id, fault, request_id, wall_us, None, {"cpu_us": cpu_us})
        return
    if fault == "memory":
        buffer, megabytes, hold_us = _take_memory()
        try:
            _record(point_id, fault, request_id, hold_us, None, {"memory_mb": megabytes})
            time.sleep(hold_us / 1e6)
        finally:
            del buffer
            _give_back(megabytes)
        return
    error = _choose_exception(decision)
    _record(point_id, fault, request_id, 0, error)
    raise error


async def ahook(short):
    """An async injection point: maybe await a delay (never blocking the loop), maybe raise."""
    decision = _decide(short)
    if decision is None:
        return
    point_id, point, fault, delay_us, request_id = decision[:5]
    if fault == "latency":
        _record(point_id, fault, request_id, delay_us, None)
        await asyncio.sleep(delay_us / 1e6)
        return
    if fault == "cpu":
        # Burned on the event loop on purpose: that is what CPU-bound work in a handler does.
        wall_us, cpu_us = _burn_cpu()
        _record(point_id, fault, request_id, wall_us, None, {"cpu_us": cpu_us})
        return
    if fault == "memory":
        buffer, megabytes, hold_us = _take_memory()
        try:
            _record(point_id, fault, request_id, hold_us, None, {"memory_mb": megabytes})
            await asyncio.sleep(hold_us / 1e6)
        finally:
            del buffer
            _give_back(megabytes)
        return
    error = _choose_exception(decision)
    _record(point_id, fault, request_id, 0, error)
    raise error


def _tag(headers):
    """Adds the current request id to an outgoing request's headers, unless it has one."""
    state = _STATE.get()
    request_id = state.get("id") if state is not None else None
    if request_id is not None and _HEADER not in headers:
        headers[_HEADER] = request_id


def _propagate():
    """Patches the HTTP clients the app has imported so outgoing calls carry the request id.

    Only clients already imported are patched (nothing is imported on the app's behalf), each
    once; the patched methods add the header only while a request id is current.
    """
    httpx = sys.modules.get("httpx")
    if httpx is not None and "httpx" not in _patched:
        _patched.add("httpx")
        send = httpx.Client.send
        asend = httpx.AsyncClient.send

        def client_send(self, request, *args, **kwargs):
            _tag(request.headers)
            return send(self, request, *args, **kwargs)

        async def async_client_send(self, request, *args, **kwargs):
            _tag(request.headers)
            return await asend(self, request, *args, **kwargs)

        httpx.Client.send = client_send
        httpx.AsyncClient.send = async_client_send
    requests = sys.modules.get("requests")
    if requests is not None and "requests" not in _patched and hasattr(requests, "Session"):
        _patched.add("requests")
        session_send = requests.Session.send

        def send_with_id(self, request, **kwargs):
            # Session.request (and requests.get...) ends in send with the prepared request.
            _tag(request.headers)
            return session_send(self, request, **kwargs)

        requests.Session.send = send_with_id


def _enter(request_id):
    if request_id is not None and len(_patched) < 2 and _settings() is not None:
        _propagate()
    return _STATE.set({"id": request_id, "counts": {}})


class ASGIMiddleware:
    """Puts each HTTP request's X-Chaos-Request-Id into the contextvar the hooks read."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope.get("headers") or []:
            if name.lower() == b"x-chaos-request-id":
                request_id = value.decode("latin-1")
                break
        token = _enter(request_id)
        try:
            await self.app(scope, receive, send)
        finally:
            _STATE.reset(token)


class WSGIMiddleware:
    """The WSGI twin of ASGIMiddleware, for Flask: `app.wsgi_app = WSGIMiddleware(app.wsgi_app)`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        token = _enter(environ.get("HTTP_X_CHAOS_REQUEST_ID"))
        try:
            return self.app(environ, start_response)
        finally:
            _STATE.reset(token)
