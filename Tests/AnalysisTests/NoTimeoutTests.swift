import Analysis
import Artifacts
import Testing

@Suite struct NoTimeoutTests {
    static let point = "dependency:app/provider.py:get_price:client.get:0"
    static let delaysMs: [Double] = [200, 400, 800, 1200, 1600, 300]

    /// GET /price calls the provider; six requests had a delay injected at the call. The request
    /// took 5 ms plus `extra(delay)`.
    static func run(hasTimeout: Bool = false, extra: (Double) -> Double) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("GET", "/price", function: "price", file: "app/api.py", line: 8, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "client.get", file: "app/provider.py", line: 11, function: "get_price",
            routes: ["GET /price"], point: point, httpMethod: "GET", hasTimeout: hasTimeout, clientScope: "function",
            clientLine: 10)
        for index in 0..<20 { run.request("GET /price", phase: "baseline", at: Double(index * 10), latencyMs: 5) }
        for (index, delay) in delaysMs.enumerated() {
            let at = 1000 + Double(index) * 3000
            let id = run.request("GET /price", at: at, latencyMs: 5 + extra(delay))
            run.fire(point, in: id, at: at + 1, fault: "latency", delayMs: delay)
            run.request("GET /price", at: at + 2500, latencyMs: 5)
        }
        return run
    }

    @Test func firesWhenLatencyTracksTheInjectedDelay() throws {
        // The request waits the whole delay, plus a little jitter.
        let patterns = try Self.run { $0 + 3 }.analyze()
        let found = patterns.patterns(.noTimeout)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.points == [Self.point])
        #expect(pattern.evidenceInt("delayed_requests") == 6)
        #expect(pattern.evidenceInt("waited_full_delay") == 6)
        let slope = try #require(pattern.evidenceDouble("slope"))
        #expect(abs(slope - 1) < 0.02)
        #expect((pattern.evidenceDouble("r_squared") ?? 0) > 0.99)
        // Median extra latency (nearest rank of 203, 303, 403, 803, 1203, 1603 ms) over a 1 s budget.
        #expect(pattern.evidenceInt("median_extra_latency_us") == 403_000)
        #expect(pattern.impact == 0.403)
        #expect(pattern.locations == [
            SourceLocation(file: "app/provider.py", line: 11, function: "get_price"),
            SourceLocation(file: "app/provider.py", line: 10, function: "get_price"),
        ])
    }

    @Test func staysQuietWhenATimeoutCutsTheWait() throws {
        // The app gives up after 100 ms whatever the delay.
        let patterns = try Self.run { min($0, 100) }.analyze()
        #expect(patterns.patterns(.noTimeout).isEmpty)
    }

    @Test func staysQuietWhenOnlySomeRequestsWaited() throws {
        // Delays up to 400 ms pass through; longer ones are cut at 400 ms: 3 of 6 waited.
        let patterns = try Self.run { min($0, 400) }.analyze()
        #expect(patterns.patterns(.noTimeout).isEmpty)
    }

    @Test func leavesCallsWithATimeoutToTheNotes() throws {
        let patterns = try Self.run(hasTimeout: true) { $0 }.analyze()
        #expect(patterns.patterns(.noTimeout).isEmpty)
        #expect(patterns.notes.contains { $0.contains("app/provider.py:11") })
    }

    @Test func staysQuietWhenSomethingElseMadeThemSlow() throws {
        // Three times the delay: an overloaded host or a blocked loop, not a call waiting it out.
        let patterns = try Self.run { 3 * $0 }.analyze()
        #expect(patterns.patterns(.noTimeout).isEmpty)
    }
}
