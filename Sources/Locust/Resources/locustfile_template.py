# The body of a locustfile that chaos-test generates from a load plan (`PLAN_JSON`, written
# above this line by chaos-test). Locust's own master and workers run it; every request is
# also written, one JSON line each, to $CHAOS_TEST_LOCUST_RECORDS/worker-<pid>.jsonl in the
# load-results.json record format, and chaos-test converts those lines.
#
# Latency is timed here with time.perf_counter_ns around the whole request (body read), not
# taken from Locust's statistics, which round response times below 100 ms to whole ms.
import itertools
import json
import os
import random
import socket
import time
import urllib.parse

from locust import FastHttpUser, events, task

PLAN = json.loads(PLAN_JSON)
_RECORDS_DIR = os.environ.get("CHAOS_TEST_LOCUST_RECORDS", "")
_PHASE = os.environ.get("CHAOS_TEST_LOCUST_PHASE", "baseline")
_SEED = int(os.environ.get("CHAOS_TEST_LOCUST_SEED", "1"))
_TIMEOUT = float(os.environ.get("CHAOS_TEST_LOCUST_TIMEOUT", "10"))
_users = itertools.count()
_out = None


def _records():
    # Opened lazily: only workers send requests. Line-buffered, so a record is on disk as
    # soon as it is written, even if the worker is killed.
    global _out
    if _out is None and _RECORDS_DIR:
        path = os.path.join(_RECORDS_DIR, "worker-%d.jsonl" % os.getpid())
        _out = open(path, "a", buffering=1, encoding="utf-8")
    return _out


@events.test_stop.add_listener
def _flush(**_kwargs):
    if _out is not None:
        _out.flush()


def _is_name_char(ch):
    return ch.isalnum() or ch == "_"


def _placeholders(text):
    names, current = [], None
    for ch in text:
        if ch == "{":
            current = ""
        elif ch == "}":
            if current:
                names.append(current)
            current = None
        elif current is not None:
            if _is_name_char(ch):
                current += ch
            else:
                current = None
    return names


def _text(value):
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    return json.dumps(value, separators=(",", ":"))


def _fill_text(text, lookup, encode):
    out, pending = [], None
    for ch in text:
        if ch == "{":
            if pending is not None:
                out.append("{" + pending)
            pending = ""
        elif ch == "}" and pending is not None:
            value = lookup(pending) if pending else _MISSING
            if value is _MISSING:
                out.append("{" + pending + "}")
            else:
                value = _text(value)
                out.append(urllib.parse.quote(value, safe="-._~") if encode else value)
            pending = None
        elif pending is not None:
            if _is_name_char(ch):
                pending += ch
            else:
                out.append("{" + pending + ch)
                pending = None
        else:
            out.append(ch)
    if pending is not None:
        out.append("{" + pending)
    return "".join(out)


def _fill_json(value, lookup):
    # A string that is exactly one placeholder takes the value's own type, as in chaos-test.
    if isinstance(value, str):
        names = _placeholders(value)
        if len(names) == 1 and value == "{%s}" % names[0]:
            found = lookup(names[0])
            if found is not _MISSING:
                return found
        return _fill_text(value, lookup, False) if names else value
    if isinstance(value, list):
        return [_fill_json(item, lookup) for item in value]
    if isinstance(value, dict):
        return {key: _fill_json(item, lookup) for key, item in value.items()}
    return value


def _pointer(document, pointer):
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        return _MISSING
    current = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return _MISSING
    return current


_MISSING = object()


def _error_kind(error):
    if error is None:
        return None
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return "reset"
    if isinstance(error, (TimeoutError, socket.timeout)) or "timeout" in type(error).__name__.lower():
        return "timeout"
    return "malformed"


class PlanUser(FastHttpUser):
    """One virtual user: picks a request or a flow by weight and sends it, back to back."""

    network_timeout = _TIMEOUT
    connection_timeout = _TIMEOUT

    def on_start(self):
        # A stream per user, named by the worker's index and the user's place among the users
        # this process started. Each unit (a request or a whole flow) draws from its own
        # generator, seeded from --seed, the stream and the unit's number, and its requests are
        # named after them: a run with the same seed and users sends the same logical requests
        # under the same ids, whatever failed before, so the runtime draws the same faults for
        # them and `compare` can pair the runs (as with the built-in engine).
        worker = getattr(self.environment.runner, "worker_index", None)
        self.stream = "w%d-u%d" % (worker if isinstance(worker, int) and worker >= 0 else 0, next(_users))
        self.unit_numbers = itertools.count(1)
        self.units = [("request", r, r.get("weight", 1)) for r in PLAN["requests"]]
        self.units += [("flow", f, f.get("weight", 1)) for f in PLAN["flows"]]
        self.weights = [max(1, weight) for _, _, weight in self.units]

    @task
    def unit(self):
        if not self.units:
            return
        number = next(self.unit_numbers)
        draw = random.Random("%d-%s-%d" % (_SEED, self.stream, number))
        kind, unit, _ = draw.choices(self.units, weights=self.weights)[0]
        if kind == "request":
            self.send(unit, None, {}, draw, "%d" % number)
            return
        variables = {}
        for position, step in enumerate(unit["steps"]):
            status, body = self.send(
                step, "%s/%s" % (unit["name"], step["name"]), variables, draw, "%d.%d" % (number, position + 1))
            if status is None or not 200 <= status < 300:
                return
            for variable, pointer in sorted(step.get("extract", {}).items()):
                try:
                    document = json.loads(body)
                except ValueError:
                    return
                value = _pointer(document, pointer)
                if value is _MISSING:
                    return
                variables[variable] = value

    def send(self, request, step, variables, draw, place):
        chosen = dict(variables)

        def lookup(name):
            if name in chosen:
                return chosen[name]
            values = request.get("params", {}).get(name) or PLAN["params"].get(name)
            if not values:
                return _MISSING
            chosen[name] = draw.choice(values)
            return chosen[name]

        record_id = "locust-%s-%s" % (self.stream, place)
        path = _fill_text(request["path"], lookup, True)
        headers = dict(PLAN["headers"])
        headers.update(request.get("headers", {}))
        headers["X-Chaos-Request-Id"] = record_id
        data = None
        if request.get("json") is not None:
            data = json.dumps(_fill_json(request["json"], lookup), separators=(",", ":")).encode("utf-8")
            if not any(key.lower() == "content-type" for key in headers):
                headers["Content-Type"] = "application/json"
        status, body, error = None, b"", None
        sent_unix_ns = time.time_ns()
        start = time.perf_counter_ns()
        with self.client.request(
            request["method"], path, headers=headers, data=data, name=request["endpoint"], catch_response=True
        ) as response:
            # A transport failure gives status 0 and an `error`; a real response has a status
            # (and, for 4xx/5xx, an `error` too, which the status already says).
            error = getattr(response, "error", None)
            status = response.status_code or None
            body = (response.content or b"") if status is not None else b""
            if status is not None and status >= 500:
                response.failure("HTTP %d" % status)
            else:
                response.success() if error is None else response.failure(str(error))
        latency_us = (time.perf_counter_ns() - start) // 1000
        kind = _error_kind(error) if status is None else ("http_5xx" if status >= 500 else None)
        record = {
            "id": record_id, "phase": _PHASE, "endpoint": request["endpoint"], "step": step,
            "scheduled_unix_ns": sent_unix_ns, "sent_unix_ns": sent_unix_ns, "latency_us": latency_us,
            "status": status, "error": kind, "bytes": len(body),
        }
        out = _records()
        if out is not None:
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
        return status, body
