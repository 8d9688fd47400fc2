import Analysis
import Artifacts
import Testing

@Suite struct CascadeTests {
    static let readPoint = "dependency:app/db.py:get_item:conn.execute:0"
    static let writePoint = "dependency:app/db.py:insert_item:conn.execute:0"

    /// Two endpoints reach SQLite through two calls; four requests of each had an
    /// `sqlite3.OperationalError` injected. GET /items fails with it; POST /items fails only when
    /// `bothFail`, else it answers from a fallback.
    static func run(bothFail: Bool) -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("GET", "/items", function: "list_items", file: "app/api.py", line: 10, isAsync: false)
        run.addRoute("POST", "/items", function: "add_item", file: "app/api.py", line: 20, isAsync: false)
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 30, function: "get_item",
            routes: ["GET /items"], point: readPoint, awaited: false)
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 40, function: "insert_item",
            routes: ["POST /items"], point: writePoint, awaited: false)
        for index in 0..<16 {
            let faulted = index % 4 == 0
            let read = run.request("GET /items", at: Double(index * 10), latencyMs: 3, status: faulted ? 500 : 200)
            let write = run.request(
                "POST /items", at: Double(index * 10 + 5), latencyMs: 3, status: faulted && bothFail ? 500 : 201)
            if faulted {
                run.fire(readPoint, in: read, at: Double(index * 10) + 1, fault: "dependency", exception: "sqlite3.OperationalError")
                run.fire(writePoint, in: write, at: Double(index * 10) + 6, fault: "dependency", exception: "sqlite3.OperationalError")
            }
        }
        return run
    }

    @Test func firesWhenOneDependencyBreaksTwoEndpoints() throws {
        let patterns = try Self.run(bothFail: true).analyze()
        let found = patterns.patterns(.cascade)
        try #require(found.count == 1)
        let pattern = found[0]
        #expect(pattern.endpoints == ["GET /items", "POST /items"])
        #expect(pattern.points == [Self.readPoint, Self.writePoint])
        #expect(pattern.evidence["dependency"] == .string("sqlite3"))
        #expect(pattern.evidenceInt("endpoints_failing") == 2)
        #expect(pattern.locations.map(\.line) == [30, 40])
        // Each endpoint: every raised fault failed (share 1) × half the traffic.
        #expect(pattern.impact == 1)
    }

    @Test func staysQuietWhenOnlyOneEndpointFails() throws {
        let patterns = try Self.run(bothFail: false).analyze()
        #expect(patterns.patterns(.cascade).isEmpty)
        // The one that fails is still an unhandled dependency error.
        #expect(patterns.patterns(.unhandledDependencyError).map(\.points) == [[Self.readPoint]])
    }
}
