import Fixes
import Foundation
import TestSupport
import Testing

/// The real `chaos-test` binary, SIGKILLed by its own fault point at every write step of
/// `apply-fix` and `revert-fix` on a git-initialised copy of the orbital sample, with the
/// proposals of its fixture run. After each kill every file is whole and no temporary lies in
/// the app's tree; after recovery (`revert-fix --all`, the command a user runs next) the tree
/// is byte-identical to the original sample and git sees nothing.
@Suite(.serialized)
struct KillAtEveryStepTests {
    static let sample = "orbital-travel-planner"
    static let allowedState: Set<String> = [".chaos-test/.gitignore", ".chaos-test/lock"]

    static var binary: String {
        ProcessInfo.processInfo.environment["CHAOS_TEST_BINARY"] ?? SampleFixtures.repository + "/.build/debug/chaos-test"
    }

    func prepared() async throws -> (tree: GitTree, run: TemporaryDirectory) {
        let (app, _) = try SampleFixtures.copy(Self.sample)
        let run = try SampleFixtures.runFolder(Self.sample)
        _ = try FixProposer.write(
            runFolder: URL(fileURLWithPath: run.path), sourceRoot: app.path, python: SampleFixtures.python(Self.sample))
        return (try await GitTree(app), run)
    }

    func expectWholeFiles(
        _ tree: GitTree, before: [String: GitTree.FileState], after: [String: GitTree.FileState], _ run: Termination,
        step: Int
    ) async throws {
        #expect(run.output.contains("fault point \(step):"), "step \(step): \(run)")
        let now = tree.snapshot()
        for path in Set(before.keys).union(after.keys).union(now.keys) {
            #expect(now[path] == before[path] || now[path] == after[path], "step \(step): \(path) is neither side")
        }
        #expect(tree.temporaries().allSatisfy { $0.hasPrefix(".chaos-test/tmp/") }, "step \(step): \(tree.temporaries())")
        let status = try await tree.status()
        #expect(!status.contains { $0.contains(".chaos-test") || $0.hasSuffix(".tmp") }, "step \(step): \(status)")
    }

    func expectOriginal(_ tree: GitTree, _ original: [String: GitTree.FileState], _ recovery: Termination, step: Int)
        async throws
    {
        #expect(recovery.exitCode == 0, "recovery after step \(step): \(recovery)")
        #expect(tree.snapshot() == original, "after step \(step): the tree is not the original")
        #expect(try await tree.status() == [], "after step \(step)")
        #expect(tree.temporaries() == [], "after step \(step)")
        #expect(Set(tree.stateFiles()).isSubset(of: Self.allowedState), "after step \(step): \(tree.stateFiles())")
        let check = try await runToEnd(Self.binary, ["check", tree.path])
        #expect(check.exitCode == 0, "after step \(step): \(check)")
    }

    @Test func applyFixKilledAtEveryWriteStepIsRolledBack() async throws {
        let (tree, run) = try await prepared()
        let original = tree.snapshot()
        let apply = ["apply-fix", tree.path, "--top", "--run", run.path]
        #expect(try await runToEnd(Self.binary, apply).exitCode == 0)
        let fixed = tree.snapshot()
        #expect(fixed != original)
        #expect(try await runToEnd(Self.binary, ["revert-fix", tree.path, "--all"]).exitCode == 0)
        #expect(tree.snapshot() == original)

        var rolledBack = 0
        var beforeJournal = 0
        let outcome = try await StepKiller.forEveryStep(binary: Self.binary, arguments: apply) { step, killed in
            try await expectWholeFiles(tree, before: original, after: fixed, killed, step: step)
            if killed.output.contains("/journal.json.chaos-test-") { beforeJournal += 1 }
            // Recovery removes the journal's temporary (the first 2 steps) or rolls the interrupted
            // apply back, so revert-fix finds no fix to revert; killed at the journal's removal,
            // the apply was complete and revert-fix reverts it.
            let recovery = try await runToEnd(Self.binary, ["revert-fix", tree.path, "--all"])
            if recovery.output.contains("no fix is applied") { rolledBack += 1 }
            try await expectOriginal(tree, original, recovery, step: step)
        }
        #expect(outcome.completed?.exitCode == 0, "\(String(describing: outcome.completed))")
        #expect(tree.snapshot() == fixed)
        try await expectOriginal(
            tree, original, try await runToEnd(Self.binary, ["revert-fix", tree.path, "--all"]), step: 0)
        // The journal, the source file and fixes.json (3 steps each), and the journal's removal.
        #expect(outcome.killed >= 10)
        #expect(beforeJournal == 2)
        #expect(rolledBack == outcome.killed - 1)
        print(
            "apply-fix: killed at each of \(outcome.killed) write steps (\(outcome.killedWithTemporary) with a "
                + "temporary file present); \(rolledBack) left no fix applied after recovery (\(beforeJournal) before the "
                + "journal existed, the rest rolled back), 1 complete; the tree was the original every time")
    }

    @Test func revertFixKilledAtEveryWriteStepRecovers() async throws {
        let (tree, run) = try await prepared()
        let original = tree.snapshot()
        let apply = ["apply-fix", tree.path, "--top", "--run", run.path]
        var fixed: [String: GitTree.FileState]?
        var rolledBack = 0
        var beforeJournal = 0
        let outcome = try await StepKiller.forEveryStep(
            binary: Self.binary, arguments: ["revert-fix", tree.path],
            before: { step in
                let applied = try await runToEnd(Self.binary, apply)
                #expect(applied.exitCode == 0, "apply-fix before step \(step): \(applied)")
                let now = tree.snapshot()
                #expect(fixed == nil || fixed == now, "before step \(step): apply-fix is not deterministic")
                fixed = now
            }
        ) { step, killed in
            try await expectWholeFiles(tree, before: fixed ?? [:], after: original, killed, step: step)
            if killed.output.contains("/journal.json.chaos-test-") { beforeJournal += 1 }
            // Recovery rolls the interrupted revert-fix back (the fix is applied again), then
            // revert-fix --all reverts it; killed at the journal's removal, it was complete.
            let recovery = try await runToEnd(Self.binary, ["revert-fix", tree.path, "--all"])
            if recovery.output.contains("reverted fix-") { rolledBack += 1 }
            try await expectOriginal(tree, original, recovery, step: step)
        }
        #expect(outcome.completed?.exitCode == 0, "\(String(describing: outcome.completed))")
        try await expectOriginal(tree, original, outcome.completed!, step: 0)
        // The journal and the source file (3 steps each), the removal of fixes.json and of the journal.
        #expect(outcome.killed >= 8)
        #expect(beforeJournal == 2)
        #expect(rolledBack == outcome.killed - 1)
        print(
            "revert-fix: killed at each of \(outcome.killed) write steps (\(outcome.killedWithTemporary) with a "
                + "temporary file present); \(rolledBack) left the fix applied and were reverted by the recovery command "
                + "(\(beforeJournal) before the journal existed, the rest rolled back), 1 complete; the tree was the "
                + "original every time")
    }
}
