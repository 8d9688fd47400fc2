import Artifacts
import Foundation
import Pipeline
import Testing

/// `run --verify-fixes 2 --verify-jobs 2`: two verifications side by side, each on its own scratch
/// copy with its own app, provider and load. Both record their effect, they really overlap in
/// time, and the user's tree and processes are as they were.
@Suite(.serialized) struct VerifyConcurrencyTests {
    static let sample = "orbital-travel-planner"

    @Test func twoVerificationsRunSideBySideAndEachRecordsItsEffect() async throws {
        let copy = try SampleCopy(sample: Self.sample)
        let pristine = try copy.snapshot()
        var options = try runOptions(for: copy, sample: Self.sample, duration: 6, deadline: 30)
        options.minRequests = 1
        options.seed = 7
        options.verifyFixes = 2
        options.verifyJobs = 2
        let outcome = try await RunPipeline(options: options) { _ in }.run()

        let proposals = try ArtifactJSON.decode(
            FixProposals.self, from: Data(contentsOf: outcome.runFolder.appendingPathComponent("fix-proposals.json")))
        let chosen = Array(proposals.proposals.filter { $0.patch != nil }.prefix(2))
        try #require(chosen.count == 2)
        for proposal in chosen {
            let verified = try #require(proposal.verified, "\(proposal.id) was not verified")
            #expect(verified.errorRateAfter >= 0 && verified.errorRateAfter <= 1)
            #expect(FileManager.default.fileExists(
                atPath: outcome.runFolder.appendingPathComponent("verify/\(proposal.id)/run/load-results.json").path))
        }
        // Side by side: the two verify phases overlap in time.
        let phases = outcome.record.phases.filter { $0.name.hasPrefix("verify ") }
        try #require(phases.count == 2, "\(outcome.record.phases.map(\.name))")
        #expect(phases[0].startUnixNs < phases[1].endUnixNs && phases[1].startUnixNs < phases[0].endUnixNs)
        #expect(outcome.record.partial.allSatisfy { !$0.contains("verify") }, "\(outcome.record.partial)")

        #expect(try copy.snapshot() == pristine)
        #expect(processes(in: copy.root).isEmpty)
    }
}
