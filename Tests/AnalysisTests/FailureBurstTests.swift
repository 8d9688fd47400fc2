import Analysis
import Artifacts
import Testing

/// failure-burst: unfaulted errors that cluster in time (a dependency down for a while), told
/// apart from errors spread evenly (a flaky dependency) and from injected faults.
@Suite struct FailureBurstTests {
    /// POST /orders reaches the payment provider, GET /orders does not. 200 requests of each,
    /// interleaved every 5 ms; `failing` says which POSTs (by index) answered 500.
    static func run(failing: Set<Int>, faulted: Bool = false) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/orders", function: "create_order", file: "app/orders.py", line: 10, isAsync: true)
        run.addRoute("GET", "/orders", function: "list_orders", file: "app/orders.py", line: 30, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "client.post", file: "app/pay.py", line: 20, function: "charge",
            routes: ["POST /orders"], point: "dependency:app/pay.py:charge:client.post:0", httpMethod: "POST", hasTimeout: false)
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 8, function: "query",
            routes: ["POST /orders", "GET /orders"])
        for index in 0..<200 {
            let fails = failing.contains(index)
            let id = run.request("POST /orders", at: Double(index * 10), latencyMs: fails ? 4 : 6, status: fails ? 500 : 200)
            if fails && faulted {
                run.fire("dependency:app/pay.py:charge:client.post:0", in: id, at: Double(index * 10) + 1, fault: "dependency", exception: "httpx.ConnectError")
            }
            run.request("GET /orders", at: Double(index * 10 + 5), latencyMs: 2)
        }
        return run
    }

    @Test func anOutageIsABurstAtTheDependencyTheEndpointDoesNotShare() throws {
        // 20 in a row (an outage from 1.0 s to 1.2 s) and 3 stray errors.
        let patterns = try Self.run(failing: Set(100..<120).union([10, 50, 170])).analyze()
        let bursts = patterns.patterns(.failureBurst)
        try #require(bursts.count == 1)
        let burst = bursts[0]
        #expect(burst.endpoints == ["POST /orders"])
        #expect(burst.title.hasPrefix("POST /orders fails in bursts: 20 errors in a row from 1.0 s to 1.2 s (client.post in charge"))
        // The provider call, not the database both endpoints use.
        #expect(burst.locations.first == SourceLocation(file: "app/pay.py", line: 20, function: "charge"))
        #expect(burst.locations.contains(SourceLocation(file: "app/orders.py", line: 10, function: "create_order")))
        #expect(burst.evidenceInt("errors") == 23)
        #expect(burst.evidenceInt("errors_in_bursts") == 20)
        #expect(burst.evidenceInt("longest_burst") == 20)
        #expect(burst.evidenceInt("runs") == 9)
        // Runs test by hand: n1 = 23, n2 = 177, E[R] = 41.71, Var = 8.1236, z = -11.476, p = 8.665e-31.
        #expect(abs((burst.evidenceDouble("runs_p") ?? 1) / 8.665e-31 - 1) < 1e-3)
        // Longest run: (1 + 180 × 0.885) × 0.115^20 = 2.62356e-17.
        #expect(abs((burst.evidenceDouble("longest_run_p") ?? 1) / 2.62356e-17 - 1) < 1e-3)
        #expect(abs((burst.evidenceDouble("p_value") ?? 1) / (2 * 8.665e-31) - 1) < 1e-3)
        #expect(burst.evidenceDouble("expected_runs") == 41.7)
        #expect(burst.evidence["dependency"]?.stringValue == "httpx")
    }

    /// Two calls only POST /orders reaches: the app's tracebacks through its handler say which
    /// one failed. Without them the structure alone cannot tell, and the first in file order is named.
    @Test func theAppsTracebacksPointAtTheCallThatFailed() throws {
        var run = Self.run(failing: Set(100..<120).union([10, 50, 170]))
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/audit.py", line: 4, function: "record",
            routes: ["POST /orders"])
        let structural = try run.analyze().patterns(.failureBurst)
        #expect(structural.first?.locations.first?.file == "app/audit.py")
        run.logs["app.log"] = """
            ERROR:    Exception in ASGI application
            Traceback (most recent call last):
              File "/srv/app/app/orders.py", line 12, in create_order
                receipt = await charge(order)
              File "/srv/app/app/pay.py", line 20, in charge
                resp = await client.post(url, json=order)
              File "/srv/app/.venv/lib/python3.11/site-packages/httpx/_client.py", line 1574, in send
                raise exc
            httpx.ReadTimeout: timed out

            """
        let evidenced = try run.analyze().patterns(.failureBurst)
        #expect(evidenced.first?.locations.first == SourceLocation(file: "app/pay.py", line: 20, function: "charge"))
    }

    @Test func evenlySpreadErrorsAreNotABurst() throws {
        // As many errors, every tenth request: a flaky dependency, for a retry, not a breaker.
        let patterns = try Self.run(failing: Set(stride(from: 3, to: 200, by: 9))).analyze()
        #expect(patterns.patterns(.failureBurst).isEmpty)
    }

    @Test func injectedFaultsNeverMakeABurst() throws {
        // The same outage, but every error is a fault the runtime fired: drawn per request, so
        // whatever their order they say nothing about the dependency's own behaviour.
        let patterns = try Self.run(failing: Set(100..<120).union([10, 50, 170]), faulted: true).analyze()
        #expect(patterns.patterns(.failureBurst).isEmpty)
    }

    @Test func errorsInPairsAreNotAnOutage() throws {
        // Ten pairs of errors: fewer runs than chance (p < 0.001), but no three in a row.
        let pairs = Set(stride(from: 5, to: 200, by: 20).flatMap { [$0, $0 + 1] })
        let patterns = try Self.run(failing: pairs).analyze()
        #expect(patterns.patterns(.failureBurst).isEmpty)
        var strict = AnalysisThresholds()
        strict.burstSignificance = 1e-45
        let outage = try Self.run(failing: Set(100..<120).union([10, 50, 170])).analyze(thresholds: strict)
        #expect(outage.patterns(.failureBurst).isEmpty, "the significance level is a threshold a caller can set")
    }
}
