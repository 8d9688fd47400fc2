import Artifacts
import Fixes
import Foundation
import Testing
import TestSupport

/// `Patches/<sample>/fixes/` holds what `propose` writes for each sample from the checked-in run
/// folder in `Tests/FixesTests/Fixtures/<sample>` (not a live run, whose timings vary), so the
/// golden diffs change only when the proposer does. Re-record with
/// `CHAOS_TEST_RECORD=1 swift test --filter GoldenFixPatchTests` and review the diff.
@Suite(.serialized) struct GoldenFixPatchTests {
    static let available = SampleFixtures.names.filter {
        FileManager.default.fileExists(atPath: SampleFixtures.repository + "/Tests/FixesTests/Fixtures/" + $0 + "/run.json")
    }

    /// The sample's fixture run folder, copied, with proposals written into it.
    func proposed(_ name: String) throws -> (folder: TemporaryDirectory, output: FixProposer.Output) {
        let folder = try SampleFixtures.runFolder(name)
        let output = try FixProposer.write(
            runFolder: URL(fileURLWithPath: folder.path), sourceRoot: SampleFixtures.sample(name),
            python: SampleFixtures.python(name))
        return (folder, output)
    }

    @Test(arguments: available)
    func proposeWritesTheGoldenPatches(_ name: String) throws {
        let (folder, output) = try proposed(name)
        #expect(output.notes.allSatisfy { !$0.contains("changed since the run") }, "\(output.notes)")
        var produced: [String: [UInt8]] = ["fix-proposals.json": folder.read("fix-proposals.json")!]
        for (path, bytes) in output.patches { produced[String(path.dropFirst("fixes/".count))] = bytes }

        let golden = SampleFixtures.repository + "/Patches/\(name)/fixes"
        if ProcessInfo.processInfo.environment["CHAOS_TEST_RECORD"] == "1" {
            try? FileManager.default.removeItem(atPath: golden)
            try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true)
            for (file, bytes) in produced { try Data(bytes).write(to: URL(fileURLWithPath: golden + "/" + file)) }
            return
        }
        let expected = try FileManager.default.contentsOfDirectory(atPath: golden)
        #expect(Set(expected) == Set(produced.keys), "record with CHAOS_TEST_RECORD=1 and review the diff")
        for file in expected {
            #expect(
                produced[file] == FileManager.default.contents(atPath: golden + "/" + file).map([UInt8].init),
                "\(file) differs from \(golden)/\(file); if intended, re-record with CHAOS_TEST_RECORD=1 and review the diff")
        }
    }

    /// Each patch applies with git and patch to the untouched sample, the result compiles, and it
    /// never carries a chaos hook.
    @Test(arguments: available)
    func everyPatchAppliesCompilesAndHasNoHook(_ name: String) throws {
        let (folder, output) = try proposed(name)
        #expect(!output.patches.isEmpty)
        for (path, bytes) in output.patches.sorted(by: { $0.key < $1.key }) {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("chaos_test_runtime"), "\(path) carries the chaos runtime")
            #expect(text.range(of: #"# chaos-test: [0-9a-f]{8}"#, options: .regularExpression) == nil, "\(path) carries a hook")
            let (app, _) = try SampleFixtures.copy(name)
            _ = try TestSupport.run("/usr/bin/git", ["-C", app.path, "init", "-q"])
            let patch = folder.path + "/" + path
            let check = try TestSupport.run("/usr/bin/git", ["-C", app.path, "apply", "--check", patch])
            #expect(check.0 == 0, "git apply --check \(path): \(check.1)")
            let dry = try TestSupport.run("/usr/bin/patch", ["-p1", "-N", "-F0", "--dry-run", "-d", app.path, "-i", patch])
            #expect(dry.0 == 0, "patch --dry-run \(path): \(dry.1)")
            let apply = try TestSupport.run("/usr/bin/git", ["-C", app.path, "apply", patch])
            try #require(apply.0 == 0, "git apply \(path): \(apply.1)")
            let changed = text.split(separator: "\n").filter { $0.hasPrefix("+++ b/") }.map { String($0.dropFirst(6)) }
            for file in changed {
                let compile = try TestSupport.run(
                    SampleFixtures.python(name), ["-B", "-m", "py_compile", app.path + "/" + file])
                #expect(compile.0 == 0, "\(path): \(file) does not compile: \(compile.1)")
            }
        }
    }

    /// A retry only ever wraps an idempotent call; a write gets an idempotency key instead.
    @Test(arguments: available)
    func noRetryForANonIdempotentCall(_ name: String) throws {
        let (folder, output) = try proposed(name)
        let scan = try ArtifactJSON.decode(ScanResult.self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/scan.json")))
        let retries = output.proposals.proposals.filter { $0.recipe == "retry-idempotent" }
        #expect(!retries.isEmpty)
        for proposal in retries {
            let call = scan.dependencies.first { $0.file == proposal.file && $0.line == proposal.line && $0.kind == .http }
            let method = call?.httpMethod ?? "unknown"
            #expect(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method), "\(proposal.id) retries a \(method)")
        }
        for call in scan.dependencies where call.kind == .http && ["POST", "PATCH"].contains(call.httpMethod ?? "") {
            #expect(!retries.contains { $0.file == call.file && $0.line == call.line }, "a retry for \(call.callee) at \(call.file):\(call.line)")
        }
    }

    /// Every weakness planted in a sample gets at least one proposal: one that sits at its line,
    /// or answers a pattern found there.
    @Test(arguments: available)
    func everyPlantedWeaknessGetsAProposal(_ name: String) throws {
        let (folder, output) = try proposed(name)
        let patterns = try ArtifactJSON.decode(
            FailurePatterns.self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/failure-patterns.json")))
        for weakness in try SampleFixtures.weaknesses(name) {
            let here = Set(
                patterns.patterns.filter { pattern in
                    pattern.locations.contains { $0.file == weakness.file && $0.line == weakness.line }
                }.map(\.id))
            let answering = output.proposals.proposals.filter { proposal in
                (proposal.file == weakness.file && proposal.line == weakness.line) || !here.isDisjoint(with: proposal.patterns)
            }
            #expect(!answering.isEmpty, "\(weakness.id) at \(weakness.file):\(weakness.line) has no proposal")
            print("\(name) \(weakness.id): " + answering.map { "\($0.id) \($0.recipe)\($0.patch == nil ? " (no diff)" : "")" }.joined(separator: ", "))
        }
    }
}

/// A breaker or a bulkhead guards a remote backend's capacity; around a local file or an
/// embedded SQLite database there is none, and a reviewer would reject it.
@Suite struct NoBackendGuardForLocalCallsTests {
    @Test(arguments: GoldenFixPatchTests.available)
    func noBreakerOrBulkheadAroundALocalCall(_ name: String) throws {
        let folder = try SampleFixtures.runFolder(name)
        let output = try FixProposer.write(
            runFolder: URL(fileURLWithPath: folder.path), sourceRoot: SampleFixtures.sample(name),
            python: SampleFixtures.python(name))
        let scan = try ArtifactJSON.decode(ScanResult.self, from: Data(contentsOf: URL(fileURLWithPath: folder.path + "/scan.json")))
        for proposal in output.proposals.proposals where ["circuit-breaker", "bulkhead"].contains(proposal.recipe) {
            let calls = scan.dependencies.filter { $0.file == proposal.file && $0.line == proposal.line }
            #expect(!calls.isEmpty && calls.allSatisfy { !$0.isLocal }, "\(proposal.id) \(proposal.title) guards a local call")
        }
    }
}
