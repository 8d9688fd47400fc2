import ArgumentParser
import Artifacts
import Comparison
import Foundation

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs of the same chaos: error rate, p95 and p99 per endpoint, patterns gone and new.",
        discussion: "Exit status 1 when anything got worse beyond the noise thresholds, so CI can gate on it.")

    @Argument(help: "The run folder before the change.") var oldRun: String
    @Argument(help: "The run folder after the change.") var newRun: String
    @Option(help: "md or json.") var format: String = "md"
    @Option(help: "Error-rate change that counts, absolute (0.02 = 2 points).") var errorRateTolerance: Double = 0.02
    @Option(help: "p99 change that counts, relative (0.25 = 25%).") var p99Tolerance: Double = 0.25
    @Option(help: "p99 change that counts, absolute, in seconds.") var p99MinChange: Double = 0.05
    @Option(help: "Family-wise significance level of all the endpoint tests (Holm).") var alpha: Double = 0.05
    @Option(help: "Also write the comparison to this file.") var out: String?

    func validate() throws {
        guard ["md", "json"].contains(format) else { throw ValidationError("--format is md or json, not \(format).") }
        guard (0...1).contains(errorRateTolerance) else { throw ValidationError("--error-rate-tolerance is in [0, 1].") }
        guard p99Tolerance >= 0, p99MinChange >= 0 else { throw ValidationError("the p99 tolerances are >= 0.") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha is between 0 and 1 (exclusive), not \(alpha).") }
    }

    func run() throws {
        let thresholds = RunComparison.Thresholds(
            errorRate: errorRateTolerance, p99Relative: p99Tolerance, p99AbsoluteUs: Int(p99MinChange * 1_000_000),
            alpha: alpha)
        let comparison: RunComparison
        do {
            comparison = try RunComparison.compare(
                old: URL(fileURLWithPath: oldRun).resolvingSymlinksInPath(),
                new: URL(fileURLWithPath: newRun).resolvingSymlinksInPath(), thresholds: thresholds)
        } catch {
            throw CLIFailure(message: error.message, code: .badInput)
        }
        let text = format == "json" ? String(decoding: try ArtifactJSON.encode(comparison), as: UTF8.self) : comparison.markdown
        print(text)
        if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) }
        if comparison.regressed {
            throw CLIFailure(message: "the new run is \(comparison.verdict.rawValue) than the old one beyond noise", code: .checkFailed)
        }
    }
}
