import Artifacts
import Testing

@Suite struct FastAPIRoutesTests {
    @Test func decoratorsForEveryMethodWithTheDefLineNotTheDecorator() {
        let result = scan([
            "main.py": """
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/a")
            def a(): return 1

            @app.post("/b")
            async def b():
                return 2

            @app.put("/c")
            @app.patch("/c")
            def c():
                pass

            @app.delete("/d/{item_id}")
            @app.options("/d/{item_id}")
            @app.head("/d/{item_id}")
            @app.trace("/d/{item_id}")
            def d(item_id: int):
                pass
            """
        ])
        #expect(result.apps.map(\.id) == ["main:app"])
        #expect(
            result.routeTable == [
                "GET /a": "main.py:6 a", "POST /b": "main.py:9 b", "PUT /c": "main.py:14 c", "PATCH /c": "main.py:14 c",
                "DELETE /d/{item_id}": "main.py:21 d", "OPTIONS /d/{item_id}": "main.py:21 d",
                "HEAD /d/{item_id}": "main.py:21 d", "TRACE /d/{item_id}": "main.py:21 d",
            ])
        #expect(result.routes.first { $0.function == "b" }?.isAsync == true)
        #expect(result.routes.first { $0.function == "a" }?.isAsync == false)
    }

    @Test func apiRouteAddAPIRouteAndExtraDecorators() {
        let result = scan([
            "main.py": """
            import functools
            from fastapi import FastAPI

            app = FastAPI()

            def logged(f):
                return f

            @app.api_route("/multi", methods=["GET", "post"])
            @logged
            async def multi():
                ...

            @logged
            @app.get("/wrapped")
            def wrapped():
                ...

            def plain():
                ...

            app.add_api_route("/plain", plain, methods=["PUT"])
            app.add_api_route("/default", plain)
            """
        ])
        #expect(
            result.routeTable == [
                "GET /multi": "main.py:11 multi", "POST /multi": "main.py:11 multi", "GET /wrapped": "main.py:16 wrapped",
                "PUT /plain": "main.py:19 plain", "GET /default": "main.py:19 plain",
            ])
    }

    @Test func prefixesAcrossModulesThroughImportsAndNestedRouters() {
        let result = scan([
            "app/__init__.py": "",
            "app/main.py": """
            from fastapi import FastAPI
            from app.api.search import router as search_router
            from app.api import bookings
            from .api.admin import admin

            app = FastAPI()
            app.include_router(search_router, prefix="/api")
            app.include_router(bookings.router, prefix="/api")
            app.include_router(admin)
            """,
            "app/api/__init__.py": "",
            "app/api/search.py": """
            from fastapi import APIRouter
            router = APIRouter()

            @router.post("/search")
            async def search(): ...
            """,
            "app/api/bookings.py": """
            from fastapi import APIRouter
            PREFIX = "/bookings"
            router = APIRouter(prefix=PREFIX)
            inner = APIRouter(prefix="/{booking_id}")

            @inner.post("/confirm")
            def confirm(booking_id: str): ...

            @router.get("")
            def list_bookings(): ...

            router.include_router(inner)
            """,
            "app/api/admin.py": """
            from fastapi import APIRouter
            admin = APIRouter(prefix="/admin", tags=["admin"])

            @admin.get("/stats")
            def stats(): ...
            """,
        ])
        #expect(
            result.routeTable == [
                "POST /api/search": "app/api/search.py:5 search",
                "GET /api/bookings": "app/api/bookings.py:10 list_bookings",
                "POST /api/bookings/{booking_id}/confirm": "app/api/bookings.py:7 confirm",
                "GET /admin/stats": "app/api/admin.py:5 stats",
            ])
        #expect(result.routes.allSatisfy { $0.app == "app.main:app" })
    }

    @Test func routersBuiltInFunctionsAndRoutesUnderIfBlocks() {
        let result = scan([
            "main.py": """
            import os
            from fastapi import APIRouter, FastAPI

            def build_router():
                router = APIRouter(prefix="/v1")

                @router.get("/items")
                def items(): ...

                return router

            def create_app():
                app = FastAPI()
                app.include_router(build_router(), prefix="/api")
                if os.environ.get("DEBUG"):
                    @app.get("/debug")
                    def debug(): ...
                return app
            """
        ])
        #expect(result.apps.map(\.id) == ["main:create_app()"])
        #expect(result.apps.first?.factory == true)
        #expect(result.routeTable == ["GET /api/v1/items": "main.py:8 items", "GET /debug": "main.py:17 debug"])
        #expect(result.routes.first { $0.function == "items" }?.qualname == "build_router.<locals>.items")
    }

    @Test func pathConvertersAreNormalizedAndRawPathKept() {
        let result = scan([
            "main.py": """
            from fastapi import FastAPI
            app = FastAPI()

            @app.get("/files/{file_path:path}")
            def read(file_path: str): ...
            """
        ])
        #expect(result.routes.first?.path == "/files/{file_path}")
        #expect(result.routes.first?.rawPath == "/files/{file_path:path}")
    }

    @Test func loopsOverKnownValuesAreExpandedAndUnknownPartsAreMarkedNotDropped() {
        let result = scan([
            "main.py": """
            from fastapi import FastAPI
            app = FastAPI()
            NAMES = ["a", "b"]

            for name in NAMES:
                @app.get("/" + name)
                def handler(): ...

            def path_for(x):
                return "/" + x

            @app.get(path_for("c"))
            def computed(): ...

            @app.get(f"/{NAMES[0]}")
            def formatted(): ...

            @app.get("/fixed")
            def fixed(): ...
            """
        ])
        #expect(
            result.routeTable == [
                // path_for's one caller passes "c", so its parameter is known.
                "GET /a": "main.py:7 handler", "GET /b": "main.py:7 handler", "GET /c": "main.py:13 computed",
                "GET /{?NAMES}": "main.py:16 formatted", "GET /fixed": "main.py:19 fixed",
            ])
        let marked = result.diagnostics.filter { $0.message.hasPrefix("partly dynamic route at main.py:") }
        #expect(marked.map(\.line) == [15])
        #expect(marked.last?.message.contains("`NAMES[0]`") == true)
        #expect(!result.diagnostics.contains { $0.message.hasPrefix("dynamic route at") })
    }

    @Test func aLoopOverValuesKnownOnlyAtRunTimeIsADynamicRouteAtItsLine() {
        let result = scan([
            "main.py": """
            from fastapi import FastAPI
            from plugins import discover
            app = FastAPI()

            for plugin in discover():
                app.include_router(plugin.router)

            while True:
                app.add_api_route("/x", lambda: None)
                break
            """
        ])
        #expect(result.routes.isEmpty)
        let lines = result.diagnostics.filter { $0.message.hasPrefix("dynamic route at main.py:") }.map(\.line)
        #expect(lines == [6, 9])
    }

    @Test func anIncludeTheScannerCannotFollowIsReported() {
        let result = scan([
            "main.py": """
            from fastapi import APIRouter, FastAPI
            from tiles import TilerFactory

            app = FastAPI()
            cog = TilerFactory(prefix="/cog")
            app.include_router(cog.router, prefix="/cog")

            @app.get("/healthz")
            def healthz(): ...
            """
        ])
        #expect(result.routeTable == ["GET /healthz": "main.py:9 healthz"])
        #expect(result.diagnostics.contains { $0.line == 6 && $0.message.hasPrefix("routes not listed: main.py:6 includes `cog.router`") })
    }

    @Test func unincludedRouterIsNotServedAndSaysSo() {
        let result = scan([
            "main.py": """
            from fastapi import APIRouter, FastAPI
            app = FastAPI()
            orphan = APIRouter()

            @orphan.get("/lost")
            def lost(): ...
            """
        ])
        #expect(result.routes.isEmpty)
        #expect(result.diagnostics.contains { $0.line == 5 && $0.message.contains("no app includes") })
    }
}
