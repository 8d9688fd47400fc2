import Analysis
import Artifacts
import Testing

/// reset-after-error: resets that follow the app's own 500s (uvicorn closes the keep-alive
/// connection after an unhandled exception), told apart from resets with no such cause and from
/// deliberate 503s, which keep the connection open.
@Suite struct ResetAfterErrorTests {
    /// Every 10th POST /orders answers `status`; with `follow`, the GET sent 2 ms after it ends is
    /// reset. With `scattered`, resets also come at random-looking places unrelated to any 500.
    static func run(status: Int, follow: Bool, scattered: Bool = false) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/orders", function: "create_order", file: "app/orders.py", line: 10, isAsync: true)
        run.addRoute("GET", "/orders", function: "list_orders", file: "app/orders.py", line: 30, isAsync: true)
        for index in 0..<200 {
            let base = Double(index * 20)
            let failing = index % 10 == 0
            run.request("POST /orders", at: base, latencyMs: 4, status: failing ? status : 200)
            let reset = (follow && failing) || (scattered && index % 10 == 5)
            run.request("GET /orders", at: base + (failing ? 6 : 10), latencyMs: 1, status: reset ? nil : 200, error: reset ? .reset : nil)
        }
        return run
    }

    @Test func resetsRightAfterA500ArePinnedOnTheHandlerThatAnswered500() throws {
        let found = try Self.run(status: 500, follow: true).analyze().patterns(.resetAfterError)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.title.hasPrefix("20 requests failed with a connection reset right after a 500"))
        #expect(pattern.locations == [SourceLocation(file: "app/orders.py", line: 10, function: "create_order")])
        #expect(pattern.endpoints == ["GET /orders", "POST /orders"])
        #expect(pattern.evidenceInt("resets_after_500") == 20)
        #expect(pattern.evidenceInt("resets_elsewhere") == 0)
        #expect((pattern.evidenceDouble("p_value") ?? 1) < 1e-10)
    }

    @Test func a503KeepsTheConnectionAndResetsElsewhereAreNotItsDoing() throws {
        #expect(try Self.run(status: 503, follow: true).analyze().patterns(.resetAfterError).isEmpty)
        // As many resets, none of them after a 500.
        #expect(try Self.run(status: 500, follow: false, scattered: true).analyze().patterns(.resetAfterError).isEmpty)
    }
}
