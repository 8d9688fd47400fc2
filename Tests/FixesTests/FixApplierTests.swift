import Artifacts
import Fixes
import Foundation
import Injection
import Patching
import Testing
import TestSupport

/// apply-fix and revert-fix on a copy of the orbital sample, with the proposals of its fixture run.
@Suite(.serialized) struct FixApplierTests {
    static let sample = "orbital-travel-planner"

    static var binary: String {
        ProcessInfo.processInfo.environment["CHAOS_TEST_BINARY"] ?? SampleFixtures.repository + "/.build/debug/chaos-test"
    }

    /// A copy of the sample and a run folder whose proposals were made against it.
    func prepared() throws -> (app: TemporaryDirectory, files: [String: [UInt8]], run: TemporaryDirectory, proposals: FixProposals) {
        let (app, files) = try SampleFixtures.copy(Self.sample)
        let run = try SampleFixtures.runFolder(Self.sample)
        let output = try FixProposer.write(
            runFolder: URL(fileURLWithPath: run.path), sourceRoot: app.path, python: SampleFixtures.python(Self.sample))
        return (app, files, run, output.proposals)
    }

    func tree(_ dir: TemporaryDirectory, _ files: [String: [UInt8]]) -> [String: [UInt8]] {
        Dictionary(uniqueKeysWithValues: files.keys.map { ($0, dir.read($0) ?? []) })
    }

    /// The files whose bytes differ (a readable failure message instead of two byte dumps).
    func changed(_ dir: TemporaryDirectory, from files: [String: [UInt8]]) -> [String] {
        files.keys.sorted().filter { dir.read($0) != files[$0] }
    }

    @Test func applyThenRevertAllIsByteForByte() throws {
        let (app, files, run, proposals) = try prepared()
        let url = URL(fileURLWithPath: run.path)
        let first = try FixApplier.apply(appRoot: app.path, runFolder: url, selection: .top)
        #expect(first.fixes == [proposals.proposals.first { $0.patch != nil }!.id])
        #expect(!changed(app, from: files).isEmpty)
        // A second fix in the same file is merged onto the first (both append a handler).
        let top = proposals.proposals.first { $0.patch != nil }!
        let second = try #require(proposals.proposals.first { $0.patch != nil && $0.file == top.file && $0.id != top.id })
        _ = try FixApplier.apply(appRoot: app.path, runFolder: url, selection: .id(second.id))
        #expect(try FixApplier.applied(appRoot: app.path).fixes.map(\.id) == [first.fixes[0], second.id])
        let compile = try TestSupport.run(SampleFixtures.python(Self.sample), ["-B", "-m", "py_compile", app.path + "/" + second.file])
        #expect(compile.0 == 0, "\(compile.1)")
        let reverted = try FixApplier.revert(appRoot: app.path, selection: .all)
        #expect(reverted.fixes == [second.id, first.fixes[0]])
        #expect(changed(app, from: files).isEmpty)
        #expect(app.read(".chaos-test/fixes.json") == nil)
        #expect(app.read(".chaos-test/journal.json") == nil)
    }

    @Test func aDriftedSourceIsRefusedAndLeftAlone() throws {
        let (app, files, run, proposals) = try prepared()
        let top = try #require(proposals.proposals.first { $0.recipe == "retry-idempotent" && $0.patch != nil })
        // Someone rewrote the very line the fix changes.
        var lines = String(decoding: app.read(top.file)!, as: UTF8.self).components(separatedBy: "\n")
        lines[top.line - 1] = lines[top.line - 1] + "  # edited"
        try app.write(top.file, Array(lines.joined(separator: "\n").utf8))
        let edited = tree(app, files)
        #expect(throws: FixError.self) {
            try FixApplier.apply(appRoot: app.path, runFolder: URL(fileURLWithPath: run.path), selection: .id(top.id))
        }
        do {
            _ = try FixApplier.apply(appRoot: app.path, runFolder: URL(fileURLWithPath: run.path), selection: .id(top.id))
        } catch {
            #expect(error.message.contains("\(top.file):"), "\(error.message)")
            #expect(error.message.contains("nothing was written"))
        }
        #expect(files.keys.filter { app.read($0) != edited[$0] }.isEmpty, "the refused apply changed files")
        #expect(app.read(".chaos-test/fixes.json") == nil)
    }

    @Test func worksWithChaosHooksInjected() throws {
        let (app, files, run, _) = try prepared()
        let root = try AppRoot(app.path)
        let scanned = try ArtifactJSON.decode(ScanResult.self, from: Data(contentsOf: URL(fileURLWithPath: run.path + "/scan.json")))
        _ = try Injector.inject(root: root, scan: scanned, options: InjectOptions(app: "app.main:app", seed: 1), dryRun: false)
        #expect(!changed(app, from: files).isEmpty)
        // The 503 handler goes into app/main.py, which carries the middleware hook.
        let proposals = try ArtifactJSON.decode(FixProposals.self, from: Data(contentsOf: URL(fileURLWithPath: run.path + "/fix-proposals.json")))
        let mapping = try #require(proposals.proposals.first { $0.recipe == "map-dependency-error" && $0.patch != nil })
        let outcome = try FixApplier.apply(appRoot: app.path, runFolder: URL(fileURLWithPath: run.path), selection: .id(mapping.id))
        #expect(outcome.merged == [mapping.file])
        // Removing the hooks keeps the fix; removing the fix then gives the original bytes.
        _ = try Injector.revert(root: root)
        let withFix = String(decoding: app.read(mapping.file)!, as: UTF8.self)
        #expect(withFix.contains("add_exception_handler") && !withFix.contains("chaos_test_runtime"))
        _ = try FixApplier.revert(appRoot: app.path, selection: .all)
        #expect(changed(app, from: files).isEmpty)
    }

    @Test func cliExitCodes() throws {
        let (app, files, run, _) = try prepared()
        let unknown = try TestSupport.run(Self.binary, ["apply-fix", app.path, "fix-999", "--run", run.path])
        #expect(unknown.0 == 2)
        #expect(unknown.1.contains("has no proposal fix-999"))
        let both = try TestSupport.run(Self.binary, ["apply-fix", app.path, "fix-001", "--top", "--run", run.path])
        #expect(both.0 == 2)
        let top = try TestSupport.run(Self.binary, ["apply-fix", app.path, "--top", "--run", run.path])
        #expect(top.0 == 0, "\(top.1)")
        let again = try TestSupport.run(Self.binary, ["apply-fix", app.path, "fix-001", "--run", run.path])
        #expect(again.0 == 2)
        #expect(again.1.contains("already applied"))
        let back = try TestSupport.run(Self.binary, ["revert-fix", app.path, "--all"])
        #expect(back.0 == 0, "\(back.1)")
        #expect(changed(app, from: files).isEmpty)
    }

    /// Killed after every write apply-fix makes, the next command finds a consistent tree.
    @Test func aKilledApplyLeavesNoHalfPatch() throws {
        let (app, files, run, _) = try prepared()
        var crashes = 0
        for n in 1...6 {
            let result = try TestSupport.run(
                Self.binary, ["apply-fix", app.path, "--top", "--run", run.path],
                environment: ["CHAOS_TEST_CRASH_AFTER_WRITES": "\(n)"])
            if result.0 == 86 {
                crashes += 1
                // Recovery rolls the interrupted apply back.
                let recover = try TestSupport.run(Self.binary, ["revert-fix", app.path, "--all"])
                #expect(recover.0 == 0, "\(recover.1)")
                #expect(changed(app, from: files).isEmpty, "after a kill at write \(n)")
                #expect(app.read(".chaos-test/journal.json") == nil)
            } else {
                #expect(result.0 == 0, "\(result.1)")
                let back = try TestSupport.run(Self.binary, ["revert-fix", app.path, "--all"])
                #expect(back.0 == 0, "\(back.1)")
                #expect(changed(app, from: files).isEmpty)
                break
            }
        }
        #expect(crashes >= 2, "apply-fix writes the journal, the file and fixes.json; each is a kill point")
    }
}
