#!/usr/bin/env python3
"""Serves one corpus app from a copy of its package, for `chaos-test run --serve`.

    .corpus/<app>/venv/bin/python Tests/RealApps/serve.py --app <app> --root <copy> --port <port>

`--root` is the folder chaos-test scanned and injected (it holds the app's top-level
package); it goes first on sys.path, so the injected copy is what runs, not the installed
package. The app is loaded as corpus.json says (the same env, files and `load` code as
truth.py), then served on 127.0.0.1 only: ASGI apps with uvicorn, WSGI apps (Flask, Django)
with Werkzeug's threaded server when the venv has it, else wsgiref.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(entry, workdir):
    namespace = {"__name__": "__corpus_server__"}
    if entry["framework"] == "django":
        os.environ["DJANGO_SETTINGS_MODULE"] = entry["django_settings"]
        if entry.get("load"):
            exec(compile(entry["load"], "<corpus.json load>", "exec"), namespace)
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application(), "wsgi"
    exec(compile(entry["load"], "<corpus.json load>", "exec"), namespace)
    if entry.get("serve_load"):
        # What the app's own command line does before serving (open a database, read a config).
        exec(compile(entry["serve_load"].replace("@WORKDIR@", workdir), "<corpus.json serve_load>", "exec"), namespace)
    return namespace["app"], "wsgi" if entry["framework"] == "flask" else "asgi"


def serve(app, kind, port):
    if kind == "asgi":
        import uvicorn

        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
        return
    try:
        from werkzeug.serving import run_simple
    except ImportError:
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIServer, make_server

        class Threaded(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        make_server("127.0.0.1", port, app, server_class=Threaded).serve_forever()
        return
    run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    import truth

    entry = truth.find_entry(truth.load_manifest(), args.app)
    repo = os.path.dirname(os.path.dirname(HERE))
    workdir = os.path.join(repo, ".corpus", entry["name"])
    truth.prepare(entry, workdir)
    root = os.path.abspath(args.root)
    # The injected copy first; the working folder is the corpus folder (relative config paths).
    sys.path.insert(0, root)
    os.chdir(workdir)
    sys.path.insert(1, workdir)
    app, kind = load(entry, workdir)
    module = sys.modules.get(entry.get("scan_package", ""))
    if module is not None and not os.path.realpath(getattr(module, "__file__", "") or "").startswith(os.path.realpath(root)):
        raise SystemExit("serve: %s was imported from %s, not from the copy in %s" % (module.__name__, module.__file__, root))
    serve(app, kind, args.port)


if __name__ == "__main__":
    main()
