#!/usr/bin/env python3
"""Runtime ground truth for one corpus app: the routes its framework actually serves.

Run inside the app's virtualenv:

    .corpus/<app>/venv/bin/python Tests/RealApps/truth.py --app <app> [--out FILE]

It loads the app object the way the manifest (corpus.json) says, then reads the
framework's own route tables, never the source:

- FastAPI / Starlette: ``app.routes``, walking ``Mount``/``Host`` sub-routers and
  sub-apps (FastAPI has already flattened ``include_router`` into ``app.routes``).
- Flask: ``app.url_map.iter_rules()`` with ``app.view_functions[rule.endpoint]``.
- Django: ``get_resolver().url_patterns`` recursively (``URLResolver`` prefixes,
  ``URLPattern`` callbacks, ``view_class`` for class-based views, DRF ``actions``,
  django-ninja path views).

Source is read for one thing only: the line of the handler's ``def`` (``async``
for ``async def``, ``class`` for a class view), because ``co_firstlineno`` and
``inspect.getsourcelines`` give the first decorator line instead.

Normalisation (the scorer relies on it; see README.md "Conventions"):

- paths: ``{name:conv}`` -> ``{name}``; ``<conv:name>`` -> ``{name}``; Django
  ``re_path`` regexes -> ``{name}`` form when the regex spells one literal path
  (the same rules as the scanner's PathSyntax.regexToPath), else the record is
  marked ``literal: false``. Prefixes are joined the way the framework joins
  them; trailing slashes are kept as served.
- methods: upper case; HEAD is dropped when GET is present (Werkzeug, Starlette
  and Django all add it automatically); OPTIONS is dropped when the framework
  added it (Flask ``provide_automatic_options``, Django/DRF's base ``options``).
  A handler that accepts every method (Django function view, ASGI app endpoint)
  has ``["ANY"]``.
"""
import argparse
import ast
import functools
import importlib.util
import inspect
import json
import os
import re
import sys
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


# ---------------------------------------------------------------- paths

def normalize_braces(path):
    """Starlette ``{id:int}`` -> ``{id}`` (the scanner's PathSyntax.normalizeBraces)."""
    out, inside, skipping = [], False, False
    for ch in path:
        if ch == "{":
            inside, skipping = True, False
            out.append(ch)
            continue
        if ch == "}":
            inside, skipping = False, False
            out.append(ch)
            continue
        if inside and ch == ":":
            skipping = True
            continue
        if not skipping:
            out.append(ch)
    return "".join(out)


def normalize_angles(path):
    """Flask/Django ``<int:id>`` -> ``{id}`` (PathSyntax.normalizeAngles)."""
    out, i = [], 0
    while i < len(path):
        ch = path[i]
        close = path.find(">", i)
        if ch == "<" and close != -1:
            inner = path[i + 1:close]
            name = inner.split(":")[-1].strip()
            out.append("{" + name + "}")
            i = close + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def regex_to_path(pattern):
    """Django ``re_path`` regex -> ``{name}`` path, or None (PathSyntax.regexToPath)."""
    text = pattern
    if text.startswith("^"):
        text = text[1:]
    if text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1]
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if text.startswith("(?P<", i):
            name_end = text.find(">", i + 4)
            if name_end == -1:
                return None
            depth, cursor, close = 0, i, None
            while cursor < len(text):
                c = text[cursor]
                if c == "\\":
                    cursor += 1
                elif c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        close = cursor
                        break
                cursor += 1
            if close is None:
                return None
            out.append("{" + text[i + 4:name_end] + "}")
            i = close + 1
            continue
        if ch == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "./-_":
                return None
            out.append(text[i + 1])
            i += 2
            continue
        if ch in "()[]*+?|{}^$":
            return None
        out.append(ch)
        i += 1
    return "".join(out)


# ---------------------------------------------------------------- source locations

_ast_cache = {}


def _definitions(filename):
    """(kind, name, first line incl. decorators, def line, qualname) for every def/class."""
    if filename in _ast_cache:
        return _ast_cache[filename]
    found = []
    try:
        with open(filename, "rb") as f:
            tree = ast.parse(f.read(), filename)
    except Exception:
        _ast_cache[filename] = found
        return found

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = min([d.lineno for d in child.decorator_list] + [child.lineno])
                qual = prefix + child.name
                kind = "class" if isinstance(child, ast.ClassDef) else "def"
                found.append((kind, child.name, first, child.lineno, qual))
                inner = qual + "." if kind == "class" else qual + ".<locals>."
                visit(child, inner)
            else:
                visit(child, prefix)

    visit(tree, "")
    _ast_cache[filename] = found
    return found


def _unwrap(obj):
    for _ in range(20):
        if isinstance(obj, functools.partial):
            obj = obj.func
            continue
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
            continue
        if inspect.ismethod(obj):
            obj = obj.__func__
            continue
        try:
            nxt = inspect.unwrap(obj)
        except Exception:
            nxt = obj
        if nxt is obj:
            nxt = _wrapped_by_closure(obj)
            if nxt is None:
                break
        obj = nxt
    return obj


# Closure cells that hold the decorated function in decorators that forget functools.wraps
# (marimo's APIRouter.get: `async def wrapper_func(request): ... func(request=request)`).
WRAPPED_CELLS = ("func", "f", "fn", "function", "view", "view_func", "handler", "endpoint", "wrapped", "method")


def _wrapped_by_closure(obj):
    code = getattr(obj, "__code__", None)
    closure = getattr(obj, "__closure__", None)
    if code is None or not closure or "<locals>" not in getattr(obj, "__qualname__", ""):
        return None
    cells = dict(zip(code.co_freevars, closure))
    for name in WRAPPED_CELLS:
        if name in cells:
            try:
                value = cells[name].cell_contents
            except ValueError:
                continue
            if inspect.isfunction(value) or inspect.ismethod(value) or inspect.isclass(value):
                return value
    return None


def locate(obj):
    """(file, def line, qualname) of a handler: function, class, or callable instance."""
    obj = _unwrap(obj)
    if inspect.isclass(obj):
        try:
            filename = inspect.getsourcefile(obj) or inspect.getfile(obj)
        except Exception:
            return None, None, getattr(obj, "__qualname__", repr(obj))
        qual = obj.__qualname__
        for kind, name, first, line, q in _definitions(filename):
            if kind == "class" and q == qual:
                return filename, line, qual
        for kind, name, first, line, q in _definitions(filename):
            if kind == "class" and name == obj.__name__:
                return filename, line, qual
        return filename, None, qual
    code = getattr(obj, "__code__", None)
    if code is None:
        # A callable instance (an ASGI app object, a view instance): its class.
        if callable(obj) and not isinstance(obj, (types.BuiltinFunctionType,)):
            return locate(type(obj))
        return None, None, repr(obj)
    filename = code.co_filename
    qual = getattr(obj, "__qualname__", code.co_name)
    if code.co_name == "<lambda>":
        return filename, code.co_firstlineno, qual
    candidates = [d for d in _definitions(filename) if d[0] == "def" and d[1] == code.co_name]
    for kind, name, first, line, q in candidates:
        if first == code.co_firstlineno:
            return filename, line, qual
    for kind, name, first, line, q in candidates:
        if line == code.co_firstlineno:
            return filename, line, qual
    return filename, code.co_firstlineno, qual


# ---------------------------------------------------------------- records

class Collector:
    def __init__(self, roots, framework):
        # [(real folder or file, prefix in the scanned folder)]
        self.roots = [(os.path.realpath(real), prefix) for real, prefix in roots]
        self.framework = framework
        self.records = []

    def relative(self, real):
        for base, prefix in self.roots:
            if real == base and os.path.isfile(base):
                return prefix.rstrip("/")
            relative = os.path.relpath(real, base)
            if not (relative.startswith(".." + os.sep) or relative == ".." or os.path.isabs(relative)):
                return prefix + relative.replace(os.sep, "/")
        return None

    def add(self, methods, path, raw_path, handler, kind="http", literal=True, note=None, handler_obj_override=None):
        filename, line, qual = locate(handler) if handler is not None else (None, None, None)
        rel = None
        external = None
        if filename:
            real = os.path.realpath(filename)
            rel = self.relative(real)
            if rel is None:
                external = real
        record = {
            "methods": sorted(set(methods)),
            "path": path,
            "raw_path": raw_path,
            "kind": kind,
            "file": rel,
            "line": line,
            "function": qual,
            "external": external is not None or filename is None,
            "literal": literal,
            "dynamic": False,
        }
        if external:
            record["external_file"] = portable(external)
        if note:
            record["note"] = note
        self.records.append(record)


def portable(path):
    """An external handler's file without this machine's folders: site-packages/... or stdlib/..."""
    import sysconfig
    for label, base in (("site-packages", sysconfig.get_paths()["purelib"]), ("site-packages", sysconfig.get_paths()["platlib"]),
                        ("stdlib", sysconfig.get_paths()["stdlib"])):
        base = os.path.realpath(base)
        if path.startswith(base + os.sep):
            return label + "/" + os.path.relpath(path, base).replace(os.sep, "/")
    return os.path.basename(path)


def clean_methods(methods, automatic_options=False):
    ms = {m.upper() for m in methods}
    if "GET" in ms:
        ms.discard("HEAD")
    if automatic_options:
        ms.discard("OPTIONS")
    return sorted(ms) if ms else ["ANY"]


# ---------------------------------------------------------------- ASGI (FastAPI, Starlette)

def asgi_routes(app, collector):
    from starlette import routing as sr
    try:
        from fastapi import routing as fr
    except Exception:
        fr = None

    def class_methods(cls):
        ms = [m for m in VERBS if m != "HEAD" and callable(getattr(cls, m.lower(), None))]
        return ms

    def routes_of(obj, depth=0):
        seen = set()
        for _ in range(10):
            if id(obj) in seen:
                break
            seen.add(id(obj))
            routes = getattr(obj, "routes", None)
            if isinstance(routes, list):
                return routes
            # Unwrap middleware stacks: .app attribute chains.
            nxt = getattr(obj, "app", None)
            if nxt is None or nxt is obj:
                break
            obj = nxt
        return None

    def walk(routes, prefix, visited):
        for route in routes:
            if isinstance(route, sr.Mount):
                sub = routes_of(route.app)
                raw = prefix + route.path
                if sub is not None and id(sub) not in visited:
                    walk(sub, raw, visited | {id(sub)})
                else:
                    collector.add(["ANY"], normalize_braces(raw) or "/", raw, route.app, kind="mount",
                                  note="mounted ASGI app without a route table: " + type(route.app).__name__)
            elif hasattr(route, "original_router") and hasattr(route, "include_context"):
                # FastAPI >= 0.140 keeps include_router lazy: an _IncludedRouter holding the
                # included router and its prefix (joined as prefix + route.path, path_for()).
                sub = route.original_router.routes
                walk(sub, prefix + route.include_context.prefix, visited | {id(sub)})
            elif isinstance(route, sr.Host):
                sub = routes_of(route.app)
                if sub is not None and id(sub) not in visited:
                    walk(sub, prefix, visited | {id(sub)})
            elif isinstance(route, sr.WebSocketRoute) or (fr is not None and isinstance(route, fr.APIWebSocketRoute)):
                raw = prefix + route.path
                collector.add(["WEBSOCKET"], normalize_braces(raw), raw, route.endpoint, kind="websocket")
            elif isinstance(route, sr.Route):
                raw = prefix + route.path
                endpoint = route.endpoint
                if route.methods is None:
                    target = _unwrap(endpoint)
                    if inspect.isclass(target) and class_methods(target):
                        methods = class_methods(target)
                    else:
                        methods = ["ANY"]
                else:
                    methods = list(route.methods)
                if fr is not None and isinstance(route, fr.APIRoute):
                    # FastAPI adds no HEAD of its own; api_route(methods=[...]) lists them all.
                    methods = list(route.methods)
                collector.add(clean_methods(methods), normalize_braces(raw), raw, endpoint)
            else:
                raw = prefix + getattr(route, "path", "")
                endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
                methods = list(getattr(route, "methods", None) or ["ANY"])
                collector.add(clean_methods(methods), normalize_braces(raw), raw, endpoint,
                              note="route class " + type(route).__module__ + "." + type(route).__qualname__)

    top = routes_of(app)
    if top is None:
        raise SystemExit("truth: the app object has no route table: %r" % (app,))
    walk(top, "", {id(top)})


# ---------------------------------------------------------------- Flask

def flask_routes(app, collector):
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        handler = getattr(view, "view_class", None) or view
        automatic = bool(getattr(rule, "provide_automatic_options", False))
        methods = clean_methods(rule.methods or ["ANY"], automatic_options=automatic)
        note = None
        if getattr(rule, "subdomain", None) or getattr(rule, "host", None):
            note = "subdomain/host rule: %s%s" % (rule.subdomain or "", rule.host or "")
        collector.add(methods, normalize_angles(rule.rule), rule.rule, handler, note=note)


# ---------------------------------------------------------------- Django

def django_routes(collector):
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
    from django.views import View

    framework_options = set()
    framework_options.add(View.options)
    try:
        from rest_framework.views import APIView
        framework_options.add(APIView.options)
    except Exception:
        APIView = None

    def piece(pattern):
        """(raw, normalised or None, note)"""
        if isinstance(pattern, RoutePattern):
            raw = str(pattern._route)
            return raw, normalize_angles(raw), None
        if isinstance(pattern, RegexPattern):
            raw = str(pattern._regex)
            return raw, regex_to_path(raw), None
        if isinstance(pattern, LocalePrefixPattern):
            raw = pattern.language_prefix
            return raw, raw, "i18n_patterns language prefix"
        raw = str(pattern)
        return raw, None, "pattern class " + type(pattern).__name__

    def view_methods(cls):
        names = getattr(cls, "http_method_names", [m.lower() for m in VERBS])
        ms = []
        for name in names:
            attr = getattr(cls, name, None)
            if attr is None:
                continue
            if name == "options" and attr in framework_options:
                continue
            ms.append(name.upper())
        return ms

    def closure_methods(func):
        """Methods from require_http_methods/require_GET/... wrappers, if any."""
        obj = func
        for _ in range(20):
            code = getattr(obj, "__code__", None)
            if code is not None and obj.__closure__:
                cells = dict(zip(code.co_freevars, obj.__closure__))
                if "request_method_list" in cells:
                    try:
                        return [m.upper() for m in cells["request_method_list"].cell_contents]
                    except ValueError:
                        pass
            nxt = getattr(obj, "__wrapped__", None)
            if nxt is None:
                return None
            obj = nxt
        return None

    def callback_records(callback):
        """[(methods, handler, note)] for one URLPattern callback."""
        # django-ninja: a bound PathView.get_view(); one record per operation.
        owner = getattr(callback, "__self__", None)
        if owner is not None and hasattr(owner, "operations") and type(owner).__module__.startswith("ninja"):
            out = []
            for op in owner.operations:
                out.append((clean_methods(op.methods), op.view_func, "django-ninja operation"))
            return out
        # DRF ViewSet.as_view(actions)
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None)
        if cls is not None and isinstance(actions, dict):
            return [(clean_methods(actions.keys()), cls, None)]
        view_class = getattr(callback, "view_class", None) or cls
        if view_class is not None:
            if view_class.__module__ == getattr(callback, "__module__", None) and view_class.__name__ == "WrappedAPIView" or \
                    getattr(view_class, "__qualname__", "").endswith("WrappedAPIView"):
                # @api_view: the handler is the decorated function.
                ms = view_methods(view_class)
                handler = view_class
                fn = getattr(view_class, (ms[0] if ms else "get").lower(), None)
                for cell in (getattr(fn, "__closure__", None) or ()):
                    try:
                        value = cell.cell_contents
                    except ValueError:
                        continue
                    if inspect.isfunction(value):
                        handler = value
                        break
                return [(clean_methods(ms, automatic_options=True), handler, "DRF @api_view")]
            return [(clean_methods(view_methods(view_class), automatic_options=True), view_class, None)]
        ms = closure_methods(callback)
        return [(clean_methods(ms) if ms else ["ANY"], callback, None)]

    def walk(patterns, prefix_raw, prefix_norm, literal, depth):
        for p in patterns:
            raw, norm, note = piece(p.pattern)
            full_raw = prefix_raw + raw
            ok = literal and norm is not None
            full_norm = prefix_norm + (norm if norm is not None else raw)
            if isinstance(p, URLResolver):
                try:
                    children = p.url_patterns
                except Exception as error:
                    collector.add(["ANY"], "/" + full_norm, "/" + full_raw, None, kind="error",
                                  note="include failed: %s" % error)
                    continue
                walk(children, full_raw, full_norm, ok, depth + 1)
            elif isinstance(p, URLPattern):
                for methods, handler, extra in callback_records(p.callback):
                    collector.add(methods, "/" + full_norm, "/" + full_raw, handler, literal=ok,
                                  note="; ".join(x for x in (note, extra) if x) or None)

    walk(get_resolver().url_patterns, "", "", True, 0)


# ---------------------------------------------------------------- main

def load_manifest():
    with open(os.path.join(HERE, "corpus.json")) as f:
        return json.load(f)


def find_entry(manifest, name):
    for entry in manifest["apps"]:
        if entry["name"] == name:
            return entry
    raise SystemExit("truth: no app %r in corpus.json" % name)


def prepare(entry, workdir):
    """Config files the app needs to import, folders and environment, all in its corpus folder
    (never in the app). serve.py prepares an app the same way."""
    os.makedirs(workdir, exist_ok=True)
    for name, content in entry.get("files", {}).items():
        target = os.path.join(workdir, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as f:
            f.write(content.replace("@WORKDIR@", workdir))
    for name in entry.get("mkdirs", []):
        os.makedirs(os.path.join(workdir, name), exist_ok=True)
    for key, value in entry.get("env", {}).items():
        os.environ[key] = value.replace("@WORKDIR@", workdir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", required=True)
    parser.add_argument("--workdir", help="the app's corpus folder (default: .corpus/<app>)")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.out:
        args.out = os.path.abspath(args.out)

    manifest = load_manifest()
    entry = find_entry(manifest, args.app)
    repo = os.path.dirname(os.path.dirname(HERE))
    workdir = os.path.abspath(args.workdir or os.path.join(repo, ".corpus", entry["name"]))
    prepare(entry, workdir)
    os.chdir(workdir)
    sys.path.insert(0, workdir)

    group = os.path.dirname(os.path.realpath(sys.prefix))
    if entry.get("scan_distribution"):
        # A distribution that installs several top-level packages (netbox: netbox/, dcim/,
        # ipam/, ...): the scanned folder is <venv group>/src-<app>, one symlink per top-level
        # package, the layout of the project's own source tree.
        from importlib import metadata as importlib_metadata
        dist = importlib_metadata.distribution(entry["scan_distribution"])
        tops = set()
        for f in dist.files or []:
            parts = f.parts
            if not parts or parts[0].endswith((".dist-info", ".data")) or parts[0] in ("..", "__pycache__", "bin"):
                continue
            if len(parts) == 1 and not parts[0].endswith(".py"):
                continue
            tops.add(parts[0])
        site = os.path.realpath(str(dist.locate_file("")))
        root = os.path.join(group, "src-" + entry["name"])
        os.makedirs(root, exist_ok=True)
        roots = []
        for top in sorted(tops):
            link = os.path.join(root, top)
            if not os.path.islink(link):
                os.symlink(os.path.join(site, top), link)
            roots.append((os.path.join(site, top), top + "/"))
    else:
        package = importlib.util.find_spec(entry["scan_package"])
        if package is None or not package.submodule_search_locations:
            raise SystemExit("truth: package %r is not installed" % entry["scan_package"])
        root = os.path.realpath(list(package.submodule_search_locations)[0])
        roots = [(root, "")]

    framework = entry["framework"]
    collector = Collector(roots, framework)
    namespace = {"__name__": "__corpus_loader__"}
    if framework == "django":
        os.environ["DJANGO_SETTINGS_MODULE"] = entry["django_settings"]
        if entry.get("load"):
            exec(compile(entry["load"], "<corpus.json load>", "exec"), namespace)
        import django
        django.setup()
        django_routes(collector)
    else:
        exec(compile(entry["load"], "<corpus.json load>", "exec"), namespace)
        app = namespace["app"]
        if framework == "flask":
            flask_routes(app, collector)
        else:
            asgi_routes(app, collector)

    dynamic = [re.compile(rx) for rx in entry.get("dynamic_paths", [])]
    dynamic_functions = [re.compile(rx) for rx in entry.get("dynamic_functions", [])]
    for record in collector.records:
        if any(rx.search(record["path"]) for rx in dynamic) or \
                any(rx.search(record["function"] or "") for rx in dynamic_functions):
            record["dynamic"] = True

    records = sorted(collector.records, key=lambda r: (r["path"], r["methods"], r["file"] or "", r["line"] or 0))
    truth = {
        "schema": 1,
        "app": entry["name"],
        "framework": framework,
        "scan_root": os.path.relpath(root, group),
        "python": "%d.%d.%d" % sys.version_info[:3],
        "counts": {
            "records": len(records),
            "scored": sum(1 for r in records if is_scored(r)),
            "external": sum(1 for r in records if r["external"]),
            "dynamic": sum(1 for r in records if r["dynamic"]),
            "nonliteral": sum(1 for r in records if not r["literal"]),
            "non_http": sum(1 for r in records if r["kind"] != "http"),
        },
        "routes": records,
    }
    text = json.dumps(truth, indent=1, sort_keys=True) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    c = truth["counts"]
    print("truth: %s: %d routes, %d scored (external %d, dynamic %d, non-literal %d, non-HTTP %d)"
          % (entry["name"], c["records"], c["scored"], c["external"], c["dynamic"], c["nonliteral"], c["non_http"]),
          file=sys.stderr)


def is_scored(record):
    return record["kind"] == "http" and not record["external"] and record["literal"] and not record["dynamic"] \
        and record["file"] is not None and record["line"] is not None


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(2)
    # Apps start worker threads and schedulers when built; do not wait for them.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
