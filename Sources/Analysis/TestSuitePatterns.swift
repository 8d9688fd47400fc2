import Artifacts
import Foundation

/// The app's own tests that fail only under chaos (`pytest.json`, written by `run --pytest`) as
/// failure patterns, so that re-running `analyze` on a run folder keeps them, and the proposals,
/// the report and SARIF see them like any other pattern.
enum TestSuitePatterns {
    /// One failure pattern per test that fails only under chaos, located at the points that
    /// fired in it. Impact is the share of the suite that chaos breaks.
    static func patterns(_ failures: [TestRunComparison.Failure], config: ChaosConfig?, suiteSize: Int) -> [Pattern] {
        let points = Dictionary((config?.points ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return failures.enumerated().map { index, failure in
            let located = failure.points.compactMap { points[$0] }
            var seen: Set<SourceLocation> = []
            let locations = located.map { SourceLocation(file: $0.file, line: $0.line, function: $0.function) }.filter { seen.insert($0).inserted }
            let endpoints = Array(Set(located.flatMap(\.routes))).sorted()
            let evidence: [String: JSONValue] = [
                "test": .string(failure.test), "message": .string(failure.message),
                "faults_fired": .int(failure.faults.count),
                "faults": .array(failure.faults.prefix(10).map { .string($0) }),
            ]
            let cause = failure.points.isEmpty ? "no fault was logged during it" : "\(failure.faults.count) fault(s) fired during it"
            return Pattern(
                id: "test-fails-under-chaos-\(index + 1)", kind: .testFailsUnderChaos,
                title: "test \(failure.test) fails only under chaos (\(cause))", severity: .high,
                impact: suiteSize > 0 ? 1.0 / Double(suiteSize) : 0, endpoints: endpoints, points: failure.points,
                locations: locations, evidenceKind: .measured, evidence: evidence)
        }
    }
}
