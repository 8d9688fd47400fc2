"""Print a web app's runtime route table as JSON: the oracle that scan's routes are checked against.

Usage, with the app's own virtualenv python:

    python route_oracle.py <app-root> <module:attr | module:factory()>

It imports the app the way a server would (the app root first on sys.path), without
starting a server, and reads the framework's own route table: FastAPI/Starlette
`app.routes` (routers included, mounts followed), Flask `app.url_map` with
`app.view_functions`. It shares no code with chaos-test's scanner on purpose.

Output: a JSON list, sorted by path then methods, of
    {"methods": [...], "path": "/x/{id}", "function": "name", "file": "pkg/mod.py", "line": N}
`line` is the line of the `def` (of `async` for `async def`), not of a decorator.
"""

import ast
import importlib
import inspect
import json
import os
import re
import socket
import sys
import tempfile

# Dependency URLs point at the discard port on loopback and databases into a
# throwaway folder, so importing an app never reaches out or writes into its tree.
LOOPBACK_URL = "http://127.0.0.1:9"
ENV_DEFAULTS = {
    "PROVIDER_URL": LOOPBACK_URL,
    "SUPPLIER_URL": LOOPBACK_URL,
}
FASTAPI_DOC_ATTRS = ("openapi_url", "docs_url", "swagger_ui_oauth2_redirect_url", "redoc_url")
STARLETTE_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")
WERKZEUG_PARAM = re.compile(r"<(?:[A-Za-z_][A-Za-z0-9_]*(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class OracleError(Exception):
    pass


def _no_network(*args, **kwargs):
    raise OracleError("route_oracle: the app tried to open a network connection while being imported")


def _isolate(scratch: str) -> None:
    sys.dont_write_bytecode = True
    for name, value in ENV_DEFAULTS.items():
        os.environ[name] = value
    os.environ["DATABASE_PATH"] = os.path.join(scratch, "oracle.db")
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(scratch, "oracle-url.db")
    socket.socket.connect = _no_network
    socket.socket.connect_ex = _no_network
    socket.create_connection = _no_network


def _load_app(root: str, spec: str):
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise OracleError(f"route_oracle: '{spec}' is not module:attr or module:factory()")
    sys.path.insert(0, root)
    module = importlib.import_module(module_name)
    call = attr.endswith("()")
    name = attr[:-2] if call else attr
    try:
        target = getattr(module, name)
    except AttributeError:
        raise OracleError(f"route_oracle: {module_name} has no attribute '{name}'")
    return target() if call else target


class DefLines:
    """Finds the `def` (or `class`) line of an endpoint, parsing each file once."""

    def __init__(self, root: str):
        self.root = os.path.realpath(root)
        self.trees = {}

    def _tree(self, path: str, what: str):
        path = os.path.realpath(path)
        relative = os.path.relpath(path, self.root)
        if relative.startswith(".."):
            raise OracleError(f"route_oracle: {what} is defined outside the app root, in {path}")
        if path not in self.trees:
            with open(path, "rb") as source:
                self.trees[path] = ast.parse(source.read(), filename=path)
        return self.trees[path], relative.replace(os.sep, "/")

    @staticmethod
    def _find(tree, kinds, name: str, first: int):
        # The runtime gives the first decorator's line (co_firstlineno, or what
        # inspect reports for a class); the node carries the def's own line.
        for node in ast.walk(tree):
            if isinstance(node, kinds) and node.name == name:
                starts = [node.lineno] + [decorator.lineno for decorator in node.decorator_list[:1]]
                if first in starts:
                    return node.lineno
        return None

    def locate(self, func):
        func = inspect.unwrap(func)
        code = getattr(func, "__code__", None)
        if code is None:
            raise OracleError(f"route_oracle: the endpoint {func!r} is not a Python function")
        tree, relative = self._tree(code.co_filename, func.__qualname__)
        line = self._find(tree, (ast.FunctionDef, ast.AsyncFunctionDef), func.__name__, code.co_firstlineno)
        if line is None:
            raise OracleError(f"route_oracle: no def of {func.__name__} starts at {relative}:{code.co_firstlineno}")
        return relative, line

    def locate_class(self, cls):
        _, first = inspect.getsourcelines(cls)
        tree, relative = self._tree(inspect.getsourcefile(cls), cls.__qualname__)
        line = self._find(tree, (ast.ClassDef,), cls.__name__, first)
        if line is None:
            raise OracleError(f"route_oracle: no class {cls.__name__} starts at {relative}:{first}")
        return relative, line


def _starlette_routes(app, lines: DefLines):
    from starlette.routing import Mount, Route

    try:
        from fastapi.routing import APIRoute
    except ImportError:
        APIRoute = ()

    def expand(routes):
        # FastAPI 0.16x keeps each included router as one branch and builds its
        # routes lazily; iter_route_contexts gives them with their full paths.
        try:
            from fastapi.routing import iter_route_contexts
        except ImportError:
            for route in routes:
                yield route, route
            return
        for context in iter_route_contexts(routes):
            yield context.original_route, context

    def walk(owner, routes, prefix):
        # FastAPI's own docs pages are plain Routes at the owner's configured URLs.
        docs = {prefix + url for url in (getattr(owner, attr, None) for attr in FASTAPI_DOC_ATTRS) if url}
        for route, effective in expand(routes):
            if isinstance(route, Mount):
                inner = getattr(route, "routes", None)
                if inner:
                    yield from walk(route.app, inner, prefix + effective.path)
            elif isinstance(route, Route):
                path = prefix + effective.path
                if path in docs and not isinstance(route, APIRoute):
                    continue
                endpoint = effective.endpoint
                if inspect.isclass(endpoint):
                    methods = {m for m in HTTP_METHODS if callable(getattr(endpoint, m.lower(), None))}
                    file, line = lines.locate_class(endpoint)
                else:
                    methods = set(effective.methods or ())
                    file, line = lines.locate(endpoint)
                # Starlette adds HEAD to every GET route by itself; FastAPI's APIRoute does not.
                if "GET" in methods and not isinstance(route, APIRoute):
                    methods.discard("HEAD")
                yield {
                    "methods": sorted(m.upper() for m in methods),
                    "path": STARLETTE_PARAM.sub(r"{\1}", path),
                    "function": inspect.unwrap(endpoint).__name__,
                    "file": file,
                    "line": line,
                }

    return list(walk(app, app.routes, ""))


def _flask_routes(app, lines: DefLines):
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        methods = set(rule.methods or ())
        # Werkzeug adds HEAD to GET rules, Flask adds OPTIONS unless told not to.
        if "GET" in methods:
            methods.discard("HEAD")
        if getattr(rule, "provide_automatic_options", False):
            methods.discard("OPTIONS")
        func = app.view_functions[rule.endpoint]
        view_class = getattr(func, "view_class", None)
        if view_class is not None:
            file, line = lines.locate_class(view_class)
            name = view_class.__name__
        else:
            file, line = lines.locate(func)
            name = inspect.unwrap(func).__name__
        routes.append({
            "methods": sorted(methods),
            "path": WERKZEUG_PARAM.sub(r"{\1}", rule.rule),
            "function": name,
            "file": file,
            "line": line,
        })
    return routes


def main(argv):
    if len(argv) != 3:
        print("usage: route_oracle.py <app-root> <module:attr | module:factory()>", file=sys.stderr)
        return 2
    root, spec = os.path.abspath(argv[1]), argv[2]
    if not os.path.isdir(root):
        print(f"route_oracle: {root} is not a folder", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="route-oracle-") as scratch:
        try:
            _isolate(scratch)
            app = _load_app(root, spec)
            lines = DefLines(root)
            if hasattr(app, "url_map") and hasattr(app, "view_functions"):
                routes = _flask_routes(app, lines)
            elif hasattr(app, "routes"):
                routes = _starlette_routes(app, lines)
            else:
                raise OracleError(f"route_oracle: {spec} is a {type(app).__name__}, not a Flask, FastAPI or Starlette app")
        except OracleError as error:
            print(error, file=sys.stderr)
            return 1
    routes.sort(key=lambda route: (route["path"], route["methods"]))
    json.dump(routes, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
