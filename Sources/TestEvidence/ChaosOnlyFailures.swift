import Artifacts
import Foundation

/// The tests that pass with chaos off and fail with it on, each with the faults that fired
/// while it ran. The runtime, loaded as a pytest plugin, tags every event with the node id of
/// the running test, so attribution needs no timestamps.
public enum ChaosOnlyFailures {
    public static func compare(baseline: JUnitReport, chaos: JUnitReport, events: [ChaosEvent]) -> [TestRunComparison.Failure] {
        let passedBefore = Set(baseline.cases.filter { $0.outcome == .passed }.map(\.identifier))
        var byTest: [String: [ChaosEvent]] = [:]
        for event in events where event.point != nil {
            if let test = event.test { byTest[identifier(nodeID: test), default: []].append(event) }
        }
        var nodeIDs: [String: String] = [:]
        for event in events { if let test = event.test { nodeIDs[identifier(nodeID: test)] = test } }
        return chaos.cases.compactMap { testCase -> TestRunComparison.Failure? in
            guard passedBefore.contains(testCase.identifier) else { return nil }
            let problem: JUnitProblem
            switch testCase.outcome {
            case .failed(let p), .error(let p): problem = p
            case .passed, .skipped: return nil
            }
            let fired = byTest[testCase.identifier] ?? []
            var counts: [String: Int] = [:]
            for event in fired { counts[event.point!, default: 0] += 1 }
            let points = counts.keys.sorted { (counts[$0]!, $1) > (counts[$1]!, $0) }
            return TestRunComparison.Failure(
                test: nodeIDs[testCase.identifier] ?? testCase.identifier,
                message: problem.message ?? problem.text.split(separator: "\n").last.map(String.init) ?? "",
                points: points,
                faults: fired.map { "\($0.point!) \($0.fault ?? "?")\($0.exception.map { " \($0)" } ?? "")" })
        }
    }

    /// A pytest node id as JUnit names the test: `tests/test_api.py::TestX::test_y[1]` is
    /// classname `tests.test_api.TestX`, name `test_y[1]`.
    public static func identifier(nodeID: String) -> String {
        var parts = nodeID.components(separatedBy: "::")
        let name = parts.removeLast()
        guard !parts.isEmpty else { return name }
        var module = parts.removeFirst()
        if module.hasSuffix(".py") { module.removeLast(3) }
        let className = ([module.replacingOccurrences(of: "/", with: ".")] + parts).joined(separator: ".")
        return "\(className)::\(name)"
    }
}
