import Artifacts
import Foundation
import Injection
import Patching

/// Turns a run's failure patterns into ranked proposals, each with a unified diff against the
/// source the run saw.
///
/// Every recipe is chosen from evidence at one place: a retry only for an idempotent outbound
/// call, an idempotency key (never a retry) for a write, a timeout only where the call has none.
public enum FixProposer {
    /// Proposals, their patch files (relative to the run folder) and the notes on what got no diff.
    public struct Output: Sendable {
        public var proposals: FixProposals
        public var patches: [String: [UInt8]]
        /// The original bytes of every file a patch changes, so `apply-fix` can carry a fix over
        /// onto a file that changed since (hooks injected, another fix applied).
        public var originals: [String: [UInt8]]
        public var notes: [String]
    }

    public static func propose(
        scan: ScanResult, patterns: FailurePatterns, sourceRoot: String, originalHashes: [String: String],
        python: String?
    ) throws(FixError) -> Output {
        let context = ProposalContext(
            scan: scan, patterns: patterns, sourceRoot: sourceRoot, originalHashes: originalHashes)
        var drafts: [Draft] = []
        var index: [String: Int] = [:]
        func add(_ draft: Draft) {
            if let at = index[draft.key] {
                drafts[at].absorb(draft)
            } else {
                index[draft.key] = drafts.count
                drafts.append(draft)
            }
        }
        for pattern in patterns.patterns {
            for draft in DraftBuilder.drafts(for: pattern, context: context) { add(draft) }
        }
        drafts = drafts.filter { !$0.patterns.isEmpty }
        // Rank: measured before static; then impact, weighted so a fix that rescues requests
        // outranks one that changes how they fail; then a stable order.
        drafts.sort { a, b in
            if a.evidence != b.evidence { return a.evidence == .measured }
            let sa = a.impact * a.weight
            let sb = b.impact * b.weight
            if abs(sa - sb) > 1e-9 { return sa > sb }
            if a.rescues != b.rescues { return a.rescues }
            return (a.file, a.line, a.recipe.rawValue) < (b.file, b.line, b.recipe.rawValue)
        }
        var proposals: [FixProposal] = []
        var patches: [String: [UInt8]] = [:]
        var originals: [String: [UInt8]] = [:]
        var changed: [(Int, [FileChange])] = []
        for (offset, draft) in drafts.enumerated() {
            let number = offset + 1
            let proposal = FixProposal(
                id: String(format: "fix-%03d", number), recipe: draft.recipe.rawValue, title: draft.title,
                patterns: draft.patterns, file: draft.file, line: draft.line, applicability: draft.applicability,
                priority: number, impact: (draft.impact * 1000).rounded() / 1000, rationale: draft.rationale,
                expectedEffect: draft.effect, evidence: draft.evidence, patch: nil)
            var files: [FileChange] = []
            for (path, edits) in draft.edits.sorted(by: { $0.key < $1.key }) where !edits.isEmpty {
                guard let file = context.file(path) else { continue }
                let after = try file.applying(edits)
                files.append(FileChange(path: path, before: file.raw, after: after))
            }
            if !files.isEmpty {
                changed.append((proposals.count, files))
            }
            proposals.append(proposal)
        }
        // One compile check for every changed file of every proposal.
        var failed: Set<Int> = []
        if let python {
            // Each file is checked under a name that says which proposal it belongs to.
            let batch = changed.flatMap { owner, files in
                files.map { FileChange(path: "\(owner)|\($0.path)", before: $0.before, after: $0.after) }
            }
            let failures: [CompileCheck.Failure]
            do { failures = try CompileCheck.failures(batch, python: python) } catch {
                throw FixError("the compile check of the fixes failed: \(error)", code: .environment)
            }
            for failure in failures {
                let parts = failure.path.split(separator: "|", maxSplits: 1).map(String.init)
                guard parts.count == 2, let owner = Int(parts[0]) else { continue }
                failed.insert(owner)
                context.note(
                    "\(parts[1]):\(failure.line): the \(proposals[owner].recipe) fix did not compile (\(failure.message)); "
                        + "it is proposed without a diff.")
            }
        }
        for (owner, files) in changed where !failed.contains(owner) {
            let name = String(format: "fixes/%03d-%@.patch", owner + 1, proposals[owner].recipe)
            var bytes: [UInt8] = []
            for change in files {
                bytes += FilePatch.make(path: change.path, old: change.before, new: change.after).render()
                originals[change.path] = change.before
            }
            patches[name] = bytes
            proposals[owner].patch = name
        }
        return Output(proposals: FixProposals(proposals: proposals), patches: patches, originals: originals, notes: context.notes)
    }

    /// `chaos-test propose <run-dir>`: reads the run folder, writes `fix-proposals.json` and
    /// `fixes/`. The source is read from `sourceRoot`, else from the app root in run.json.
    @discardableResult
    public static func write(runFolder: URL, sourceRoot: String? = nil, python: String? = nil) throws(FixError) -> Output {
        let run: RunRecord = try read(runFolder, "run.json")
        let scan: ScanResult = try read(runFolder, "scan.json")
        let patterns: FailurePatterns = try read(runFolder, "failure-patterns.json")
        let root = sourceRoot ?? run.appRoot
        let python = python ?? run.options["python"]?.stringValue
        let output = try propose(
            scan: scan, patterns: patterns, sourceRoot: root, originalHashes: run.originalSha256,
            python: python.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? "python3")
        let fixes = runFolder.appendingPathComponent("fixes")
        do {
            if FileManager.default.fileExists(atPath: fixes.path) { try FileManager.default.removeItem(at: fixes) }
            try FileManager.default.createDirectory(at: fixes, withIntermediateDirectories: true)
            for (name, bytes) in output.patches {
                try Data(bytes).write(to: runFolder.appendingPathComponent(name), options: .atomic)
            }
            for (path, bytes) in output.originals {
                let url = fixes.appendingPathComponent("originals").appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url, options: .atomic)
            }
            try ArtifactJSON.encode(output.proposals).write(
                to: runFolder.appendingPathComponent("fix-proposals.json"), options: .atomic)
        } catch {
            throw FixError("cannot write the fixes into \(runFolder.path): \(error)", code: .environment)
        }
        return output
    }

    static func read<T: Decodable>(_ folder: URL, _ name: String) throws(FixError) -> T {
        let url = folder.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixError(
                "\(url.path) is missing; `propose` needs a run folder written by `chaos-test run` (with \(name)).")
        }
        do { return try ArtifactJSON.decode(T.self, from: data) } catch {
            throw FixError("\(url.path) is not a valid \(name): \(error). Re-run `chaos-test run`.")
        }
    }
}
