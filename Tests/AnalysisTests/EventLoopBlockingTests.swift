import Analysis
import Artifacts
import Testing

@Suite struct EventLoopBlockingTests {
    static let point = "dependency:app/client.py:current_total:httpx.get:0"
    static let windowStartsMs: [Double] = [1000, 3000, 5000, 7000]

    /// `async def confirm` calls the synchronous `httpx.get` (through `current_total`, line 47 of
    /// the handler); a 500 ms delay was injected there four times. GET /healthz is polled every
    /// 50 ms; `blocked` says whether a health check sent during a delay waits for its end.
    static func run(
        awaited: Bool = false, offloaded: Bool = false, blocked: Bool, planKey: String = "POST /confirm/{booking_id}"
    ) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/confirm/{booking_id}", function: "confirm", file: "app/bookings.py", line: 43, isAsync: true)
        run.addRoute("GET", "/healthz", function: "healthz", file: "app/main.py", line: 28, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "httpx.get", file: "app/client.py", line: 35, function: "current_total",
            routes: ["POST /confirm/{booking_id}"], point: point, httpMethod: "GET", hasTimeout: false, awaited: awaited,
            reachedVia: [ReachedVia(route: "POST /confirm/{booking_id}", file: "app/bookings.py", line: 47, offloaded: offloaded)])
        for index in 0..<20 { run.request("GET /healthz", phase: "baseline", at: Double(index * 10), latencyMs: 2) }
        for start in windowStartsMs {
            let id = run.request(planKey, at: start, latencyMs: 505)
            run.fire(point, in: id, at: start + 1, fault: "latency", delayMs: 500)
        }
        for index in 0..<180 {
            let sent = Double(index * 50) + 10
            var latency = 2.0
            if blocked, let start = windowStartsMs.first(where: { $0 + 1 <= sent && sent < $0 + 501 }) {
                latency = start + 501 - sent + 2
            }
            run.request("GET /healthz", at: sent, latencyMs: latency)
        }
        return run
    }

    @Test func firesWhenUnrelatedRequestsWaitForTheBlockingCall() throws {
        let patterns = try Self.run(blocked: true).analyze()
        let found = patterns.patterns(.eventLoopBlocking)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.points == [Self.point])
        // Fixed in the async handler, at the call that leads to the blocking one.
        #expect(pattern.locations.first == SourceLocation(file: "app/bookings.py", line: 47, function: "confirm"))
        #expect(pattern.locations.contains(SourceLocation(file: "app/client.py", line: 35, function: "current_total")))
        #expect(pattern.endpoints == ["GET /healthz", "POST /confirm/{booking_id}"])
        // Ten health checks fall in each window, sent 10..460 ms into it.
        #expect(pattern.evidenceInt("requests_inside") == 40)
        #expect(pattern.evidenceInt("median_outside_us") == 2000)
        let inside = try #require(pattern.evidenceInt("median_inside_us"))
        #expect(inside > 200_000 && inside < 300_000)
        #expect(abs((pattern.evidenceDouble("tracking") ?? 0) - 1) < 0.05)
        #expect(pattern.evidenceInt("blocking_windows") == 4)
    }

    @Test func staysQuietWhenNothingElseSlowsDown() throws {
        let patterns = try Self.run(blocked: false).analyze()
        #expect(patterns.patterns(.eventLoopBlocking).isEmpty)
    }

    @Test func staysQuietForAnAwaitedCall() throws {
        // The same slowdown, but the delayed call is awaited: it cannot be what blocked the loop.
        let patterns = try Self.run(awaited: true, blocked: true).analyze()
        #expect(patterns.patterns(.eventLoopBlocking).isEmpty)
    }

    @Test func staysQuietForACallHandedToAThreadPool() throws {
        let patterns = try Self.run(offloaded: true, blocked: true).analyze()
        #expect(patterns.patterns(.eventLoopBlocking).isEmpty)
    }

    @Test func findsTheRouteWhenThePlanNamesTheParameterDifferently() throws {
        let patterns = try Self.run(blocked: true, planKey: "POST /confirm/{id}").analyze()
        let pattern = try #require(patterns.patterns(.eventLoopBlocking).first)
        #expect(pattern.locations.first == SourceLocation(file: "app/bookings.py", line: 47, function: "confirm"))
    }
}
