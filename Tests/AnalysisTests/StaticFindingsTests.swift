import Analysis
import Artifacts
import Testing

@Suite struct StaticFindingsTests {
    /// The shape of the orbital sample: an async search and booking flow over httpx and sqlite3.
    static func run() -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/api/bookings", function: "create_booking", file: "app/api/bookings.py", line: 24, isAsync: true)
        run.addRoute("GET", "/api/bookings/{booking_id}", function: "get_booking", file: "app/api/bookings.py", line: 38, isAsync: false)
        run.addRoute("POST", "/api/bookings/{booking_id}/confirm", function: "confirm_booking", file: "app/api/bookings.py", line: 43, isAsync: true)
        run.addRoute("GET", "/api/search", function: "search", file: "app/api/search.py", line: 10, isAsync: true)
        let bookings = ["POST /api/bookings"]
        let confirm = ["POST /api/bookings/{booking_id}/confirm"]
        // Awaited, per-function client, no timeout, a GET.
        run.addDependency(
            .http, library: "httpx", callee: "client.get", file: "app/provider_client.py", line: 18, function: "get_price",
            routes: bookings, httpMethod: "GET", hasTimeout: false, awaited: true, clientScope: "function", clientLine: 17)
        // Awaited POST through a module-level client with a timeout.
        run.addDependency(
            .http, library: "httpx", callee: "client.post", file: "app/provider_client.py", line: 25, function: "hold_seats",
            routes: bookings, httpMethod: "POST", hasTimeout: true, awaited: true, clientScope: "module", clientLine: 5)
        // The synchronous module-level helper, reached from async confirm at line 47.
        run.addDependency(
            .http, library: "httpx", callee: "httpx.get", file: "app/provider_client.py", line: 35, function: "current_total",
            routes: confirm, httpMethod: "GET", hasTimeout: false, awaited: false,
            reachedVia: [ReachedVia(route: confirm[0], file: "app/api/bookings.py", line: 47, offloaded: false)])
        // A database write reached from async create_booking at line 28 and a read from confirm at line 44;
        // the sync GET reaches the read too, in the thread pool.
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 59, function: "insert_booking",
            routes: bookings, awaited: false,
            reachedVia: [ReachedVia(route: bookings[0], file: "app/api/bookings.py", line: 28, offloaded: false)])
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 69, function: "get_booking",
            routes: confirm + ["GET /api/bookings/{booking_id}"], awaited: false,
            reachedVia: [
                ReachedVia(route: confirm[0], file: "app/api/bookings.py", line: 44, offloaded: false),
                ReachedVia(route: "GET /api/bookings/{booking_id}", file: "app/api/bookings.py", line: 39, offloaded: false),
            ])
        // Offloaded with run_in_threadpool: not blocking.
        run.addDependency(
            .database, library: "sqlite3", callee: "conn.execute", file: "app/db.py", line: 90, function: "search_cache",
            routes: ["GET /api/search"], awaited: false,
            reachedVia: [ReachedVia(route: "GET /api/search", file: "app/api/search.py", line: 12, offloaded: true)])
        return run
    }

    static func lines(_ patterns: [Pattern]) -> [String] {
        patterns.flatMap { $0.locations.prefix(1).map { "\($0.file):\($0.line)" } }.sorted()
    }

    @Test func missingTimeoutsAtTheCall() throws {
        let found = try Self.run().analyze().patterns(.missingTimeout)
        #expect(Self.lines(found) == ["app/provider_client.py:18", "app/provider_client.py:35"])
        #expect(found.allSatisfy { $0.evidenceKind == .static })
    }

    @Test func blockingCallsWhereTheAsyncHandlerStartsThem() throws {
        let found = try Self.run().analyze().patterns(.blockingCallInAsync)
        // Not line 39 (a def handler) nor search.py:12 (offloaded), nor the awaited httpx calls.
        #expect(Self.lines(found) == ["app/api/bookings.py:28", "app/api/bookings.py:44", "app/api/bookings.py:47"])
        #expect(found.first { $0.locations[0].line == 47 }?.locations[0].function == "confirm_booking")
    }

    @Test func clientsMadePerRequest() throws {
        let found = try Self.run().analyze().patterns(.clientPerRequest)
        // The per-function client at its creation line, and httpx.get, which makes one per call.
        #expect(Self.lines(found) == ["app/provider_client.py:17", "app/provider_client.py:35"])
    }

    @Test func nonIdempotentWrites() throws {
        let found = try Self.run().analyze().patterns(.nonIdempotentWrite)
        // The outbound POST at its call; POST /api/bookings at the handler's call that reaches the
        // INSERT, then at its def. Confirm reaches only a read: it is listed at that call.
        #expect(Self.lines(found) == ["app/api/bookings.py:28", "app/api/bookings.py:44", "app/provider_client.py:25"])
        let booking = try #require(found.first { $0.endpoints == ["POST /api/bookings"] && $0.locations.count > 1 })
        #expect(booking.locations.map(\.line) == [28, 24])
        #expect(booking.evidence["write_recognized"] == .bool(true))
        let confirm = try #require(found.first { $0.endpoints == ["POST /api/bookings/{booking_id}/confirm"] })
        #expect(confirm.evidence["write_recognized"] == .bool(false))
    }

    @Test func staticFindingsComeAfterMeasuredOnesWithStableIds() throws {
        var run = UnhandledDependencyErrorTests.run(answeredWith: 500)
        run.scan.dependencies[0].hasTimeout = false
        let patterns = try run.analyze().patterns
        #expect(patterns.first?.evidenceKind == .measured)
        let kinds = patterns.map(\.evidenceKind)
        #expect(kinds == kinds.sorted { $0 == .measured && $1 == .static })
        let measured = patterns.filter { $0.evidenceKind == .measured }.map(\.impact)
        #expect(measured == measured.sorted(by: >))
        #expect(Set(patterns.map(\.id)).count == patterns.count)
        #expect(patterns.contains { $0.id == "missing-timeout-1" })
        #expect(patterns.contains { $0.id == "unhandled-dependency-error-1" })
        // Analyzing the same folder twice gives the same file.
        #expect(try run.analyze() == run.analyze())
    }
}
