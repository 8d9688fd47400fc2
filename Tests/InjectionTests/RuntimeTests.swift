import Foundation
import TestSupport
import Testing

@testable import Injection

/// The Python runtime, exercised by Python itself: inert without settings, deterministic,
/// request ids through both middlewares and across the thread hop FastAPI makes for sync handlers.
struct RuntimeTests {
    static let script = #"""
        import asyncio, contextvars, json, os, sys, threading, time
        sys.path.insert(0, os.getcwd())
        import chaos_test_runtime as rt

        def fires(short, request=True):
            token = rt._STATE.set({"id": None, "counts": {}}) if request and rt._STATE.get() is None else None
            try:
                rt.hook(short)
                return False
            except Exception as e:
                return type(e).__name__
            finally:
                if token is not None:
                    rt._STATE.reset(token)

        # 1. Inert without a settings file, and no events file written.
        assert not os.path.exists(".chaos-test/settings.json")
        assert [fires("aaaaaaaa") for _ in range(50)] == [False] * 50
        assert not os.path.exists(".chaos-test/events.jsonl")

        def settings(**kw):
            s = {"schema": 1, "enabled": True, "seed": 7, "framework": "fastapi",
                 "default": {"rate": 1.0, "delay_us": [1000, 2000], "faults": ["latency", "exception", "status", "dependency"], "status": 503},
                 "points": {"handler:app.py:f:entry:0": {"short": "aaaaaaaa", "kind": "handler", "faults": ["exception"]},
                            "dependency:app.py:f:sqlite3.connect:0": {"short": "bbbbbbbb", "kind": "dependency", "faults": ["dependency"], "library": "sqlite3"},
                            "handler:app.py:g:entry:0": {"short": "cccccccc", "kind": "handler", "faults": ["latency"], "rate": 0.5}}}
            s.update(kw)
            with open(".chaos-test/settings.json", "w") as f:
                json.dump(s, f)
            st = os.stat(".chaos-test/settings.json")
            # A distinct mtime for every write, as an editor a second later would give.
            settings.t = getattr(settings, "t", st.st_mtime_ns) + 10**9
            os.utime(".chaos-test/settings.json", ns=(settings.t, settings.t))

        settings()
        assert fires("aaaaaaaa") == "ChaosFault"
        assert fires("bbbbbbbb") in ("OperationalError",)
        assert fires("zzzzzzzz") is False   # unknown point: never fires
        assert fires("aaaaaaaa", request=False) is False   # outside a request: inert by default
        settings(outside_requests=True)
        assert fires("aaaaaaaa", request=False) == "ChaosFault"
        settings()

        # 2. Deterministic per (seed, point, request id, n): two runs give the same pattern.
        def pattern(request_id):
            # The decision itself, not a timing: a loaded machine must not make this flaky.
            token = rt._STATE.set({"id": request_id, "counts": {}})
            try:
                return [rt._decide("cccccccc") is not None for _ in range(20)]
            finally:
                rt._STATE.reset(token)
        p1, p2, p3 = pattern("r-1"), pattern("r-1"), pattern("r-2")
        assert p1 == p2 and p1 != p3 and 3 < sum(p1) < 17, (p1, p3)

        # 3. WSGI: the request id reaches the view and the events file.
        def view(environ, start_response):
            rt.hook("aaaaaaaa")
        mw = rt.WSGIMiddleware(view)
        try:
            mw({"HTTP_X_CHAOS_REQUEST_ID": "wsgi-1"}, None)
            raise SystemExit("expected a fault")
        except rt.ChaosFault:
            pass

        # 4. ASGI, with a sync handler run in a worker thread the way anyio's run_sync does
        #    (it runs the function in contextvars.copy_context()).
        async def app(scope, receive, send):
            loop = asyncio.get_running_loop()
            ctx = contextvars.copy_context()
            def handler():
                return fires("aaaaaaaa")
            result = await loop.run_in_executor(None, ctx.run, handler)
            assert result == "ChaosFault"
            await rt.ahook("cccccccc")
        asyncio.run(rt.ASGIMiddleware(app)({"type": "http", "headers": [(b"x-chaos-request-id", b"asgi-7")]}, None, None))

        # 5. `chaos off` (enabled false) stops faults without a restart.
        settings(enabled=False)
        assert fires("aaaaaaaa") is False

        events = [json.loads(l) for l in open(".chaos-test/events.jsonl")]
        faults = [e for e in events if "point" in e]
        reloads = [e for e in events if "settings" in e]
        ids = {e["request_id"] for e in faults}
        assert "wsgi-1" in ids and "asgi-7" in ids, ids
        assert len(reloads) == 4, len(reloads)
        for e in faults:
            assert set(e) == {"time_unix_ns", "point", "fault", "request_id", "delay_us", "exception", "pid"}, e
        print("runtime ok", len(faults), "events")
        """#

    @Test func runtimeBehavesAsTheContractSays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent(".chaos-test"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Runtime.source()).write(to: dir.appendingPathComponent(Runtime.fileName))
        try Data(Self.script.utf8).write(to: dir.appendingPathComponent("check.py"))
        // Empty is unset to the runtime: it finds the settings in the folder's .chaos-test/.
        let (status, output) = try TestSupport.run(
            "/usr/bin/env", ["python3", "-B", "check.py"], in: dir.path,
            environment: ["CHAOS_TEST_SETTINGS": "", "CHAOS_TEST_EVENTS": ""])
        #expect(status == 0, "\(output)")
        #expect(output.contains("runtime ok"))
    }

    @Test func runtimeIsValidPython38() throws {
        let source = String(decoding: try Runtime.source(), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import ast,sys; ast.parse(sys.stdin.read(), feature_version=(3, 8))"]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(source.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
