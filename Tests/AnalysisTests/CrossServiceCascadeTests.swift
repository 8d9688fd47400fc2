import Analysis
import Artifacts
import Foundation
import Testing

/// `cross_service_cascades` (issue 8.5b): faults a service's runtime logged under the app's
/// request ids, joined to the app's endpoints, counted, and kept out of "unexplained errors".
struct CrossServiceCascadeTests {
    static let providerPoint = "handler:main.py:list_routes:entry:0"

    func fixture() -> FixtureRun {
        var run = FixtureRun()
        run.addRoute("POST", "/api/search", function: "search", file: "app/api/search.py", line: 9, isAsync: true)
        run.addRoute("POST", "/api/bookings", function: "create_booking", file: "app/api/bookings.py", line: 24, isAsync: true)
        run.addDependency(
            .http, library: "httpx", callee: "client.get", file: "app/provider_client.py", line: 11, function: "list_routes",
            routes: ["POST /api/search"], point: "dependency:app/provider_client.py:list_routes:client.get:0")
        for index in 0..<20 { run.request("POST /api/bookings", at: Double(index) * 10, latencyMs: 20) }
        // Five searches the provider's exception alone broke (its events name the point by short form).
        for index in 0..<5 {
            let id = run.request("POST /api/search", at: 300 + Double(index) * 10, latencyMs: 30, status: 500)
            run.fire("aaaa1111", in: id, at: 301 + Double(index) * 10, fault: "exception", exception: "chaos_test_runtime.ChaosFault")
            run.events[run.events.count - 1].service = "provider"
        }
        // One where the app's own dependency fault fired too: an error, but not explained by the provider alone.
        let both = run.request("POST /api/search", at: 400, latencyMs: 30, status: 500)
        run.fire(Self.providerPoint, in: both, at: 401, fault: "exception", exception: "chaos_test_runtime.ChaosFault")
        run.events[run.events.count - 1].service = "provider"
        run.fire("dependency:app/provider_client.py:list_routes:client.get:0", in: both, at: 402, fault: "dependency", exception: "httpx.ConnectError")
        // A provider delay the app survived, and an app error no fault explains.
        let slow = run.request("POST /api/search", at: 500, latencyMs: 300)
        run.fire(Self.providerPoint, in: slow, at: 501, fault: "latency", delayMs: 250)
        run.events[run.events.count - 1].service = "provider"
        run.request("POST /api/search", at: 600, latencyMs: 30, status: 500, id: "lonely")
        return run
    }

    func analyze(_ run: FixtureRun, withService: Bool) throws -> FailurePatterns {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID().uuidString)")
        try run.write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        if withService {
            let services = folder.appendingPathComponent("services/provider")
            try FileManager.default.createDirectory(at: services, withIntermediateDirectories: true)
            let point = ChaosConfig.Point(
                id: Self.providerPoint, short: "aaaa1111", kind: .handler, routes: ["GET /routes"], file: "main.py", line: 121,
                function: "list_routes", fault: .init(faults: [.latency, .exception, .status]), patch: "patches/001-main.patch",
                insertedLines: [122])
            let config = ChaosConfig(
                app: "main:app", seed: 7, defaults: .init(rate: 0.1, delayUs: [100_000, 1_000_000], faults: [.latency, .exception], status: 503),
                points: [point], files: [])
            try ArtifactJSON.encode(config).write(to: services.appendingPathComponent("chaos-config.json"))
            var record = RunRecord(
                appRoot: run.appRoot, appId: "app.main:app", options: ["inject_services": .object(["provider": .string("services/provider")])],
                seed: 7, startUnixNs: FixtureRun.startNs)
            record.partial = []
            try ArtifactJSON.encode(record).write(to: folder.appendingPathComponent("run.json"))
        }
        return try Analyzer.analyze(runFolder: folder)
    }

    @Test func aProviderFaultIsTracedToTheAppEndpointItBroke() throws {
        let patterns = try analyze(fixture(), withService: true)
        let cascades = try #require(patterns.crossServiceCascades)
        let exception = try #require(cascades.first)
        #expect(exception.service == "provider")
        #expect(exception.point == Self.providerPoint)
        #expect(exception.fault == "exception")
        #expect(exception.endpoint == "POST /api/search")
        #expect(exception.requests == 6)
        #expect(exception.errors == 6)
        #expect(exception.errorsExplained == 5)
        #expect(exception.statuses == ["500": 6])
        #expect(exception.location == SourceLocation(file: "services/provider/main.py", line: 121, function: "list_routes"))
        #expect(exception.requestIds.count == 5)
        let latency = try #require(cascades.first { $0.fault == "latency" })
        #expect(latency.requests == 1 && latency.errors == 0)
        #expect(cascades.count == 2)

        // The provider's faults explain the app's errors; only the lonely 500 is unexplained.
        #expect(patterns.attribution?.unattributedFailedRequestIds == ["lonely"])
        #expect(patterns.points["provider/" + Self.providerPoint]?.fired == 7)
        // The app's detectors still see only the app's points.
        #expect(patterns.patterns.allSatisfy { !$0.points.contains { $0.hasPrefix("provider/") } })
    }

    @Test func withoutInjectedServicesTheKeyIsAbsent() throws {
        var run = FixtureRun()
        run.request("GET /healthz", at: 0, latencyMs: 1)
        let patterns = try analyze(run, withService: false)
        #expect(patterns.crossServiceCascades == nil)
        let json = String(decoding: try ArtifactJSON.encode(patterns), as: UTF8.self)
        #expect(!json.contains("cross_service_cascades"))
    }
}
