import Artifacts
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multi-file writes that end all-or-nothing, even when the process is killed between two of them.
///
/// The journal holds every file's before and after bytes and the name of the temporary file each
/// write goes through. It is written before the first file changes and removed after the last, so
/// after a crash `recover` can bring each file to the journal's target side, whichever side it was
/// left on, and remove every temporary file the killed command had created.
///
/// Callers hold the app's lock (`AppLock`): recovery empties `.chaos-test/tmp/`.
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
        try StateDirectory.ensure(root)
        let journalPath = try root.resolve(".chaos-test/" + journalName)
        if FileIO.exists(journalPath) {
            throw PatchError(
                "\(journalPath) exists: an earlier chaos-test command was interrupted. Run `chaos-test status` or any "
                    + "writing command to recover first.")
        }
        // Every temporary is named in the journal before it is created.
        var temporaries: [String] = []
        for (index, (change, _)) in resolved.enumerated() {
            temporaries.append(try StateDirectory.temporary(for: change.path, index: index, in: root))
        }
        let journal = Journal(
            operation: operation, recovery: recovery, pid: getpid(), changes: resolved.map(\.0),
            temporaries: temporaries)
        let data: Data
        do { data = try ArtifactJSON.encode(journal) } catch {
            throw PatchError("cannot encode the journal: \(error)")
        }
        // The journal's own temporary cannot be named in it: it lives in .chaos-test/tmp, which
        // recovery empties whether or not a journal exists.
        let journalTemporary = try root.resolve(
            StateDirectory.temporaryFolder + "/" + journalName + ".chaos-test-\(getpid()).tmp")
        try FileIO.writeAtomically([UInt8](data), to: journalPath, mode: 0o600, temporary: journalTemporary)
        for ((change, full), temporary) in zip(resolved, temporaries) {
            try apply(change.after, mode: change.mode, to: full, temporary: try root.resolve(temporary))
        }
        try FileIO.remove(journalPath)
    }

    /// What `recover` found and did.
    public struct Recovered: Sendable, Equatable {
        public var operation: String
        public var recovery: Journal.Recovery
        public var files: [String]
        /// Temporary files of the interrupted command that recovery removed, relative to the root.
        public var temporaries: [String] = []
    }

    /// Finishes an interrupted transaction: brings each journaled file to the journal's target
    /// side and removes every temporary file the interrupted command created (those the journal
    /// names, and all of `.chaos-test/tmp/`), then checks that none is left. Returns nil when
    /// there was no journal. Refuses, changing no file, when a file has neither its before nor
    /// its after bytes (someone edited it since).
    @discardableResult
    public static func recover(in root: AppRoot) throws(PatchError) -> Recovered? {
        let journalPath = try root.resolve(".chaos-test/" + journalName)
        guard let raw = try FileIO.read(journalPath) else {
            // Killed while writing the journal itself: only its temporary can be left.
            try removeTemporaries(named: [], in: root)
            return nil
        }
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
        try StateDirectory.ensure(root)
        for entry in journal.entries {
            guard let temporary = entry.temporary else { continue }
            let name = temporary.split(separator: "/").last.map(String.init) ?? temporary
            guard StateDirectory.isTemporaryName(name) else {
                throw PatchError(
                    "\(journalPath): the temporary file named for \(entry.path) (\(temporary)) is not a chaos-test "
                        + "temporary name; the journal is damaged. Check your files with `git status`, then delete it.")
            }
        }
        var plan: [(String, [UInt8]?, UInt32, String)] = []
        var conflicts: [String] = []
        for (index, entry) in journal.entries.enumerated() {
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
            // Recovery writes through the temporaries the journal names, so a kill during
            // recovery leaves nothing the next recovery does not know of.
            let temporary: String
            if let named = entry.temporary {
                temporary = named
            } else {
                temporary = try StateDirectory.temporary(for: entry.path, index: index, in: root)
            }
            if hash != targetHash { plan.append((full, bytes, entry.mode, try root.resolve(temporary))) }
        }
        let removed = try removeTemporaries(named: journal.entries.compactMap(\.temporary), in: root)
        if !conflicts.isEmpty {
            throw PatchError(
                "an interrupted `\(journal.operation)` left \(journalPath), but these files changed since: "
                    + conflicts.joined(separator: ", ")
                    + ". Nothing was changed. Restore them (for example with git), then delete the journal.")
        }
        for (full, bytes, mode, temporary) in plan { try apply(bytes, mode: mode, to: full, temporary: temporary) }
        try FileIO.remove(journalPath)
        try verifyNoTemporaries(named: journal.entries.compactMap(\.temporary), in: root)
        return Recovered(
            operation: journal.operation, recovery: journal.recovery, files: journal.entries.map(\.path),
            temporaries: removed)
    }

    /// Removes the named temporaries and everything in `.chaos-test/tmp/`; returns what existed.
    @discardableResult
    static func removeTemporaries(named names: [String], in root: AppRoot) throws(PatchError) -> [String] {
        var removed: [String] = []
        for name in names {
            let full = try root.resolve(name)
            if FileIO.exists(full) {
                try FileIO.remove(full)
                removed.append(name)
            }
        }
        let folder = try root.resolve(StateDirectory.temporaryFolder)
        for name in FileIO.names(in: folder) {
            try FileIO.remove(folder + "/" + name)
            removed.append(StateDirectory.temporaryFolder + "/" + name)
        }
        try verifyNoTemporaries(named: names, in: root)
        return removed
    }

    /// Fails, naming them, if any of the named temporaries or anything in `.chaos-test/tmp/` exists.
    static func verifyNoTemporaries(named names: [String], in root: AppRoot) throws(PatchError) {
        var left: [String] = []
        for name in names where FileIO.exists(try root.resolve(name)) { left.append(name) }
        let folder = try root.resolve(StateDirectory.temporaryFolder)
        left += FileIO.names(in: folder).map { StateDirectory.temporaryFolder + "/" + $0 }
        guard left.isEmpty else {
            throw PatchError(
                "chaos-test could not remove the temporary files of an interrupted command: "
                    + left.joined(separator: ", ") + ". They may hold hooked copies of your source: delete them "
                    + "(for example `rm` each path, from \(root.path)) before you commit, then run the command again.")
        }
    }

    private static func apply(
        _ bytes: [UInt8]?, mode: UInt32, to full: String, temporary: String
    ) throws(PatchError) {
        if let bytes {
            let directory = String(full[..<full.lastIndex(of: "/")!])
            try FileIO.makeDirectories(directory)
            try FileIO.writeAtomically(bytes, to: full, mode: mode, temporary: temporary)
        } else {
            try FileIO.remove(full)
        }
    }
}
