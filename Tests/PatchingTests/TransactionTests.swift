import Foundation
import TestSupport
import Testing

@testable import Patching

struct TransactionTests {
    @Test func commitWritesEveryFileKeepsModesAndRemovesTheJournal() throws {
        let dir = try TemporaryDirectory()
        try dir.write("run.sh", Array("echo 1\n".utf8), mode: 0o755)
        let root = try AppRoot(dir.path)
        try Transaction.commit(
            [
                FileChange(path: "run.sh", before: Array("echo 1\n".utf8), after: Array("echo 2\n".utf8)),
                FileChange(path: "new/file.py", before: nil, after: Array("x = 1\n".utf8)),
            ], in: root, operation: "test", recovery: .rollback)
        #expect(dir.read("run.sh") == Array("echo 2\n".utf8))
        #expect(FileIO.mode(dir.path + "/run.sh") == 0o755)
        #expect(dir.read("new/file.py") == Array("x = 1\n".utf8))
        #expect(dir.read(".chaos-test/journal.json") == nil)
    }

    @Test func recoveryRollsBackOrCompletesFromTheJournal() throws {
        for recovery in [Journal.Recovery.rollback, .complete] {
            let dir = try TemporaryDirectory()
            try dir.write("a.py", Array("old a\n".utf8))
            try dir.write("b.py", Array("old b\n".utf8))
            let root = try AppRoot(dir.path)
            // As if killed after writing a.py: journal present, a.py new, b.py old.
            let journal = Journal(
                operation: "inject", recovery: recovery, pid: 1,
                changes: [
                    FileChange(path: "a.py", before: Array("old a\n".utf8), after: Array("new a\n".utf8)),
                    FileChange(path: "b.py", before: Array("old b\n".utf8), after: Array("new b\n".utf8)),
                ])
            try dir.write(".chaos-test/journal.json", [UInt8](JSONEncoder().encode(journal)))
            try dir.write("a.py", Array("new a\n".utf8))
            let recovered = try Transaction.recover(in: root)
            #expect(recovered?.recovery == recovery)
            let side = recovery == .rollback ? "old" : "new"
            #expect(dir.read("a.py") == Array("\(side) a\n".utf8))
            #expect(dir.read("b.py") == Array("\(side) b\n".utf8))
            #expect(dir.read(".chaos-test/journal.json") == nil)
        }
    }

    @Test func recoveryRefusesWhenAFileWasEditedSince() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        let journal = Journal(
            operation: "inject", recovery: .rollback, pid: 1,
            changes: [FileChange(path: "a.py", before: Array("old\n".utf8), after: Array("new\n".utf8))])
        try dir.write(".chaos-test/journal.json", [UInt8](JSONEncoder().encode(journal)))
        try dir.write("a.py", Array("user edit\n".utf8))
        #expect(throws: PatchError.self) { try Transaction.recover(in: root) }
        #expect(dir.read("a.py") == Array("user edit\n".utf8))
        #expect(dir.read(".chaos-test/journal.json") != nil)
    }

    @Test func temporariesAreNamedInTheJournalAndLiveInTheStateFolder() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        try StateDirectory.ensure(root)
        let temporary = try StateDirectory.temporary(for: "app/api/bookings.py", index: 3, in: root)
        #expect(temporary == ".chaos-test/tmp/003.bookings.py.chaos-test-\(getpid()).tmp")
        #expect(StateDirectory.isTemporaryName(".bookings.py.chaos-test-812.tmp"))
        #expect(!StateDirectory.isTemporaryName("bookings.py"))
        #expect(!StateDirectory.isTemporaryName("notes.chaos-test-x.tmp"))
        try Transaction.commit(
            [FileChange(path: "a.py", before: nil, after: Array("x = 1\n".utf8))], in: root, operation: "test",
            recovery: .rollback)
        #expect(FileIO.names(in: dir.path + "/.chaos-test/tmp") == [])
    }

    /// As if killed with temporaries on disk: one the journal names beside its target (another
    /// file system), one in .chaos-test/tmp. Recovery removes both and rolls a.py back.
    @Test func recoveryRemovesEveryTemporaryOfTheInterruptedCommand() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        try StateDirectory.ensure(root)
        try dir.write("a.py", Array("new a\n".utf8))
        let beside = "pkg/.b.py.chaos-test-77.tmp"
        let journal = Journal(
            operation: "inject", recovery: .rollback, pid: 77,
            changes: [
                FileChange(path: "a.py", before: Array("old a\n".utf8), after: Array("new a\n".utf8)),
                FileChange(path: "pkg/b.py", before: Array("old b\n".utf8), after: Array("hooked b\n".utf8)),
            ], temporaries: [".chaos-test/tmp/000.a.py.chaos-test-77.tmp", beside])
        try dir.write(".chaos-test/journal.json", [UInt8](JSONEncoder().encode(journal)))
        try dir.write("pkg/b.py", Array("old b\n".utf8))
        try dir.write(beside, Array("hooked b\n".utf8))
        try dir.write(".chaos-test/tmp/journal.json.chaos-test-76.tmp", Array("{".utf8))
        let recovered = try #require(try Transaction.recover(in: root))
        #expect(recovered.temporaries.sorted() == [".chaos-test/tmp/journal.json.chaos-test-76.tmp", beside])
        #expect(dir.read(beside) == nil)
        #expect(FileIO.names(in: dir.path + "/.chaos-test/tmp") == [])
        #expect(dir.read("a.py") == Array("old a\n".utf8))
        #expect(dir.read("pkg/b.py") == Array("old b\n".utf8))
        #expect(dir.read(".chaos-test/journal.json") == nil)
    }

    @Test func recoveryWithoutAJournalStillEmptiesTheTemporaryFolder() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        try StateDirectory.ensure(root)
        try dir.write(".chaos-test/tmp/journal.json.chaos-test-9.tmp", Array("{".utf8))
        #expect(try Transaction.recover(in: root) == nil)
        #expect(FileIO.names(in: dir.path + "/.chaos-test/tmp") == [])
    }

    /// A damaged journal must not make recovery delete a user's file it calls a temporary.
    @Test func aJournalNamingAUserFileAsTemporaryIsRefused() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        try dir.write("a.py", Array("old\n".utf8))
        try dir.write("keep.py", Array("mine\n".utf8))
        let journal = Journal(
            operation: "inject", recovery: .rollback, pid: 1,
            changes: [FileChange(path: "a.py", before: Array("old\n".utf8), after: Array("new\n".utf8))],
            temporaries: ["keep.py"])
        try dir.write(".chaos-test/journal.json", [UInt8](JSONEncoder().encode(journal)))
        #expect(throws: PatchError.self) { try Transaction.recover(in: root) }
        #expect(dir.read("keep.py") == Array("mine\n".utf8))
    }

    @Test func containmentRefusesEscapesAndOutwardSymlinks() throws {
        let dir = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        try dir.write("pkg/a.py", Array("x\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/escape", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/inside", withDestinationPath: dir.path + "/pkg")
        let root = try AppRoot(dir.path)
        #expect(throws: PatchError.self) { try root.resolve("../x.py") }
        #expect(throws: PatchError.self) { try root.resolve("/etc/passwd") }
        #expect(throws: PatchError.self) { try root.resolve("escape/evil.py") }
        #expect(try root.resolve("inside/a.py") == dir.path + "/inside/a.py")
        #expect(throws: PatchError.self) {
            try Transaction.commit(
                [FileChange(path: "escape/evil.py", before: nil, after: Array("x\n".utf8))],
                in: root, operation: "test", recovery: .rollback)
        }
        #expect(outside.read("evil.py") == nil)
    }

    @Test func lockIsExclusiveAndReleasedWhenDropped() throws {
        let dir = try TemporaryDirectory()
        let root = try AppRoot(dir.path)
        var first: AppLock? = try AppLock.acquire(root, command: "first")
        #expect(throws: PatchError.self) { try AppLock.acquire(root, command: "second", timeout: 0.2) }
        // flock locks belong to the open file description, so a second open in-process conflicts too.
        first = nil
        _ = first
        let again = try AppLock.acquire(root, command: "third", timeout: 0.2)
        _ = again
        #expect(dir.read(".chaos-test/.gitignore") == Array("*\n".utf8))
    }
}
