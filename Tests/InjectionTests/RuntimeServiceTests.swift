import Foundation
import TestSupport
import Testing

@testable import Injection

/// The runtime's issue-8.5 parts, run by Python itself against a real HTTP server on loopback:
/// the request id rides on outgoing httpx (orbital's venv) and requests (flask-inventory's venv)
/// calls only while a request is current and only when settings exist; `memory` faults respect
/// their cap; `cpu` faults burn the CPU; `$CHAOS_TEST_SERVICE` tags every event.
struct RuntimeServiceTests {
    static let script = #"""
        import asyncio, http.server, json, os, sys, threading, time
        sys.path.insert(0, os.getcwd())
        import chaos_test_runtime as rt
        client = sys.argv[1]
        if client == "httpx":
            import httpx
        else:
            import requests

        seen = []
        class Echo(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.headers.get("X-Chaos-Request-Id"))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = "http://127.0.0.1:%d/" % server.server_address[1]

        def call():
            if client == "httpx":
                httpx.get(url)
                with httpx.Client() as c:
                    c.get(url)
                async def go():
                    async with httpx.AsyncClient() as c:
                        await c.get(url)
                asyncio.run(go())
            else:
                requests.get(url)
                with requests.Session() as s:
                    s.get(url)

        def in_request(request_id, body):
            out = []
            def view(environ, start_response):
                out.append(body())
            rt.WSGIMiddleware(view)({"HTTP_X_CHAOS_REQUEST_ID": request_id}, None)
            return out[0]

        # 1. Inert without settings: nothing patched, no header.
        in_request("r-0", call)
        assert set(seen) == {None}, seen
        seen.clear()

        s = {"schema": 1, "enabled": True, "seed": 1, "framework": "flask",
             "default": {"rate": 1.0, "delay_us": [1000, 2000], "faults": ["memory", "cpu"], "status": 503,
                         "memory_mb": 8, "memory_cap_mb": 12, "hold_us": 400000, "cpu_us": 30000},
             "points": {"handler:a.py:m:entry:0": {"short": "mmmmmmmm", "kind": "handler", "faults": ["memory"]},
                        "handler:a.py:c:entry:0": {"short": "cccccccc", "kind": "handler", "faults": ["cpu"]}}}
        with open(".chaos-test/settings.json", "w") as f:
            json.dump(s, f)

        # 2. With settings: the current request's id goes out on every call, and only then.
        in_request("r-1", call)
        assert seen and set(seen) == {"r-1"}, seen
        seen.clear()
        call()
        assert set(seen) == {None}, seen

        # 3. memory: two faults at once hold 8 MB and then the 4 MB left under the 12 MB cap.
        threads = [threading.Thread(target=in_request, args=("m-%d" % i, lambda: rt.hook("mmmmmmmm"))) for i in range(2)]
        for t in threads:
            t.start()
            time.sleep(0.1)
        for t in threads:
            t.join()
        assert rt._held["bytes"] == 0

        # 4. cpu: the hook burns at least 30 ms of this thread's CPU time.
        before = time.thread_time()
        in_request("c-1", lambda: rt.hook("cccccccc"))
        assert time.thread_time() - before >= 0.03, time.thread_time() - before

        events = [json.loads(l) for l in open(".chaos-test/events.jsonl")]
        faults = [e for e in events if "point" in e]
        assert all(e["service"] == "svc" for e in events), events
        memory = sorted(e["memory_mb"] for e in faults if e["fault"] == "memory")
        assert memory == [4, 8], memory
        cpu = [e for e in faults if e["fault"] == "cpu"]
        assert len(cpu) == 1 and cpu[0]["cpu_us"] >= 30000 and cpu[0]["delay_us"] >= cpu[0]["cpu_us"] and cpu[0]["request_id"] == "c-1", cpu
        print("runtime services ok")
        """#

    @Test(arguments: [("orbital-travel-planner", "httpx"), ("flask-inventory", "requests")])
    func requestIdCrossesTheHopAndResourceFaultsHoldTheirLimits(sample: String, client: String) throws {
        let python = Samples.repository + "/Samples/\(sample)/.venv/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "run .ci/setup-python first")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".chaos-test"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Runtime.source()).write(to: dir.appendingPathComponent(Runtime.fileName))
        try Data(Self.script.utf8).write(to: dir.appendingPathComponent("check.py"))
        // Empty is unset to the runtime: it finds the settings in the folder's .chaos-test/.
        let (status, output) = try TestSupport.run(
            python, ["-B", "check.py", client], in: dir.path,
            environment: [
                "CHAOS_TEST_SETTINGS": "", "CHAOS_TEST_EVENTS": "", "CHAOS_TEST_SERVICE": "svc",
                // Loopback only, whatever proxy the machine has.
                "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
            ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("runtime services ok"))
    }
}
