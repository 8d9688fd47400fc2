import Artifacts
import Comparison
import Fixes
import Foundation
import Pipeline
import Testing

/// The whole loop on the orbital sample: run (verifying the top fix on a scratch copy), apply the
/// top fix, run again with the same seed, compare, and revert the fix byte for byte.
@Suite(.serialized) struct FixLoopTests {
    static let sample = "orbital-travel-planner"

    func options(_ copy: SampleCopy) throws -> RunOptions {
        // Long enough (about 550 requests a run) that the fix's effect stands out of the noise: at
        // 20 s, five runs gave drops of 1.7 to 8.8 points (the requests are paired by id, so both
        // runs draw the same faults, but which connection a reset hits still varies).
        var options = try runOptions(for: copy, sample: Self.sample, duration: 30, deadline: 55)
        options.minRequests = 1
        options.seed = 7
        // Failures only, no latency faults. With delays injected, the event-loop-blocking pattern
        // sometimes outranks the unhandled errors, and the top fix is then the offload, which
        // raises throughput and cuts p99 but leaves the error rate alone (seen once in CI: 41.4%
        // -> 41.8%, with 512 -> 777 requests). This test is about a fix that should lower the
        // error rate, so it gives the errors alone to rank.
        options.faults = "exception,status,dependency"
        return options
    }

    @Test func theTopFixLowersTheErrorRateUnderTheSameChaos() async throws {
        let copy = try SampleCopy(sample: Self.sample)
        let pristine = try copy.snapshot()
        var first = try options(copy)
        first.verifyFixes = 1
        let before = try await RunPipeline(options: first) { _ in }.run()
        let proposals = try ArtifactJSON.decode(
            FixProposals.self, from: Data(contentsOf: before.runFolder.appendingPathComponent("fix-proposals.json")))
        let top = try #require(proposals.proposals.first { $0.patch != nil })
        let verified = try #require(top.verified, "run --verify-fixes 1 recorded no effect for \(top.id)")
        print("verify \(top.id) (\(top.recipe)): error rate \(verified.errorRateBefore) -> \(verified.errorRateAfter), p99 \(verified.p99BeforeUs) -> \(verified.p99AfterUs) us")
        let report = try String(contentsOf: before.runFolder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        #expect(report.contains("- Verified: error rate"))
        // The verification ran on a scratch copy: the app is as it was.
        #expect(try copy.snapshot() == pristine)

        let applied = try FixApplier.apply(appRoot: copy.root.path, runFolder: before.runFolder, selection: .top)
        #expect(applied.fixes == [top.id])
        let after = try await RunPipeline(options: try options(copy)) { _ in }.run()
        let comparison = try RunComparison.compare(old: before.runFolder, new: after.runFolder)
        print(comparison.markdown)
        let overall = try #require(comparison.overall)
        #expect(overall.errorRateAfter < overall.errorRateBefore, "applying \(top.id) (\(top.recipe)) did not lower the error rate")
        #expect(comparison.verdict != .worse, "\(comparison.verdict)")

        _ = try FixApplier.revert(appRoot: copy.root.path, selection: .all)
        #expect(try copy.snapshot() == pristine)
        #expect(processes(in: copy.root).isEmpty)
    }
}
