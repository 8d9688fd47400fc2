import Artifacts
import Foundation
import TestEvidence

extension RunPipeline {
    /// `--junit` and `--sarif`: the run's results in the formats CI systems read, written
    /// from the run folder alone once the report is done. A file that cannot be written makes
    /// the run partial, not failed: the report is still there.
    func writeCIFiles(runFolder: URL, settings: RunSettings) async {
        guard options.junit != nil || options.sarif != nil else { return }
        await phase("ci files") {
            if let junit = options.junit {
                do {
                    let thresholds = SLOThresholds(
                        maxErrorRate: settings.maxErrorRate ?? 0.01, maxP99Us: Int(((settings.maxP99 ?? 2.0) * 1e6).rounded()))
                    let summary = try LoadResultsReader(url: runFolder.appendingPathComponent("load-results.json")).header().summary
                    let patterns = Self.decodeIfPresent(FailurePatterns.self, runFolder.appendingPathComponent("failure-patterns.json"))
                    let data = try SLOJUnitWriter.render(chaos: summary["chaos"] ?? [:], patterns: patterns?.patterns ?? [], thresholds: thresholds)
                    try data.write(to: junit, options: .atomic)
                    say("  JUnit: \(junit.path)")
                } catch {
                    note(partial: "--junit \(junit.path): \(error)")
                }
            }
            if let sarif = options.sarif {
                do {
                    let proposals = Self.decodeIfPresent(FixProposals.self, runFolder.appendingPathComponent("fix-proposals.json"))
                        ?? FixProposals(proposals: [])
                    let input = SARIFWriter.Input(
                        proposals: proposals,
                        patterns: Self.decodeIfPresent(FailurePatterns.self, runFolder.appendingPathComponent("failure-patterns.json")),
                        scan: Self.decodeIfPresent(ScanResult.self, runFolder.appendingPathComponent("scan.json")),
                        runFolder: runFolder, appRoot: settings.root)
                    try SARIFWriter.encode(try SARIFWriter.log(input)).write(to: sarif, options: .atomic)
                    say("  SARIF: \(sarif.path)")
                } catch {
                    note(partial: "--sarif \(sarif.path): \(error)")
                }
            }
        }
    }

    static func decodeIfPresent<T: Decodable>(_ type: T.Type, _ url: URL) -> T? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? ArtifactJSON.decode(type, from: data)
    }
}
