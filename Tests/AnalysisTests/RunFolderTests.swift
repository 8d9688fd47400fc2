import Analysis
import Artifacts
import Foundation
import Testing

@Suite struct RunFolderTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID().uuidString)")
        try UnhandledDependencyErrorTests.run(answeredWith: 500).write(to: url)
        return url
    }

    @Test func writesFailurePatternsThatReadBack() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let written = try Analyzer.write(runFolder: url)
        let data = try Data(contentsOf: url.appendingPathComponent("failure-patterns.json"))
        let read = try ArtifactJSON.decode(FailurePatterns.self, from: data)
        #expect(read.patterns.map(\.id) == written.patterns.map(\.id))
        #expect(read.schema == 1)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"evidence_kind\" : \"measured\""))
        #expect(text.contains("\"error_rate_affected\""))
    }

    /// `run --pytest` leaves pytest.json in the run folder; analyzing the folder again must keep
    /// the tests that fail only under chaos, located at the points that fired during them.
    @Test func testsThatFailOnlyUnderChaosSurviveARerunOfAnalyze() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let config = try ArtifactJSON.decode(ChaosConfig.self, from: Data(contentsOf: url.appendingPathComponent("chaos-config.json")))
        let point = try #require(config.points.first)
        let suite = TestRunComparison(
            command: ["pytest"], baseline: .init(junit: "pytest/baseline.xml", exitStatus: 0, tests: 4, failed: 0, skipped: 0),
            chaos: .init(junit: "pytest/chaos.xml", exitStatus: 1, tests: 4, failed: 1, skipped: 0),
            chaosOnlyFailures: [
                .init(test: "tests/test_api.py::test_book", message: "assert 500 == 201", points: [point.id], faults: ["\(point.id) exception"])
            ])
        try ArtifactJSON.encode(suite).write(to: url.appendingPathComponent(TestRunComparison.fileName))
        for _ in 0..<2 {
            let patterns = try Analyzer.write(runFolder: url)
            let tests = patterns.patterns(.testFailsUnderChaos)
            #expect(tests.count == 1)
            #expect(tests.first?.locations.first?.line == point.line)
            #expect(tests.first?.endpoints == point.routes.sorted())
            #expect(abs((tests.first?.impact ?? 0) - 0.25) < 1e-9)
        }
        try Data("{".utf8).write(to: url.appendingPathComponent(TestRunComparison.fileName))
        #expect(throws: AnalysisError.self) { try Analyzer.analyze(runFolder: url) }
    }

    @Test(arguments: ["scan.json", "chaos-config.json", "load-results.json"])
    func aMissingFileIsNamed(_ name: String) throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.removeItem(at: url.appendingPathComponent(name))
        let error = try #require(throws: AnalysisError.self) { try Analyzer.analyze(runFolder: url) }
        #expect(error.description.contains(name))
        #expect(error.description.contains("missing"))
        #expect(!error.isEnvironmentProblem)
    }

    @Test func aBrokenFileIsNamedWithWhereItBreaks() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"schema": 1, "apps": [], "routes": [{"app": 3}]}"#.utf8).write(to: url.appendingPathComponent("scan.json"))
        let error = try #require(throws: AnalysisError.self) { try Analyzer.analyze(runFolder: url) }
        #expect(error.description.contains("scan.json cannot be read"))
        #expect(error.description.contains("routes"))
    }

    @Test func aTruncatedLoadFileIsNamed() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        let loadURL = url.appendingPathComponent("load-results.json")
        let data = try Data(contentsOf: loadURL)
        try data.prefix(data.count / 2).write(to: loadURL)
        let error = try #require(throws: AnalysisError.self) { try Analyzer.analyze(runFolder: url) }
        #expect(error.description.contains("load-results.json"))
    }

    @Test func notAFolder() throws {
        let url = URL(fileURLWithPath: "/nonexistent/run")
        let error = try #require(throws: AnalysisError.self) { try Analyzer.analyze(runFolder: url) }
        #expect(error.description.contains("is not a run folder"))
    }

    @Test func missingEventsAndLogsBecomeNotes() throws {
        let url = try Self.folder()
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.removeItem(at: url.appendingPathComponent("events.jsonl"))
        let patterns = try Analyzer.analyze(runFolder: url)
        #expect(patterns.notes.contains { $0.contains("events.jsonl is missing") })
        #expect(patterns.notes.contains { $0.contains("logs/ holds no .log file") })
        #expect(patterns.patterns(.unhandledDependencyError).isEmpty)
        // Without events, the 500s have no injected cause.
        #expect(patterns.patterns(.unattributedErrors).count == 1)
    }
}
