import Artifacts
import Fixes
import Foundation

/// The stages that work from the run folder alone.
enum AnalysisStage {
    static func analyze(runFolder: URL) throws {
        throw RunError.environment("analysis is not merged yet")
    }

    static func propose(runFolder: URL) throws {
        let url = runFolder.appendingPathComponent("failure-patterns.json")
        let patterns = try ArtifactJSON.decode(FailurePatterns.self, from: Data(contentsOf: url))
        let proposals = StaticProposer.propose(patterns)
        try ArtifactJSON.encode(proposals).write(to: runFolder.appendingPathComponent("fix-proposals.json"), options: .atomic)
    }

    static func report(runFolder: URL) throws {
        throw RunError.environment("reports are not merged yet")
    }
}
