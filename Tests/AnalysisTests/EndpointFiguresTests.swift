import Analysis
import Artifacts
import Testing

@Suite struct EndpointFiguresTests {
    /// Twenty latencies 100, 200, ..., 2000 µs, exact in an HDR histogram with 3 significant digits
    /// (every value below 2048 has its own bucket).
    @Test func percentilesAreNearestRank() throws {
        var run = FixtureRun()
        run.addRoute("GET", "/a", function: "a", file: "app/a.py", line: 1, isAsync: true)
        for (index, latency) in stride(from: 100, through: 2000, by: 100).shuffled().enumerated() {
            run.request("GET /a", phase: "baseline", at: Double(index), latencyMs: Double(latency) / 1000)
        }
        let figures = try #require(run.analyze().endpoints["GET /a"]?.baseline)
        // Nearest rank: the value at rank ceil(p/100 × 20).
        #expect(figures.p50Us == 1000)  // rank 10
        #expect(figures.p95Us == 1900)  // rank 19
        #expect(figures.p99Us == 2000)  // rank 20 (19.8 rounded up)
        #expect(figures.maxUs == 2000)
    }

    /// Above 2048 µs the histogram keeps 3 significant digits: a percentile is the top of its
    /// bucket, never more than 0.1% above the true value.
    @Test func largeLatenciesAgreeWithinThePrecision() throws {
        var run = FixtureRun()
        run.addRoute("GET", "/a", function: "a", file: "app/a.py", line: 1, isAsync: true)
        let latencies = (1...7).map { 1_234_567 * $0 }  // µs
        for (index, latency) in latencies.enumerated() {
            run.request("GET /a", phase: "baseline", at: Double(index), latencyMs: Double(latency) / 1000)
        }
        let figures = try #require(run.analyze().endpoints["GET /a"]?.baseline)
        let exactMedian = latencies[3]  // rank ceil(3.5) = 4
        #expect(figures.p50Us >= exactMedian && Double(figures.p50Us) <= Double(exactMedian) * 1.001)
        #expect(figures.maxUs == latencies[6])
    }

    @Test func countsStatusesErrorsAndDeltas() throws {
        var run = FixtureRun()
        run.addRoute("POST", "/b", function: "b", file: "app/b.py", line: 1, isAsync: true)
        for index in 0..<10 { run.request("POST /b", phase: "baseline", at: Double(index), latencyMs: 1) }
        let statuses: [Int?] = [200, 200, 200, 200, 201, 404, 422, 500, 503, nil]
        for (index, status) in statuses.enumerated() {
            run.request("POST /b", at: 100 + Double(index), latencyMs: 2, status: status, error: status == nil ? .timeout : nil)
        }
        let patterns = try run.analyze()
        let comparison = try #require(patterns.endpoints["POST /b"])
        let chaos = try #require(comparison.chaos)
        #expect(chaos.requests == 10)
        #expect(chaos.errorRate == 0.3)  // 500, 503 and the timeout
        #expect(chaos.clientErrors == 2)  // 404 and 422, counted apart
        #expect(chaos.successRate == 0.5)
        #expect(chaos.statuses == ["200": 4, "201": 1, "404": 1, "422": 1, "500": 1, "503": 1, "none": 1])
        #expect(chaos.errorKinds == ["http_5xx": 2, "timeout": 1])
        #expect(comparison.baseline?.errorRate == 0)
        #expect(comparison.delta?.errorRate == 0.3)
        #expect(comparison.delta?.p50Us == 1000)
        #expect(patterns.endpoints["*"]?.baseline?.requests == 10)
        #expect(patterns.endpoints["*"]?.chaos?.requests == 10)
    }

    @Test func pointEffectsAndAttribution() throws {
        let point = "dependency:app/c.py:call:client.get:0"
        var run = FixtureRun()
        run.addRoute("GET", "/c", function: "c", file: "app/c.py", line: 1, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "client.get", file: "app/c.py", line: 5, function: "call", routes: ["GET /c"],
            point: point, httpMethod: "GET", hasTimeout: true)
        for index in 0..<10 { run.request("GET /c", phase: "baseline", at: Double(index), latencyMs: 10) }
        let slow = run.request("GET /c", at: 100, latencyMs: 310)
        run.fire(point, in: slow, at: 100.5, fault: "latency", delayMs: 300)
        let failed = run.request("GET /c", at: 200, latencyMs: 12, status: 500)
        run.fire(point, in: failed, at: 200.5, fault: "dependency", exception: "httpx.ConnectError")
        // A retry inside one request fires twice but is one affected request.
        run.fire(point, in: failed, at: 201, fault: "dependency", exception: "httpx.ConnectError")
        // A slow request with no fault.
        let mystery = run.request("GET /c", at: 300, latencyMs: 90)
        run.request("GET /c", at: 400, latencyMs: 10)
        // An event whose request the load never sent.
        run.fire(point, in: "elsewhere", at: 500, fault: "latency", delayMs: 100)

        let patterns = try run.analyze()
        let effect = try #require(patterns.points[point])
        #expect(effect.fired == 4)
        #expect(effect.requestsAffected == 2)
        #expect(effect.errorRateAffected == 0.5)
        // Extra over the 10 ms baseline median: 300 ms and 2 ms; the nearest-rank median is 2 ms.
        #expect(effect.addedLatencyUs == 2000)
        let attribution = try #require(patterns.attribution)
        #expect(attribution.failed == 1 && attribution.failedAttributed == 1)
        #expect(attribution.slow == 2 && attribution.slowAttributed == 1)
        #expect(attribution.unattributedSlowRequestIds == [mystery])
        #expect(attribution.byPoint[point] == 2)
        #expect(attribution.slowThresholdUs["GET /c"] == 20_000)
        #expect(patterns.notes.contains { $0.contains("1 of 4 fault events name no request") })
    }
}
