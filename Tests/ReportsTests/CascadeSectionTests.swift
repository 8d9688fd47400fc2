import Artifacts
import Foundation
import Testing

@testable import Reports

/// The "Cross-service cascade" section (issue 8.5b): written from failure-patterns.json's
/// `cross_service_cascades` after the failure patterns, and only when the run injected a service.
@Suite struct CascadeSectionTests {
    static let row = CrossServiceCascade(
        service: "provider", point: "handler:main.py:list_routes:entry:0", fault: "exception",
        exception: "chaos_test_runtime.ChaosFault", location: SourceLocation(file: "provider/main.py", line: 121, function: "list_routes"),
        endpoint: "POST /api/search", requests: 6, errors: 6, errorsExplained: 5, statuses: ["500": 6], requestIds: ["chaos-3", "chaos-9"])

    private func markdown(_ fixture: RunFolderFixture) throws -> String {
        try fixture.withFolder { folder in
            try String(contentsOf: ReportWriter.write(runFolder: folder, format: .md), encoding: .utf8)
        }
    }

    @Test func theSectionNamesTheServiceFaultAndTheEndpointItBroke() throws {
        var fixture = RunFolderFixture.make()
        fixture.patterns?.crossServiceCascades = [Self.row]
        let text = try markdown(fixture)
        let section = try #require(text.components(separatedBy: "## Cross-service cascade\n").dropFirst().first)
        #expect(text.range(of: "## Failure Patterns")!.lowerBound < text.range(of: "## Cross-service cascade")!.lowerBound)
        #expect(text.range(of: "## Cross-service cascade")!.lowerBound < text.range(of: "## Fix Proposals")!.lowerBound)
        #expect(section.contains(
            "- `exception` faults in service **provider** at `provider/main.py:121` (list_routes) failed 6 of 6 requests to `POST /api/search` (5 with no fault in the app itself); for example request `chaos-3`."))
        #expect(section.contains("| provider | exception | `chaos_test_runtime.ChaosFault` | `provider/main.py:121` | `POST /api/search` | 6 | 6 | 5 | 500×6 |"))
        let json = try fixture.withFolder { try ReportWriter.report(runFolder: $0) }
        #expect(json.crossServiceCascade == [Self.row])
    }

    /// The chaos configuration lists an injected service's points beside the app's, with the
    /// firings failure-patterns.json counts under `<service>/<id>`.
    @Test func theConfigurationTableListsTheServicesPoints() throws {
        var fixture = RunFolderFixture.make()
        var service = try #require(fixture.config)
        service.app = "main:app"
        service.points = [
            ChaosConfig.Point(
                id: "handler:main.py:list_routes:entry:0", short: "pv01", kind: .handler, routes: ["GET /routes"],
                file: "main.py", line: 121, function: "list_routes", fault: .init(faults: [.exception]),
                patch: "patches/001-main.patch", insertedLines: [122])
        ]
        fixture.extraFiles["services/provider/chaos-config.json"] = String(decoding: try ArtifactJSON.encode(service), as: UTF8.self)
        fixture.patterns?.points["provider/handler:main.py:list_routes:entry:0"] = PointEffect(
            fired: 17, requestsAffected: 17, errorRateAffected: 0.88, addedLatencyUs: 0)
        let text = try markdown(fixture)
        let appPoints = fixture.config?.points.count ?? 0
        #expect(text.contains("Injection points (\(appPoints + 1), 1 of them in the injected services `provider`):"))
        #expect(text.contains("| Service | Point | Kind | Location | Function | Routes | Fired |"))
        #expect(text.contains("| provider | `pv01` | handler | `main.py:121` | list_routes | GET /routes | 17 |"))
        #expect(text.contains("| app | `"))
        #expect(!(try markdown(.make())).contains("| Service |"))
    }

    @Test func noInjectedServiceMeansNoSection() throws {
        let text = try markdown(.make())
        #expect(!text.contains("Cross-service cascade"))
        var fixture = RunFolderFixture.make()
        fixture.patterns?.crossServiceCascades = []
        #expect(try markdown(fixture).contains("## Cross-service cascade\n\nNone: no fault fired in an injected service"))
    }
}
