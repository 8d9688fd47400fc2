import Analysis
import Artifacts
import Testing

@Suite struct UnattributedErrorsTests {
    static let point = "dependency:inventory/supplier.py:available_units:requests.get:0"

    /// Flask: POST /restock asks the supplier. Every 500 in the chaos phase had a supplier fault;
    /// `realBugs` adds 500s no fault explains, one in the baseline and one under chaos.
    static func run(realBugs: Bool) -> FixtureRun {
        var run = FixtureRun()
        run.appRoot = "/home/dev/inventory-app"
        run.addRoute(
            "POST", "/restock", function: "restock", file: "inventory/items.py", line: 53, isAsync: false,
            framework: .flask)
        run.addRoute("GET", "/items", function: "list_items", file: "inventory/items.py", line: 19, isAsync: false, framework: .flask)
        run.addDependency(
            .http, library: "requests", callee: "requests.get", file: "inventory/supplier.py", line: 8,
            function: "available_units", routes: ["POST /restock"], point: point, httpMethod: "GET", hasTimeout: false,
            awaited: false)
        for index in 0..<10 {
            let bug = realBugs && index == 3
            run.request("POST /restock", phase: "baseline", at: Double(index * 10), latencyMs: 4, status: bug ? 500 : 200)
            run.request("GET /items", phase: "baseline", at: Double(index * 10 + 5), latencyMs: 2)
        }
        for index in 0..<10 {
            let faulted = index % 3 == 0
            let bug = realBugs && index == 4
            let id = run.request("POST /restock", at: 1000 + Double(index * 10), latencyMs: 4, status: faulted || bug ? 500 : 200)
            if faulted {
                run.fire(point, in: id, at: 1001 + Double(index * 10), fault: "dependency", exception: "requests.exceptions.ConnectionError")
            }
            run.request("GET /items", at: 1005 + Double(index * 10), latencyMs: 2)
        }
        // The supplier answered 404 for an unknown sku, and the app indexed the body anyway.
        run.logs["app.log"] = """
            [2026-11-26 21:40:01,120] ERROR in app: Exception on /restock [POST]
            Traceback (most recent call last):
              File "/home/dev/inventory-app/.venv/lib/python3.11/site-packages/flask/app.py", line 1473, in wsgi_app
                response = self.full_dispatch_request()
              File "/home/dev/inventory-app/inventory/items.py", line 58, in restock
                if available_units(item["sku"]) < quantity:
              File "/home/dev/inventory-app/inventory/supplier.py", line 9, in available_units
                return resp.json()["available"]
            KeyError: 'available'
            127.0.0.1 - - [26/Nov/2026 21:40:01] "POST /restock HTTP/1.1" 500 -

            """
        return run
    }

    @Test func firesForErrorsNoFaultExplains() throws {
        let patterns = try Self.run(realBugs: true).analyze()
        let found = patterns.patterns(.unattributedErrors)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.endpoints == ["POST /restock"])
        #expect(pattern.evidenceInt("errors") == 2)
        #expect(pattern.evidence["by_phase"] == .object(["baseline": .int(1), "chaos": .int(1)]))
        // The traceback's deepest app frame, not the virtualenv's Flask, then the handler.
        #expect(pattern.locations == [
            SourceLocation(file: "inventory/supplier.py", line: 9, function: "available_units"),
            SourceLocation(file: "inventory/items.py", line: 53, function: "restock"),
        ])
        // One error among the 20 requests of each phase.
        #expect(pattern.impact == 0.05)
        #expect(pattern.severity == .medium)
        #expect(patterns.attribution?.failed == 6)
        #expect(patterns.attribution?.failedAttributed == 4)
    }

    @Test func staysQuietWhenEveryErrorHadAFault() throws {
        let patterns = try Self.run(realBugs: false).analyze()
        #expect(patterns.patterns(.unattributedErrors).isEmpty)
        #expect(patterns.attribution?.failed == 4)
        #expect(patterns.attribution?.failedAttributed == 4)
        #expect(patterns.attribution?.unattributedFailedRequestIds == [])
    }

    /// Seen with uvicorn: after a faulted request's 500 the server closed the connection, and the
    /// generator's next request on it, 0.3 ms later, was reset.
    @Test(arguments: [(0.3, false), (2000.0, true)])
    func aResetRightAfterAFaultedFailureIsTheFaultsDoing(gapMs: Double, isBug: Bool) throws {
        var run = Self.run(realBugs: false)
        let faulted = try #require(run.records.first { $0.phase == "chaos" && $0.status == 500 })
        let endMs = Double(faulted.sentUnixNs - FixtureRun.startNs) / 1_000_000 + Double(faulted.latencyUs) / 1000
        run.request("POST /restock", at: endMs + gapMs, latencyMs: 0.5, status: nil, error: .reset)
        let patterns = try run.analyze()
        #expect(patterns.patterns(.unattributedErrors).count == (isBug ? 1 : 0))
        #expect(patterns.notes.contains { $0.hasPrefix("1 errors with no fault") } == !isBug)
    }

    /// The load plan named the parameter `{booking}`; the scan's route says `{booking_id}`.
    @Test func endpointsMatchRoutesWhoseParametersAreNamedDifferently() throws {
        var run = FixtureRun()
        run.addRoute("DELETE", "/api/bookings/{booking_id}", function: "cancel", file: "app/b.py", line: 54, isAsync: false)
        run.request("DELETE /api/bookings/{booking}", phase: "baseline", at: 0, latencyMs: 1, status: 500)
        let pattern = try #require(run.analyze().patterns(.unattributedErrors).first)
        #expect(pattern.locations == [SourceLocation(file: "app/b.py", line: 54, function: "cancel")])
    }
}
