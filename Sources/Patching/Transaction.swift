import Artifacts
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multi-file writes that end all-or-nothing, even when the process is killed between two of them.
///
/// The journal holds every file's before and after bytes. It is written before the first file
/// changes and removed after the last, so after a crash `recover` can bring each file to the
/// journal's target side, whichever side it was left on.
public enum Transaction {
    public static let journalName = "journal.json"

    /// Writes `changes` under the root, journaled. Each file must still have its `before` bytes.
    public static func commit(
        _ changes: [FileChange], in root: AppRoot, operation: String, recovery: Journal.Recovery
    ) throws(PatchError) {
        var resolved: [(FileChange, String)] = []
        for var change in changes where change.before != change.after {
            let full = try root.resolve(change.path)
            let current = try FileIO.read(full)
            guard current == change.before else {
                throw PatchError(
                    "\(change.path) changed while chaos-test was preparing the change; nothing was written. Run the command again."
                )
            }
            if let mode = FileIO.mode(full) { change.mode = mode }
            resolved.append((change, full))
        }
        if resolved.isEmpty { return }
        try FileIO.makeDirectories(root.stateDirectory)
        let journalPath = try root.resolve(".chaos-test/" + journalName)
        if FileIO.exists(journalPath) {
            throw PatchError(
                "\(journalPath) exists: an earlier chaos-test command was interrupted. Run `chaos-test status` or any "
                    + "writing command to recover first.")
        }
        let journal = Journal(
            operation: operation, recovery: recovery, pid: getpid(), changes: resolved.map(\.0))
        let data: Data
        do { data = try ArtifactJSON.encode(journal) } catch {
            throw PatchError("cannot encode the journal: \(error)")
        }
        try FileIO.writeAtomically([UInt8](data), to: journalPath, mode: 0o600)
        for (change, full) in resolved {
            try apply(change.after, mode: change.mode, to: full)
        }
        try FileIO.remove(journalPath)
    }

    /// What `recover` found and did.
    public struct Recovered: Sendable, Equatable {
        public var operation: String
        public var recovery: Journal.Recovery
        public var files: [String]
    }

    /// Finishes an interrupted transaction: brings each journaled file to the journal's target
    /// side. Returns nil when there was nothing to recover. Refuses, changing nothing, when a
    /// file has neither its before nor its after bytes (someone edited it since).
    @discardableResult
    public static func recover(in root: AppRoot) throws(PatchError) -> Recovered? {
        let journalPath = try root.resolve(".chaos-test/" + journalName)
        guard let raw = try FileIO.read(journalPath) else { return nil }
        let journal: Journal
        do { journal = try ArtifactJSON.decode(Journal.self, from: Data(raw)) } catch {
            throw PatchError(
                "\(journalPath) is not a valid chaos-test journal (\(error)). It was edited or written by another "
                    + "tool; check your files with `git status`, then delete it.")
        }
        guard journal.schema == Journal.schemaVersion else {
            throw PatchError(
                "\(journalPath) has schema \(journal.schema); this chaos-test reads schema \(Journal.schemaVersion).")
        }
        var plan: [(String, [UInt8]?, UInt32)] = []
        var conflicts: [String] = []
        for entry in journal.entries {
            let full = try root.resolve(entry.path)
            let current = try FileIO.read(full)
            let hash = current.map(SHA256Digest.hex)
            guard hash == entry.sha256Before || hash == entry.sha256After else {
                conflicts.append(entry.path)
                continue
            }
            let target = journal.recovery == .rollback ? entry.before : entry.after
            let targetHash = journal.recovery == .rollback ? entry.sha256Before : entry.sha256After
            let bytes = Journal.bytes(target)
            guard bytes.map(SHA256Digest.hex) == targetHash else {
                throw PatchError(
                    "\(journalPath): the content recorded for \(entry.path) does not match its hash; the journal is damaged."
                )
            }
            if hash != targetHash { plan.append((full, bytes, entry.mode)) }
        }
        if !conflicts.isEmpty {
            throw PatchError(
                "an interrupted `\(journal.operation)` left \(journalPath), but these files changed since: "
                    + conflicts.joined(separator: ", ")
                    + ". Nothing was changed. Restore them (for example with git), then delete the journal.")
        }
        for (full, bytes, mode) in plan { try apply(bytes, mode: mode, to: full) }
        try FileIO.remove(journalPath)
        return Recovered(operation: journal.operation, recovery: journal.recovery, files: journal.entries.map(\.path))
    }

    private static func apply(_ bytes: [UInt8]?, mode: UInt32, to full: String) throws(PatchError) {
        if let bytes {
            let directory = String(full[..<full.lastIndex(of: "/")!])
            try FileIO.makeDirectories(directory)
            try FileIO.writeAtomically(bytes, to: full, mode: mode)
        } else {
            try FileIO.remove(full)
        }
    }
}
