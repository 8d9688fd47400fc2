import Artifacts
import Comparison
import Fixes
import Foundation
import Pipeline
import Testing
import TestSupport

/// `run --compare-ref HEAD~1` in a git repository whose last commit applied a fix: the same
/// seeded experiment on both, a comparison written, and the checkout left as it was.
@Suite(.serialized) struct CompareRefTests {
    func git(_ arguments: [String], in directory: URL) throws -> String {
        let (status, text) = try TestSupport.run(
            "/usr/bin/git",
            ["-C", directory.path, "-c", "user.name=chaos-test", "-c", "user.email=chaos-test@localhost"] + arguments)
        try #require(status == 0, "git \(arguments.joined(separator: " ")): \(text)")
        return text
    }

    @Test func compareRefRunsBothTreesAndLeavesTheCheckoutAlone() async throws {
        let sample = "orbital-travel-planner"
        let copy = try SampleCopy(sample: sample)
        _ = try git(["init", "-q"], in: copy.root)
        _ = try git(["add", "-A"], in: copy.root)
        _ = try git(["commit", "-q", "-m", "before"], in: copy.root)
        // The second commit applies the first golden retry fix (on an idempotent provider call).
        let fixes = repositoryRoot.appendingPathComponent("Patches/\(sample)/fixes")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: fixes.path).sorted().first { $0.hasSuffix("-retry-idempotent.patch") })
        let patch = fixes.appendingPathComponent(name)
        _ = try git(["apply", patch.path], in: copy.root)
        _ = try git(["commit", "-q", "-am", "retry the provider's GETs"], in: copy.root)
        let before = try copy.snapshot()

        var options = try runOptions(for: copy, sample: sample)
        options.minRequests = 1
        options.seed = 3
        let outcome = try await RefComparison.run(options: options, ref: "HEAD~1") { _ in }
        print(outcome.comparison.markdown)
        #expect(FileManager.default.fileExists(atPath: outcome.report.path))
        let json = outcome.current.runFolder.appendingPathComponent(outcome.report.lastPathComponent.replacingOccurrences(of: ".md", with: ".json"))
        let decoded = try ArtifactJSON.decode(RunComparison.self, from: Data(contentsOf: json))
        #expect(decoded.overall != nil)
        #expect(outcome.reference.record.seed == outcome.current.record.seed)
        #expect(outcome.reference.record.appRoot != copy.root.path, "the reference ran in its own worktree")

        // The checkout: same files, no extra worktree, nothing staged or modified.
        #expect(try copy.snapshot() == before)
        #expect(try git(["worktree", "list"], in: copy.root).split(separator: "\n").count == 1)
        #expect(try git(["status", "--porcelain"], in: copy.root).isEmpty)
        #expect(processes(in: copy.root).isEmpty)
    }
}
