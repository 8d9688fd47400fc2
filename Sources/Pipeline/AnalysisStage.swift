import Analysis
import Artifacts
import Fixes
import Foundation
import Reports

/// The stages that work from the run folder alone: they are the same code `chaos-test
/// analyze`, `propose` and `report` run.
enum AnalysisStage {
    static func analyze(runFolder: URL) throws {
        try Analyzer.write(runFolder: runFolder)
    }

    static func propose(runFolder: URL) throws {
        try FixProposer.write(runFolder: runFolder)
    }

    static func report(runFolder: URL) throws {
        _ = try ReportWriter.write(runFolder: runFolder, format: .md)
    }
}
