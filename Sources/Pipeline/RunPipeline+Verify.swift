import Artifacts
import Fixes
import Foundation

/// `run --verify-fixes N`: each of the top N proposals with a diff is applied to a scratch copy
/// of the app, and the same seeded chaos runs against that copy. The measured effect goes into
/// fix-proposals.json (`verified`) and the report. The user's checkout is never touched.
extension RunPipeline {
    /// Folders and files a scratch copy leaves out: the tool's state, caches, version control.
    static let scratchSkipped: Set<String> = [".chaos-test", ".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".tox"]

    func verifyFixes(count: Int, runFolder: URL, root: URL, settings: RunSettings) async {
        guard count > 0 else { return }
        let proposalsURL = runFolder.appendingPathComponent("fix-proposals.json")
        let patternsURL = runFolder.appendingPathComponent("failure-patterns.json")
        guard var proposals = try? ArtifactJSON.decode(FixProposals.self, from: Data(contentsOf: proposalsURL)),
            let before = try? ArtifactJSON.decode(FailurePatterns.self, from: Data(contentsOf: patternsURL)),
            let figures = before.endpoints["*"]?.chaos
        else {
            note(partial: "verify fixes: this run has no proposals or no chaos figures to compare with")
            return
        }
        let chosen = Array(proposals.proposals.filter { $0.patch != nil }.prefix(count))
        // Each verification runs the app, its services and the load: on a small machine one at a
        // time, so they do not skew each other's latencies; with room, a few side by side.
        let slots = options.verifyJobs ?? Self.verificationSlots
        if slots > 1 { say("  verifying \(chosen.count) fixes, \(slots) at a time") }
        let results = await withTaskGroup(of: (String, Result<EndpointFigures, any Error>).self) { group in
            var collected: [(String, Result<EndpointFigures, any Error>)] = []
            var next = 0
            func launch() {
                let proposal = chosen[next]
                next += 1
                let folder = runFolder.appendingPathComponent("verify/\(proposal.id)")
                group.addTask {
                    do {
                        let after = try await self.phase("verify \(proposal.id)") {
                            try await self.verify(proposal, folder: folder, runFolder: runFolder, root: root, settings: settings)
                        }
                        return (proposal.id, .success(after))
                    } catch {
                        return (proposal.id, .failure(error))
                    }
                }
            }
            while next < chosen.count && next < slots { launch() }
            for await result in group {
                collected.append(result)
                if next < chosen.count {
                    if stop.isStopped {
                        note(partial: "verify fixes: stopped before \(chosen[next].id)")
                        next = chosen.count
                    } else {
                        launch()
                    }
                }
            }
            return collected
        }
        for (id, result) in results {
            switch result {
            case .success(let after):
                guard let index = proposals.proposals.firstIndex(where: { $0.id == id }) else { continue }
                proposals.proposals[index].verified = Verification(
                    errorRateBefore: figures.errorRate, errorRateAfter: after.errorRate, p99BeforeUs: figures.p99Us,
                    p99AfterUs: after.p99Us)
                say(
                    "  \(id): error rate " + String(format: "%.1f%% → %.1f%%", figures.errorRate * 100, after.errorRate * 100)
                        + String(format: ", p99 %.0f ms → %.0f ms", Double(figures.p99Us) / 1000, Double(after.p99Us) / 1000))
            case .failure(let error):
                note(partial: "verify \(id): \(error)")
            }
        }
        try? write(proposals, to: proposalsURL)
    }

    /// Verifications that may run at once: one per four cores, at least one.
    static var verificationSlots: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 4) }

    /// Copies the app, applies the fix to the copy, runs the same experiment there, and returns
    /// the chaos figures over all endpoints.
    private func verify(
        _ proposal: FixProposal, folder: URL, runFolder: URL, root: URL, settings: RunSettings
    ) async throws -> EndpointFigures {
        let scratch = folder.appendingPathComponent("app")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.copyTree(from: root, to: scratch)
        _ = try FixApplier.apply(appRoot: scratch.path, runFolder: runFolder, selection: .id(proposal.id))
        var nested = options
        nested.appRoot = scratch
        nested.out = folder.appendingPathComponent("run")
        nested.python = settings.python
        nested.plan = settings.planFile
        nested.verifyFixes = 0
        nested.keepChaos = false
        // Issue 8: a verification measures the chaos phase only; no ramp, no second live view.
        nested.ramp = nil
        nested.monitor = nil
        let pipeline = RunPipeline(options: nested) { [say] line in say("    " + line) }
        let outcome: RunOutcome
        do { outcome = try await pipeline.run() } catch { throw error }
        let patterns = try ArtifactJSON.decode(
            FailurePatterns.self, from: Data(contentsOf: outcome.runFolder.appendingPathComponent("failure-patterns.json")))
        guard let after = patterns.endpoints["*"]?.chaos else {
            throw RunError.environment("the verification run of \(proposal.id) recorded no chaos-phase requests")
        }
        return after
    }

    /// A copy of the app's files; virtualenvs are linked, not copied.
    static func copyTree(from source: URL, to destination: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: destination, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: source.path) where !scratchSkipped.contains(name) {
            let from = source.appendingPathComponent(name)
            let to = destination.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            let attributes = try manager.attributesOfItem(atPath: from.path)
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                try manager.createSymbolicLink(atPath: to.path, withDestinationPath: try manager.destinationOfSymbolicLink(atPath: from.path))
            } else if manager.fileExists(atPath: from.path, isDirectory: &isDirectory), isDirectory.boolValue {
                if manager.fileExists(atPath: from.appendingPathComponent("pyvenv.cfg").path) {
                    try manager.createSymbolicLink(atPath: to.path, withDestinationPath: from.path)
                } else {
                    try copyTree(from: from, to: to)
                }
            } else {
                try manager.copyItem(at: from, to: to)
            }
        }
    }
}
