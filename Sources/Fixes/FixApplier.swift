import Artifacts
import Foundation
import Injection
import Patching

/// `apply-fix` and `revert-fix`: a proposal's patch goes into the app, or comes out, in one
/// journaled transaction under the app's lock, together with `.chaos-test/fixes.json`.
///
/// A fix is a diff against the source the run saw. When a file changed since (chaos hooks are
/// injected, another fix is applied), the fix is merged onto it line by line; where both touched
/// the same lines, nothing is written and the message says where.
public enum FixApplier {
    public static let ledgerPath = ".chaos-test/fixes.json"

    public enum Selection: Sendable, Equatable {
        case id(String)
        /// The highest-ranked proposal with a diff that is not applied yet.
        case top
        /// Every applied fix (revert only).
        case all
    }

    public struct Outcome: Sendable, Equatable {
        public var fixes: [String]
        public var files: [String]
        /// Files where the fix was merged onto changes made since the run, not written as diffed.
        public var merged: [String]
    }

    public static func apply(appRoot: String, runFolder: URL, selection: Selection) throws(FixError) -> Outcome {
        let root = try appRootValue(appRoot)
        return try locked(root, command: "apply-fix") { () throws(FixError) -> Outcome in
            let proposals: FixProposals = try FixProposer.read(runFolder, "fix-proposals.json")
            var ledger = try readLedger(root)
            let applied = Set(ledger.fixes.filter { $0.run == runFolder.standardizedFileURL.path }.map(\.id))
            let proposal: FixProposal
            switch selection {
            case .id(let id):
                guard let found = proposals.proposals.first(where: { $0.id == id }) else {
                    let known = proposals.proposals.map(\.id).joined(separator: ", ")
                    throw FixError("\(runFolder.path) has no proposal \(id); it has: \(known).")
                }
                guard found.patch != nil else {
                    throw FixError(
                        "\(id) (\(found.title)) has no automatic diff: it needs a change only a person can make. "
                            + "Read its rationale in fix-proposals.json.")
                }
                guard !applied.contains(id) else {
                    throw FixError("\(id) is already applied (see \(ledgerPath)); `chaos-test revert-fix` undoes it.")
                }
                proposal = found
            case .top:
                guard let found = proposals.proposals.first(where: { $0.patch != nil && !applied.contains($0.id) }) else {
                    throw FixError("every proposal with a diff in \(runFolder.path) is already applied.")
                }
                proposal = found
            case .all:
                throw FixError("`apply-fix` applies one fix at a time: give an ID or --top.")
            }
            let patchURL = runFolder.appendingPathComponent(proposal.patch!)
            guard let patchBytes = FileManager.default.contents(atPath: patchURL.path).map([UInt8].init) else {
                throw FixError("\(patchURL.path) is missing; run `chaos-test propose \(runFolder.path)` again.")
            }
            let filePatches: [FilePatch]
            do { filePatches = try FilePatch.parse(patchBytes, name: patchURL.path) } catch {
                throw FixError("\(patchURL.path) is not a valid patch (\(error)); run `chaos-test propose` again.")
            }
            var changes: [FileChange] = []
            var records: [AppliedFix.File] = []
            var merged: [String] = []
            for filePatch in filePatches {
                let path = filePatch.path
                let full = try resolve(root, path)
                let current = try read(full)
                let originalURL = runFolder.appendingPathComponent("fixes/originals/" + path)
                let original = FileManager.default.contents(atPath: originalURL.path).map([UInt8].init) ?? current
                let applied: [UInt8]?
                do { applied = try filePatch.apply(to: original) } catch {
                    throw FixError(
                        "\(proposal.id) does not apply to \(path): \(error) The source changed since the run; "
                            + "run chaos-test again to get a fresh proposal.")
                }
                guard let target = applied else { throw FixError("\(patchURL.path) deletes \(path); fixes never delete files.") }
                let result: [UInt8]
                if current == original {
                    result = target
                } else {
                    switch ThreeWayMerge.merge(base: original, ours: current, theirs: target) {
                    case .success(let bytes):
                        result = bytes
                        merged.append(path)
                    case .failure(let conflict):
                        let hooks = FileIO.exists(root.stateDirectory + "/chaos-config.json")
                        throw FixError(
                            "\(path):\(conflict.baseLine): the file changed since the run where \(proposal.id) changes "
                                + "it\(hooks ? " (chaos hooks are injected there, or another fix is applied)" : " (another fix is applied there, or it was edited)")"
                                + "; nothing was written. Revert that change, or run chaos-test again for a fresh proposal.")
                    }
                }
                changes.append(FileChange(path: path, before: current, after: result))
                records.append(record(path, before: current, after: result))
            }
            try compileCheck(changes, python: python(for: runFolder, root: root), what: proposal.id)
            ledger.fixes.append(
                AppliedFix(
                    id: proposal.id, recipe: proposal.recipe, title: proposal.title,
                    run: runFolder.standardizedFileURL.path, patch: String(decoding: patchBytes, as: UTF8.self),
                    appliedUnixNs: Int(Date().timeIntervalSince1970 * 1e9), files: records))
            try commit(changes, ledger: ledger, root: root, operation: "apply-fix \(proposal.id)")
            return Outcome(fixes: [proposal.id], files: changes.map(\.path), merged: merged)
        }
    }

    public static func revert(appRoot: String, selection: Selection) throws(FixError) -> Outcome {
        let root = try appRootValue(appRoot)
        return try locked(root, command: "revert-fix") { () throws(FixError) -> Outcome in
            var ledger = try readLedger(root)
            let chosen: [AppliedFix]
            switch selection {
            case .all:
                chosen = ledger.fixes.reversed()
            case .top:
                guard let last = ledger.fixes.last else { throw FixError("no fix is applied (\(ledgerPath) lists none).") }
                chosen = [last]
            case .id(let id):
                guard let found = ledger.fixes.last(where: { $0.id == id }) else {
                    let known = ledger.fixes.map(\.id).joined(separator: ", ")
                    throw FixError(
                        "\(id) is not applied; applied: \(known.isEmpty ? "none" : known). `chaos-test revert-fix --all` reverts every one.")
                }
                chosen = [found]
            }
            if chosen.isEmpty { return Outcome(fixes: [], files: [], merged: []) }
            // Work on an in-memory view, so reverting several fixes that touch one file is one write.
            var contents: [String: [UInt8]] = [:]
            var firstContents: [String: [UInt8]] = [:]
            var merged: [String] = []
            for fix in chosen {
                for file in fix.files {
                    let current: [UInt8]
                    if let cached = contents[file.path] {
                        current = cached
                    } else {
                        current = try read(try resolve(root, file.path))
                        firstContents[file.path] = current
                    }
                    let before = decode(file.before)
                    let after = decode(file.after)
                    if current == after {
                        contents[file.path] = before
                    } else {
                        switch ThreeWayMerge.merge(base: after, ours: current, theirs: before) {
                        case .success(let bytes):
                            contents[file.path] = bytes
                            merged.append(file.path)
                        case .failure(let conflict):
                            let hooks = FileIO.exists(root.stateDirectory + "/chaos-config.json")
                            throw FixError(
                                "\(file.path):\(conflict.baseLine): the lines \(fix.id) changed were edited since"
                                    + (hooks ? " (chaos hooks are injected inside them)" : "") + "; nothing was reverted. "
                                    + (hooks
                                        ? "Run `chaos-test revert \(root.path)` first, then revert-fix again."
                                        : "Undo those edits, or remove the fix by hand."))
                        }
                    }
                }
                ledger.fixes.removeAll { $0.id == fix.id && $0.run == fix.run }
            }
            let changes = contents.keys.sorted().map { FileChange(path: $0, before: firstContents[$0], after: contents[$0]) }
            if !merged.isEmpty {
                try compileCheck(changes.filter { merged.contains($0.path) }, python: python(for: nil, root: root), what: "the revert")
            }
            try commit(changes, ledger: ledger, root: root, operation: "revert-fix")
            return Outcome(fixes: chosen.map(\.id), files: changes.map(\.path), merged: merged)
        }
    }

    /// The fixes now applied to an app.
    public static func applied(appRoot: String) throws(FixError) -> AppliedFixes {
        try readLedger(try appRootValue(appRoot))
    }

    // MARK: helpers

    static func appRootValue(_ path: String) throws(FixError) -> AppRoot {
        do { return try AppRoot(path) } catch { throw FixError(error.message) }
    }

    static func locked<T>(_ root: AppRoot, command: String, _ body: () throws(FixError) -> T) throws(FixError) -> T {
        let lock: AppLock
        do { lock = try AppLock.acquire(root, command: command) } catch { throw FixError(error.message, code: .environment) }
        return try withExtendedLifetime(lock) { () throws(FixError) -> T in
            do { try Transaction.recover(in: root) } catch let error as PatchError { throw FixError(error.message) } catch {
                throw FixError("\(error)")
            }
            return try body()
        }
    }

    static func resolve(_ root: AppRoot, _ path: String) throws(FixError) -> String {
        do { return try root.resolve(path) } catch { throw FixError(error.message) }
    }

    static func read(_ full: String) throws(FixError) -> [UInt8] {
        let bytes: [UInt8]?
        do { bytes = try FileIO.read(full) } catch { throw FixError(error.message, code: .environment) }
        guard let bytes else { throw FixError("\(full) does not exist; a fix changes existing files only.") }
        return bytes
    }

    static func readLedger(_ root: AppRoot) throws(FixError) -> AppliedFixes {
        let full = try resolve(root, ledgerPath)
        let raw: [UInt8]?
        do { raw = try FileIO.read(full) } catch { throw FixError(error.message, code: .environment) }
        guard let raw else { return AppliedFixes() }
        do { return try ArtifactJSON.decode(AppliedFixes.self, from: Data(raw)) } catch {
            throw FixError("\(full) is not a valid fixes.json (\(error)); it was edited by hand. Restore it or delete it.")
        }
    }

    static func commit(_ changes: [FileChange], ledger: AppliedFixes, root: AppRoot, operation: String) throws(FixError) {
        let ledgerFull = try resolve(root, ledgerPath)
        let oldLedger: [UInt8]?
        do { oldLedger = try FileIO.read(ledgerFull) } catch { throw FixError(error.message, code: .environment) }
        let newLedger: [UInt8]?
        do {
            newLedger = ledger.fixes.isEmpty ? nil : [UInt8](try ArtifactJSON.encode(ledger))
        } catch { throw FixError("cannot encode \(ledgerPath): \(error)", code: .environment) }
        let all = changes + [FileChange(path: ledgerPath, before: oldLedger, after: newLedger, mode: 0o644)]
        do {
            try StateDirectory.ensure(root)
            try Transaction.commit(all, in: root, operation: operation, recovery: .rollback)
        } catch { throw FixError(error.message, code: .environment) }
    }

    static func record(_ path: String, before: [UInt8], after: [UInt8]) -> AppliedFix.File {
        AppliedFix.File(
            path: path, sha256Before: SHA256Digest.hex(before), sha256After: SHA256Digest.hex(after),
            before: Data(before).base64EncodedString(), after: Data(after).base64EncodedString())
    }

    static func decode(_ base64: String) -> [UInt8] { Data(base64Encoded: base64).map([UInt8].init) ?? [] }

    static func python(for runFolder: URL?, root: AppRoot) -> String {
        if let runFolder, let run: RunRecord = try? FixProposer.read(runFolder, "run.json"),
            let python = run.options["python"]?.stringValue, FileManager.default.isExecutableFile(atPath: python)
        {
            return python
        }
        for candidate in [".venv/bin/python", "venv/bin/python"] where FileManager.default.isExecutableFile(atPath: root.path + "/" + candidate) {
            return root.path + "/" + candidate
        }
        return "python3"
    }

    static func compileCheck(_ changes: [FileChange], python: String, what: String) throws(FixError) {
        let failures: [CompileCheck.Failure]
        do { failures = try CompileCheck.failures(changes.filter { $0.path.hasSuffix(".py") }, python: python) } catch {
            throw FixError("cannot compile-check \(what): \(error)", code: .environment)
        }
        if let failure = failures.first {
            throw FixError(
                "\(failure.path):\(failure.line): with \(what) the file no longer compiles (\(failure.message)); nothing "
                    + "was written.")
        }
    }
}
