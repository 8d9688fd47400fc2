import Artifacts
import Comparison
import Foundation
import Testing
import TestSupport

struct RunComparisonTests {
    func figures(requests: Int, errorRate: Double, p99Ms: Int) -> EndpointFigures {
        let errors = Int((Double(requests) * errorRate).rounded())
        return EndpointFigures(
            requests: requests, successRate: 1 - errorRate, errorRate: errorRate, clientErrors: 0,
            statuses: ["200": requests - errors, "500": errors], errorKinds: ["http_5xx": errors], p50Us: p99Ms * 250,
            p95Us: p99Ms * 800, p99Us: p99Ms * 1000, maxUs: p99Ms * 1200)
    }

    func folder(_ endpoints: [String: EndpointFigures], patterns: [Pattern] = []) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let value = FailurePatterns(
            endpoints: endpoints.mapValues { EndpointComparison(baseline: nil, chaos: $0, delta: nil) }, points: [:],
            tracebacks: [], patterns: patterns)
        try dir.write("failure-patterns.json", [UInt8](try ArtifactJSON.encode(value)))
        return dir
    }

    func pattern(_ kind: PatternKind, line: Int) -> Pattern {
        Pattern(
            id: "\(kind.rawValue)-1", kind: kind, title: "t", severity: .high, impact: 0.4, endpoints: [], points: [],
            locations: [SourceLocation(file: "app.py", line: line, function: "f")], evidenceKind: .measured, evidence: [:])
    }

    @Test func fewerErrorsIsBetterAndAGonePatternIsListed() throws {
        let old = try folder(
            ["*": figures(requests: 400, errorRate: 0.20, p99Ms: 900), "GET /a": figures(requests: 400, errorRate: 0.20, p99Ms: 900)],
            patterns: [pattern(.unhandledDependencyError, line: 3)])
        let new = try folder(
            ["*": figures(requests: 400, errorRate: 0.05, p99Ms: 880), "GET /a": figures(requests: 400, errorRate: 0.05, p99Ms: 880)])
        let result = try RunComparison.compare(old: URL(fileURLWithPath: old.path), new: URL(fileURLWithPath: new.path))
        #expect(result.verdict == .better)
        #expect(result.overall?.errorRate == .better)
        #expect(result.overall?.p99 == .unchanged, "a 2% p99 move is noise")
        #expect(result.disappeared.map(\.kind) == ["unhandled-dependency-error"])
        #expect(!result.regressed)
        #expect(result.markdown.contains("| **all endpoints** | 400 → 400 | 20.0% | 5.0% |"))
    }

    @Test func aSmallMoveOnFewRequestsIsNoise() throws {
        // 3 of 20 against 1 of 20: 10 points, but not significant on 20 requests each.
        let old = try folder(["*": figures(requests: 20, errorRate: 0.15, p99Ms: 100)])
        let new = try folder(["*": figures(requests: 20, errorRate: 0.05, p99Ms: 100)])
        let result = try RunComparison.compare(old: URL(fileURLWithPath: old.path), new: URL(fileURLWithPath: new.path))
        #expect(result.verdict == .unchanged)
    }

    @Test func aSlowerP99IsARegressionAndExitsOne() throws {
        let old = try folder(["*": figures(requests: 300, errorRate: 0.01, p99Ms: 200)])
        let new = try folder(["*": figures(requests: 300, errorRate: 0.01, p99Ms: 600)], patterns: [pattern(.noTimeout, line: 9)])
        let result = try RunComparison.compare(old: URL(fileURLWithPath: old.path), new: URL(fileURLWithPath: new.path))
        #expect(result.verdict == .worse)
        #expect(result.regressed)
        #expect(result.appeared.map(\.location) == ["app.py:9"])
        // Looser thresholds make the same move noise.
        let loose = try RunComparison.compare(
            old: URL(fileURLWithPath: old.path), new: URL(fileURLWithPath: new.path),
            thresholds: .init(errorRate: 0.02, p99Relative: 5, p99AbsoluteUs: 50_000))
        #expect(loose.verdict == .unchanged)
        let binary = ProcessInfo.processInfo.environment["CHAOS_TEST_BINARY"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/.build/debug/chaos-test"
        let cli = try TestSupport.run(binary, ["compare", old.path, new.path, "--format", "json"])
        #expect(cli.0 == 1, "\(cli.1)")
        #expect(cli.1.contains("\"verdict\" : \"worse\""))
    }

    @Test func aMissingRunFolderIsBadInput() throws {
        let old = try folder(["*": figures(requests: 10, errorRate: 0, p99Ms: 1)])
        #expect(throws: ComparisonError.self) {
            try RunComparison.compare(old: URL(fileURLWithPath: old.path), new: URL(fileURLWithPath: "/nonexistent/run"))
        }
    }
}
