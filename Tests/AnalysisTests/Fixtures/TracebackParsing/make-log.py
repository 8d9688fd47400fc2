"""Re-records app.log: real CPython tracebacks of a small app with one chaos hook injected.

Run with `python3 make-log.py` from this folder. It lays out the app under
/tmp/chaos-fixture-app (the original source and the injected one), runs a stand-in server that
calls the handlers and prints each traceback the way uvicorn and werkzeug do, and writes app.log.
"""
import os
import subprocess
import sys

ROOT = "/tmp/chaos-fixture-app"
HERE = os.path.dirname(os.path.abspath(__file__))

ORIGINAL = '''import json


def fetch_stock(sku):
    return json.loads(sku)["available"]


def restock(sku):
    try:
        return fetch_stock(sku)
    except KeyError as error:
        raise RuntimeError("no stock figure for " + sku) from error


def confirm(sku):
    try:
        return fetch_stock(sku)
    except KeyError:
        return undefined_name


def call_supplier(sku):
    return fetch_stock(sku)


def deep(n):
    return deep(n + 1)
'''

# Inject adds line 2 (the runtime import) and line 24 (the hook before original line 23).
INJECTED_LINES = {2: "import app.chaos_test_runtime as _chaos_test  # chaos-test\n",
                  24: '    _chaos_test.hook("0123abcd")  # chaos-test: 0123abcd\n'}

RUNTIME = '''def hook(short):
    raise ConnectionError("chaos-test: injected requests failure at dependency:app/handlers.py:call_supplier:requests.get:0")
'''

SERVER = r'''import sys
import traceback

sys.path.insert(0, "/tmp/chaos-fixture-app")
from app import handlers


def serve(path, handler, argument, group=False):
    try:
        if group:
            try:
                handler(argument)
            except Exception as error:
                raise ExceptionGroup("unhandled errors in a TaskGroup", [error])
        else:
            handler(argument)
        print('INFO:     127.0.0.1:50000 - "POST %s HTTP/1.1" 200 OK' % path, flush=True)
    except BaseException:
        print("ERROR:    Exception in ASGI application", file=sys.stderr, flush=True)
        traceback.print_exc()
        sys.stderr.flush()
        print('INFO:     127.0.0.1:50000 - "POST %s HTTP/1.1" 500 Internal Server Error' % path, flush=True)


serve("/ok", handlers.fetch_stock, '{"available": 3}')
serve("/restock", handlers.restock, "{}")
serve("/confirm", handlers.confirm, "{}")
print("chaos-test: request r-17 failed: ConnectionError('chaos-test: injected requests failure')", flush=True)
serve("/supplier", handlers.call_supplier, "{}")
serve("/stock", handlers.fetch_stock, "not json")
serve("/group", handlers.fetch_stock, "{}", group=True)
serve("/deep", handlers.deep, 0)
'''


def main():
    os.makedirs(os.path.join(ROOT, "app"), exist_ok=True)
    lines = ORIGINAL.splitlines(keepends=True)
    for number in sorted(INJECTED_LINES):
        lines.insert(number - 1, INJECTED_LINES[number])
    files = {"app/__init__.py": "", "app/handlers.py": "".join(lines), "app/chaos_test_runtime.py": RUNTIME}
    for name, text in files.items():
        with open(os.path.join(ROOT, name), "w") as out:
            out.write(text)
    server = os.path.join("/tmp", "chaos-fixture-server.py")
    with open(server, "w") as out:
        out.write(SERVER)
    with open(os.path.join(HERE, "app.log"), "w") as log:
        subprocess.run([sys.executable, "-u", server], stdout=log, stderr=subprocess.STDOUT, check=True)


if __name__ == "__main__":
    main()
