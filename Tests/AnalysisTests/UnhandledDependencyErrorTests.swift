import Analysis
import Artifacts
import Testing

@Suite struct UnhandledDependencyErrorTests {
    static let point = "dependency:app/pay.py:charge:client.post:0"

    /// POST /orders calls the payment provider; five requests had the provider's ConnectError
    /// injected and were answered `answeredWith`.
    static func run(answeredWith status: Int) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/orders", function: "create_order", file: "app/orders.py", line: 10, isAsync: true)
        run.addRoute("GET", "/orders", function: "list_orders", file: "app/orders.py", line: 30, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "client.post", file: "app/pay.py", line: 20, function: "charge",
            routes: ["POST /orders"], point: point, httpMethod: "POST", hasTimeout: true)
        for index in 0..<20 {
            run.request("POST /orders", phase: "baseline", at: Double(index * 10), latencyMs: 5)
            run.request("GET /orders", phase: "baseline", at: Double(index * 10 + 5), latencyMs: 2)
        }
        for index in 0..<20 {
            let faulted = index % 4 == 0
            let id = run.request("POST /orders", at: 1000 + Double(index * 10), latencyMs: 6, status: faulted ? status : 200)
            if faulted {
                run.fire(point, in: id, at: 1001 + Double(index * 10), fault: "dependency", exception: "httpx.ConnectError")
            }
            run.request("GET /orders", at: 1005 + Double(index * 10), latencyMs: 2)
        }
        return run
    }

    @Test func firesWhenTheDependencyErrorBecomesA500() throws {
        var run = Self.run(answeredWith: 500)
        run.logs["app.log"] = """
            ERROR:    Exception in ASGI application
            Traceback (most recent call last):
              File "/srv/app/app/orders.py", line 12, in create_order
                receipt = await charge(order)
              File "/srv/app/app/pay.py", line 20, in charge
                await _chaos_test.ahook("0000abcd")  # chaos-test: 0000abcd
              File "/srv/app/chaos_test_runtime.py", line 314, in ahook
                raise error
            httpx.ConnectError: chaos-test: injected httpx failure at \(Self.point)

            """
        let patterns = try run.analyze()
        let found = patterns.patterns(.unhandledDependencyError)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.points == [Self.point])
        #expect(pattern.endpoints == ["POST /orders"])
        #expect(pattern.evidenceKind == .measured)
        #expect(pattern.evidenceInt("requests_raised") == 5)
        #expect(pattern.evidenceInt("answered_500") == 5)
        #expect(pattern.evidenceDouble("share_500") == 1)
        // Impact: all five became 500s (share 1) on POST /orders, half of the chaos traffic.
        #expect(pattern.impact == 0.5)
        #expect(pattern.severity == .critical)
        #expect(pattern.locations.first == SourceLocation(file: "app/pay.py", line: 20, function: "charge"))
        // The handler frame, where the error escaped the app, is listed too.
        #expect(pattern.locations.contains(SourceLocation(file: "app/orders.py", line: 12, function: "create_order")))
        #expect(pattern.evidenceInt("tracebacks") == 1)
    }

    @Test func staysQuietWhenTheAppHandlesTheError() throws {
        let patterns = try Self.run(answeredWith: 503).analyze()
        #expect(patterns.patterns(.unhandledDependencyError).isEmpty)
        // The faults still fired and are still counted per point.
        #expect(patterns.points[Self.point]?.fired == 5)
        #expect(patterns.points[Self.point]?.errorRateAffected == 1)
    }

    @Test func staysQuietBelowTheMinimumSample() throws {
        var thresholds = AnalysisThresholds()
        thresholds.minimumSample = 6
        let patterns = try Self.run(answeredWith: 500).analyze(thresholds: thresholds)
        #expect(patterns.patterns(.unhandledDependencyError).isEmpty)
    }
}
