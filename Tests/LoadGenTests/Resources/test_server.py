"""Loopback HTTP servers for the LoadGen tests (stdlib only).

Usage: python3 test_server.py MODE [--openapi FILE] [--log FILE]
--log appends '<X-Chaos-Request-Id> <method> <path>' per request. Prints the port it listens on (127.0.0.1, chosen by the OS) as its first line, then serves until killed.

Modes:
  json       200 JSON for any path; /api/search returns itineraries, /api/bookings a booking id,
             /status/NNN answers NNN, /openapi.json serves --openapi FILE.
  stall      like json, but about every 1.5 s the whole server stops answering for 1 s.
  misbehave  /reset resets the connection, /malformed answers garbage, /slow sleeps 3 s,
             /fail answers 500, anything else 200.
  rest       an in-memory store: a POST to a collection (top-level, or under a stored
             resource) answers 201 with Location: <path>/<n> and {"id": "<n>"}; any request to
             a stored resource or to one segment below it answers 200 (DELETE removes it);
             anything else, such as a made-up id, answers 404.
"""

import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = sys.argv[1]
OPENAPI = None
LOG = None
if "--log" in sys.argv:
    LOG = open(sys.argv[sys.argv.index("--log") + 1], "a", buffering=1)
if "--openapi" in sys.argv:
    with open(sys.argv[sys.argv.index("--openapi") + 1], "rb") as handle:
        OPENAPI = handle.read()

counter_lock = threading.Lock()
counter = [0]
stall_lock = threading.Lock()
last_stall_end = [time.monotonic()]
store_lock = threading.Lock()
store = set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle plus delayed ACKs add 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send_json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        body = self.read_body()
        with counter_lock:
            counter[0] += 1
            number = counter[0]
        path = self.path.split("?")[0]
        if LOG is not None:
            with counter_lock:
                LOG.write("%s %s %s\n" % (self.headers.get("X-Chaos-Request-Id"), self.command, self.path))
        if MODE == "stall":
            with stall_lock:
                # The whole server holds still for 1 s every 1.5 s: every request waits on this lock.
                if time.monotonic() - last_stall_end[0] > 1.5:
                    time.sleep(1.0)
                    last_stall_end[0] = time.monotonic()
        if MODE == "misbehave":
            if path == "/reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            if path == "/malformed":
                self.wfile.write(b"THIS IS NOT HTTP AT ALL\r\n\r\n")
                self.wfile.flush()
                self.close_connection = True
                return
            if path == "/slow":
                time.sleep(3)
            if path == "/fail":
                return self.send_json(500, {"error": "failing on purpose"})
        if path == "/openapi.json" and OPENAPI is not None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(OPENAPI)))
            self.end_headers()
            self.wfile.write(OPENAPI)
            return
        if MODE == "rest":
            return self.rest(path, number)
        if path.startswith("/status/"):
            return self.send_json(int(path.rsplit("/", 1)[1]), {"status": path})
        if path == "/api/search":
            return self.send_json(200, {"results": [{"id": "it-%d" % number, "price": 100}]})
        if path == "/api/bookings" and self.command == "POST":
            sent = json.loads(body or b"{}")
            return self.send_json(201 if sent.get("itinerary_id") else 422, {"id": number, "echo": sent})
        self.send_json(200, {
            "ok": True,
            "method": self.command,
            "path": self.path,
            "request_id": self.headers.get("X-Chaos-Request-Id"),
            "body": body.decode() if body else None,
        })

    def rest(self, path, number):
        parent = path.rsplit("/", 1)[0]
        with store_lock:
            if self.command == "POST" and path not in store and (parent.count("/") == 0 or parent in store):
                created = "%s/%d" % (path, number)
                store.add(created)
                body = json.dumps({"id": str(number)}).encode()
                self.send_response(201)
                self.send_header("Location", created)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            found = path if path in store else parent if parent in store else None
            if found is not None and self.command == "DELETE" and found == path:
                store.discard(path)
        if found is None:
            return self.send_json(404, {"detail": "not found"})
        self.send_json(200, {"id": found.rsplit("/", 1)[1], "path": path})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass  # resets and garbage are the point of some modes


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
