import Artifacts
import Discovery
import Fixes
import Foundation
import Testing
import TestSupport

/// `reuse-http-client` for an `httpx.AsyncClient` opens the shared client in the app's lifespan
/// (never at import time), and `idempotency-key` forwards only a key that is the same on each
/// retry: the inbound request's.
struct LifespanClientAndIdempotencyTests {
    let recipes = RecipeTests()

    static let client = """
        import httpx


        async def fetch(n):
            async with httpx.AsyncClient() as client:
                resp = await client.get(f"http://127.0.0.1:9/items/{n}")
            return resp.json()

        """

    static func main(lifespan: Bool) -> String {
        let head = """
            from contextlib import asynccontextmanager

            from fastapi import FastAPI

            from client import fetch


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                yield


            """
        let app = lifespan ? "app = FastAPI(lifespan=lifespan)\n" : "app = FastAPI()\n"
        return head + app + """


            @app.get("/items/{n}")
            async def item(n: int):
                return await fetch(n)

            """
    }

    @Test func anAsyncClientIsOpenedAndClosedInTheLifespan() throws {
        let proposed = try recipes.propose(
            ["client.py": Self.client, "main.py": Self.main(lifespan: true)],
            patterns: [recipes.pattern(.clientPerRequest, "client.py", 5)])
        let reuse = try #require(proposed.output.proposals.proposals.first { $0.recipe == "reuse-http-client" })
        let client = try proposed.applied(reuse, "client.py")
        #expect(client.contains("    client = get_http_client()\n    resp = await client.get("))
        #expect(client.contains("_http_client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))"))
        #expect(client.contains("await _http_client.aclose()"))
        #expect(!client.contains("\n_HTTPX_ASYNC_CLIENT"), "an import-time AsyncClient outlives the event loop")
        let main = try proposed.applied(reuse, "main.py")
        #expect(main.contains("from client import close_http_client, fetch, open_http_client") || main.contains("from client import close_http_client, open_http_client"))
        #expect(main.contains("    open_http_client()  # chaos-test fix: the shared HTTP client lives as long as the app\n    yield\n    await close_http_client()\n"))
        #expect(reuse.rationale.contains("lifespan"))
    }

    @Test func withoutALifespanThereIsNoImportTimeAsyncClient() throws {
        let proposed = try recipes.propose(
            ["client.py": Self.client, "main.py": Self.main(lifespan: false)],
            patterns: [recipes.pattern(.clientPerRequest, "client.py", 5)])
        let reuse = try #require(proposed.output.proposals.proposals.first { $0.recipe == "reuse-http-client" })
        #expect(reuse.patch == nil)
        #expect(reuse.rationale.contains("no `lifespan=` function"), "\(reuse.rationale)")
    }

    @Test func anAppWithAStartupHandlerOpensItThereAndClosesItAtShutdown() throws {
        let main = """
            from fastapi import FastAPI

            from client import fetch

            app = FastAPI()


            @app.on_event("startup")
            async def startup():
                print("starting")


            @app.get("/items/{n}")
            async def item(n: int):
                return await fetch(n)

            """
        let proposed = try recipes.propose(
            ["client.py": Self.client, "main.py": main], patterns: [recipes.pattern(.clientPerRequest, "client.py", 5)])
        let reuse = try #require(proposed.output.proposals.proposals.first { $0.recipe == "reuse-http-client" })
        let after = try proposed.applied(reuse, "main.py")
        #expect(after.contains("async def startup():\n    open_http_client()  # chaos-test fix"))
        #expect(after.contains("@app.on_event(\"shutdown\")\nasync def close_shared_http_client():\n    await close_http_client()\n"))
    }

    @Test func aHandlerForwardsTheClientsIdempotencyKey() throws {
        let app = """
            import httpx
            from fastapi import FastAPI, Request

            app = FastAPI()


            @app.post("/holds")
            async def hold(request: Request):
                resp = httpx.post("http://127.0.0.1:9/holds", json={"n": 1})
                return resp.json()

            """
        let proposed = try recipes.propose(
            ["app.py": app], patterns: [recipes.pattern(.nonIdempotentWrite, "app.py", 9)])
        let key = try #require(proposed.output.proposals.proposals.first { $0.recipe == "idempotency-key" })
        let after = try proposed.applied(key, "app.py")
        #expect(after.contains("    idempotency_key = request.headers.get(\"Idempotency-Key\")"))
        #expect(after.contains("headers={\"Idempotency-Key\": idempotency_key} if idempotency_key else None)"))
        #expect(!after.contains("uuid"))
    }
}
