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

    @Test func noInjectedServiceMeansNoSection() throws {
        let text = try markdown(.make())
        #expect(!text.contains("Cross-service cascade"))
        var fixture = RunFolderFixture.make()
        fixture.patterns?.crossServiceCascades = []
        #expect(try markdown(fixture).contains("## Cross-service cascade\n\nNone: no fault fired in an injected service"))
    }
}
