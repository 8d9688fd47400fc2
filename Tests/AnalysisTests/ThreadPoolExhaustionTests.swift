import Analysis
import Artifacts
import Testing

@Suite struct ThreadPoolExhaustionTests {
    static let point = "handler:app/reports.py:report:entry:0"

    /// `def report` runs in the thread pool. At t = 0, 50 requests start and each sleeps an
    /// injected 1 s; twenty unfaulted requests follow while they hold the pool, twenty more after.
    static func run(framework: Framework = .fastapi, queued: Bool) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("GET", "/report", function: "report", file: "app/reports.py", line: 12, isAsync: false, framework: framework)
        run.points.append(
            ChaosConfig.Point(
                id: point, short: "0000beef", kind: .handler, routes: ["GET /report"], file: "app/reports.py",
                line: 12, function: "report", fault: .init(faults: [.latency]), patch: "patches/001-app.patch",
                insertedLines: []))
        for index in 0..<50 {
            let id = run.request("GET /report", at: Double(index) * 0.1, latencyMs: 1000)
            run.fire(point, in: id, at: Double(index) * 0.1 + 0.05, fault: "latency", delayMs: 1000)
        }
        for index in 0..<20 {
            let sent = 100 + Double(index * 20)
            run.request("GET /report", at: sent, latencyMs: queued ? 1000 - sent + 5 : 5)
        }
        for index in 0..<20 { run.request("GET /report", at: 2000 + Double(index * 50), latencyMs: 5) }
        return run
    }

    @Test func firesWhenRequestsQueueBehindAFullPool() throws {
        let patterns = try Self.run(queued: true).analyze()
        let found = patterns.patterns(.threadPoolExhaustion)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.endpoints == ["GET /report"])
        #expect(pattern.locations == [SourceLocation(file: "app/reports.py", line: 12, function: "report")])
        #expect(pattern.evidenceInt("pool_size") == 40)
        #expect(pattern.evidenceInt("requests_saturated") == 20)
        #expect(pattern.evidenceInt("requests_unsaturated") == 20)
        #expect((pattern.evidenceInt("max_in_flight") ?? 0) >= 50)
        #expect(pattern.evidenceInt("median_unsaturated_us") == 5000)
        let saturated = try #require(pattern.evidenceInt("median_saturated_us"))
        #expect(saturated > 600_000 && saturated < 800_000)
    }

    @Test func staysQuietWhenAFullPoolDoesNotSlowAnything() throws {
        let patterns = try Self.run(queued: false).analyze()
        #expect(patterns.patterns(.threadPoolExhaustion).isEmpty)
    }

    @Test func staysQuietForAFlaskApp() throws {
        // Werkzeug's threaded server has no fixed pool of 40.
        let patterns = try Self.run(framework: .flask, queued: true).analyze()
        #expect(patterns.patterns(.threadPoolExhaustion).isEmpty)
    }

    @Test func staysQuietBelowThePoolSize() throws {
        var thresholds = AnalysisThresholds()
        thresholds.threadPoolSize = 80
        let patterns = try Self.run(queued: true).analyze(thresholds: thresholds)
        #expect(patterns.patterns(.threadPoolExhaustion).isEmpty)
    }
}
