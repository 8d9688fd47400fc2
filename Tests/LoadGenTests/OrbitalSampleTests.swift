import Artifacts
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

@testable import LoadGen

/// Waits until the server answers `/healthz` through our own client.
func waitUntilHealthy(_ server: UvicornServer) async throws {
    try await server.waitUntilHealthy { url in
        try await LoadRunner.fetchDocument(target: url, path: "/healthz", timeoutSeconds: 1, allowRemote: false) != nil
    }
}

/// The orbital travel planner and its provider, started on loopback by the tests.
@Suite(.serialized) struct OrbitalSampleTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/orbital-travel-planner")

    static let python = sample.appendingPathComponent(".venv/bin/python")

    func withOrbital(_ body: (_ app: UvicornServer, _ provider: UvicornServer, _ directory: URL) async throws -> Void)
        async throws
    {
        let directory = try temporaryDirectory()
        let provider = try UvicornServer(
            python: Self.python, app: "main:app", in: Self.sample.appendingPathComponent("provider"),
            log: directory.appendingPathComponent("provider.log"))
        defer { provider.stop() }
        let app = try UvicornServer(
            python: Self.python, app: "app.main:app", in: Self.sample,
            environment: [
                "PROVIDER_URL": provider.url.absoluteString,
                "DATABASE_PATH": directory.appendingPathComponent("bookings.db").path,
            ], log: directory.appendingPathComponent("app.log"))
        defer { app.stop() }
        try await waitUntilHealthy(provider)
        try await waitUntilHealthy(app)
        try await body(app, provider, directory)
    }

    func run(_ app: UvicornServer, directory: URL) async throws -> LoadResults {
        let plan = try PlanParser.load(path: Self.sample.appendingPathComponent("load-plan.yaml").path)
        // The sample opens a new HTTP client per provider call (its W4), so requests take a while on 2 cores.
        return try await runLoad(
            target: app.url, plan: plan, shape: .closed(concurrency: 10), requests: 200, timeout: 30,
            directory: directory)
    }

    @Test func committedPlanRecords200Requests() async throws {
        try await withOrbital { app, _, directory in
            let results = try await run(app, directory: directory)
            #expect(results.records.count == 200)
            let phase = try #require(results.summary["baseline"])
            #expect(phase["*"]?.count == 200)
            #expect(phase["POST /api/search"].map { $0.ok > 0 } == true)
            #expect(phase["POST /api/bookings"].map { $0.ok > 0 } == true)
            // The flow got through to its last step: values passed by JSON pointer work on the real app.
            #expect(results.records.contains { $0.step == "trip/cancel" && $0.status == 200 })
            // A healthy app may still answer 500 under load (and uvicorn then drops the connection,
            // a reset), but it never refuses connections or sends garbage.
            let kinds = Set(results.records.compactMap(\.error))
            #expect(kinds.isDisjoint(with: [.refused, .malformed]), "\(kinds)")
            #expect(phase["*"].map { $0.ok >= 100 } == true, "\(String(describing: phase["*"]))")
        }
    }

    @Test func providerStoppedRunFinishesAndRecordsErrors() async throws {
        try await withOrbital { app, provider, directory in
            provider.stop()
            let results = try await run(app, directory: directory)
            #expect(results.records.count == 200)
            let phase = try #require(results.summary["baseline"])
            // Searches and bookings need the provider: every one fails. The app answers 500, and
            // uvicorn then closes the keep-alive connection, so a request already sent on it is a reset.
            #expect(phase["*"]?.errors == 200)
            #expect(phase["*"]?.errorRate == 1)
            let kinds = Set(results.records.compactMap(\.error))
            #expect(kinds.contains(.http5xx))
            #expect(kinds.isSubset(of: [.http5xx, .reset]))
            #expect(results.records.filter { $0.error == .http5xx }.allSatisfy { $0.status == 500 })
            #expect(results.records.filter { $0.error == .reset }.allSatisfy { $0.status == nil })
        }
    }
}
