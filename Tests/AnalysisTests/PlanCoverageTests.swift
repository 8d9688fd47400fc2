import Analysis
import Artifacts
import Testing

/// failure-patterns.json `plan_coverage`: per scanned route, whether the baseline reached it with
/// a 2xx, and why not, from the answers it got.
@Suite struct PlanCoverageTests {
    @Test func eachRouteIsExercisedOrGetsTheReasonItWasNot() throws {
        var run = FixtureRun()
        run.addRoute("GET", "/items", function: "list_items", file: "app/api.py", line: 10, isAsync: false)
        run.addRoute("GET", "/items/{id}", function: "get_item", file: "app/api.py", line: 20, isAsync: false)
        run.addRoute("GET", "/admin", function: "admin", file: "app/admin.py", line: 5, isAsync: false)
        run.addRoute("POST", "/items", function: "add_item", file: "app/api.py", line: 30, isAsync: false)
        run.addRoute("DELETE", "/items/{id}", function: "delete_item", file: "app/api.py", line: 40, isAsync: false)
        run.addRoute("GET", "/report", function: "report", file: "app/api.py", line: 50, isAsync: false)
        run.addRoute("HEAD", "/health", function: "health", file: "app/api.py", line: 60, isAsync: false)
        for index in 0..<4 {
            let at = Double(index * 10)
            run.request("GET /items", phase: "baseline", at: at, latencyMs: 2, status: index == 0 ? 500 : 200)
            // A plan that names the parameter differently still lands on the route.
            run.request("GET /items/{item}", phase: "baseline", at: at + 1, latencyMs: 2, status: 404)
            run.request("GET /admin", phase: "baseline", at: at + 2, latencyMs: 2, status: index == 3 ? 401 : 303)
            run.request("POST /items", phase: "baseline", at: at + 3, latencyMs: 2, status: 422)
            run.request("GET /report", phase: "baseline", at: at + 4, latencyMs: 2, status: 500)
            // Chaos-phase answers do not count: the baseline says what the plan reaches.
            run.request("DELETE /items/{id}", phase: "chaos", at: at + 5, latencyMs: 2, status: 204)
        }
        let coverage = try #require(try run.analyze().planCoverage)
        #expect(coverage.routes == 6, "HEAD is left out of the count")
        #expect(coverage.exercised == 1)
        #expect(coverage.phase == "baseline")
        #expect(coverage.summary == "exercised 1 of 6 routes with a 2xx (17%)")
        let outcomes = Dictionary(uniqueKeysWithValues: coverage.entries.map { ($0.endpoint, $0.outcome) })
        #expect(
            outcomes == [
                "GET /items": .exercised, "GET /items/{id}": .notFound, "GET /admin": .redirected,
                "POST /items": .invalidRequest, "DELETE /items/{id}": .neverPlanned, "GET /report": .failing,
            ])
        // Not reached first, then in source order; each with a hint, the exercised one without.
        #expect(coverage.entries.last?.endpoint == "GET /items")
        #expect(coverage.entries.first?.endpoint == "GET /admin")
        #expect(coverage.entries.filter { $0.outcome != .exercised }.allSatisfy { $0.hint?.isEmpty == false })
        #expect(coverage.entries.first { $0.endpoint == "GET /admin" }?.statuses == ["303": 3, "401": 1])
        let items = try #require(coverage.entries.first { $0.endpoint == "GET /items" })
        #expect(items.requests == 4 && items.ok == 3 && items.hint == nil)
    }

    @Test func withoutABaselineEveryPhaseCounts() throws {
        var run = FixtureRun()
        run.addRoute("GET", "/items", function: "list_items", file: "app/api.py", line: 10, isAsync: false)
        run.request("GET /items", phase: "chaos", at: 0, latencyMs: 2, status: 200)
        let coverage = try #require(try run.analyze().planCoverage)
        #expect(coverage.phase == "all" && coverage.exercised == 1 && coverage.routes == 1)
    }
}
