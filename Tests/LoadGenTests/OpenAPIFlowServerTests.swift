import Artifacts
import Foundation
import Testing
import TestSupport

@testable import LoadGen

/// Synthesized flows against live servers: the ids they send are ones the server handed out,
/// where the plan of independent requests only ever sent made-up ones.
@Suite(.serialized) struct OpenAPIFlowServerTests {
    /// The plan from the server's own `/openapi.json`, with or without flows.
    func plan(from target: URL, stateful: Bool) async throws -> LoadPlan {
        let data = try #require(
            try await LoadRunner.fetchDocument(target: target, path: "/openapi.json", timeoutSeconds: 5, allowRemote: false))
        var synthesizer = OpenAPIPlanSynthesizer(document: try JSONValue.parse(data), source: "openapi", seed: 1)
        synthesizer.stateful = stateful
        return try synthesizer.plan()
    }

    /// Records on operations that take an id in their path, and how many of those were 404.
    func idRoutes(_ results: LoadResults) -> (count: Int, notFound: Int) {
        let records = results.records.filter { $0.endpoint.contains("}") }
        return (records.count, records.filter { $0.status == 404 }.count)
    }

    @Test(arguments: ["bookings.json", "widgets-location.json"])
    func flowsReachStoredResources(fixture: String) async throws {
        let document = OpenAPIFlowTests.resources.appendingPathComponent(fixture)
        var figures: [Bool: (count: Int, notFound: Int)] = [:]
        for stateful in [false, true] {
            let directory = try temporaryDirectory()
            let server = try TestServer(mode: "rest", arguments: ["--openapi", document.path])
            defer { server.stop() }
            let plan = try await plan(from: server.url, stateful: stateful)
            let results = try await runLoad(
                target: server.url, plan: plan, shape: .closed(concurrency: 4), requests: 120,
                directory: directory)
            #expect(results.records.count == 120)
            figures[stateful] = idRoutes(results)
        }
        let before = try #require(figures[false])
        let after = try #require(figures[true])
        print("\(fixture): id-taking requests before \(before.count) (404: \(before.notFound)), after \(after.count) (404: \(after.notFound))")
        #expect(before.count > 0 && before.notFound == before.count)
        #expect(after.count > 0 && after.notFound == 0)
    }

    /// A plan file can ask for the Location header too, and the engine fills the next step from it.
    @Test func planFileExtractsTheLocationHeader() async throws {
        let plan = try PlanParser.parse(
            """
            flows:
              - name: widget
                steps:
                  - {name: create, method: POST, path: /widgets, json: {colour: red}, extract: {widget: "header:location"}}
                  - {name: read, method: GET, path: "/widgets/{widget}"}
            """, file: "plan.yaml")
        #expect(plan.flows.first?.steps.first?.extract == ["widget": PlanRequest.locationPointer])
        let server = try TestServer(mode: "rest")
        defer { server.stop() }
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 2), requests: 20,
            directory: try temporaryDirectory())
        let reads = results.records.filter { $0.step == "widget/read" }
        #expect(!reads.isEmpty && reads.allSatisfy { $0.status == 200 })
    }

    @Test func orbitalBookingsGetRealIds() async throws {
        let sample = OrbitalSampleTests.sample
        let python = OrbitalSampleTests.python
        var figures: [Bool: (count: Int, notFound: Int)] = [:]
        for stateful in [false, true] {
            let directory = try temporaryDirectory()
            let provider = try UvicornServer(
                python: python, app: "main:app", in: sample.appendingPathComponent("provider"),
                log: directory.appendingPathComponent("provider.log"))
            defer { provider.stop() }
            let app = try UvicornServer(
                python: python, app: "app.main:app", in: sample,
                environment: [
                    "PROVIDER_URL": provider.url.absoluteString,
                    "DATABASE_PATH": directory.appendingPathComponent("bookings.db").path,
                ], log: directory.appendingPathComponent("app.log"))
            defer { app.stop() }
            try await waitUntilHealthy(provider)
            try await waitUntilHealthy(app)
            let plan = try await plan(from: app.url, stateful: stateful)
            if stateful {
                #expect(plan.flows.map(\.name) == ["bookings lifecycle"])
                #expect(plan.flows.first?.steps.map(\.endpoint) == [
                    "POST /api/bookings", "GET /api/bookings/{booking_id}", "POST /api/bookings/{booking_id}/confirm",
                    "DELETE /api/bookings/{booking_id}",
                ])
            }
            let results = try await runLoad(
                target: app.url, plan: plan, shape: .closed(concurrency: 10), requests: 200, timeout: 30,
                directory: directory)
            #expect(results.records.count == 200)
            figures[stateful] = idRoutes(results)
            if stateful {
                #expect(results.records.contains { $0.endpoint == "GET /api/bookings/{booking_id}" && $0.status == 200 })
            }
        }
        let before = try #require(figures[false])
        let after = try #require(figures[true])
        print("orbital: id-taking requests before \(before.count) (404: \(before.notFound)), after \(after.count) (404: \(after.notFound))")
        #expect(before.notFound > 0)
        #expect(after.count > 0 && after.notFound == 0)
    }
}
