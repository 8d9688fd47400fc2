import Artifacts
import Comparison
import Foundation
import Subprocess

/// `run --compare-ref REF`: the same seeded experiment on a git worktree of REF and on the
/// working tree, then `compare` between the two. The user's checkout is never touched: REF is
/// checked out into a temporary worktree, which is removed at the end, whatever happens.
public enum RefComparison {
    public struct Outcome: Sendable {
        public var reference: RunOutcome
        public var current: RunOutcome
        public var comparison: RunComparison
        /// The comparison's Markdown, in the working tree's run folder.
        public var report: URL
    }

    public static func run(options: RunOptions, ref: String, say: @escaping @Sendable (String) -> Void) async throws(RunError) -> Outcome {
        let app = options.appRoot.standardizedFileURL.resolvingSymlinksInPath()
        let top = try await git(["-C", app.path, "rev-parse", "--show-toplevel"], what: "find the git repository of \(app.path)")
        let commit: String
        do {
            commit = try await git(["-C", app.path, "rev-parse", "--verify", "--quiet", ref + "^{commit}"], what: "")
        } catch {
            throw .badInput("\(ref) is not a commit in \(top): give a branch, tag or commit (for example HEAD~1 or main)")
        }
        let topURL = URL(fileURLWithPath: top).resolvingSymlinksInPath()
        guard app.path == topURL.path || app.path.hasPrefix(topURL.path + "/") else {
            throw .badInput("\(app.path) is not inside its git repository \(topURL.path)")
        }
        let relative = app.path == topURL.path ? "" : String(app.path.dropFirst(topURL.path.count + 1))
        let short = String(commit.prefix(10))
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-ref-\(short)-\(UUID().uuidString.prefix(8))")
        say("• git worktree of \(ref) (\(short)) at \(scratch.path)")
        _ = try await git(["-C", top, "worktree", "add", "--detach", "--quiet", scratch.path, commit], what: "check out \(ref)")
        do {
            let outcome = try await compare(options: options, app: app, refApp: relative.isEmpty ? scratch : scratch.appendingPathComponent(relative), ref: ref, short: short, say: say)
            await removeWorktree(top: top, scratch: scratch)
            return outcome
        } catch {
            await removeWorktree(top: top, scratch: scratch)
            throw error
        }
    }

    private static func compare(
        options: RunOptions, app: URL, refApp: URL, ref: String, short: String, say: @escaping @Sendable (String) -> Void
    ) async throws(RunError) -> Outcome {
        guard FileManager.default.fileExists(atPath: refApp.path) else {
            throw .badInput("the app folder does not exist at \(ref): \(refApp.path)")
        }
        // The virtualenv is not in git: the reference uses the working tree's.
        for venv in [".venv", "venv"] where FileManager.default.fileExists(atPath: app.appendingPathComponent(venv).path) {
            let link = refApp.appendingPathComponent(venv)
            if !FileManager.default.fileExists(atPath: link.path) {
                try? FileManager.default.createSymbolicLink(at: link, withDestinationURL: app.appendingPathComponent(venv))
            }
        }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var refOptions = options
        refOptions.appRoot = refApp
        refOptions.out = app.appendingPathComponent(".chaos-test/runs/ref-\(short)-\(stamp)")
        refOptions.verifyFixes = 0
        say("• the experiment on \(ref)")
        let reference = try await RunPipeline(options: refOptions) { say("  [\(ref)] " + $0) }.run()
        say("• the experiment on the working tree")
        var currentOptions = options
        currentOptions.verifyFixes = 0
        let current = try await RunPipeline(options: currentOptions) { say("  [working tree] " + $0) }.run()
        let comparison: RunComparison
        do { comparison = try RunComparison.compare(old: reference.runFolder, new: current.runFolder) } catch {
            throw .environment("cannot compare the runs: \(error.message)")
        }
        let report = current.runFolder.appendingPathComponent("comparison-\(short).md")
        do {
            try ("Reference: `\(ref)` (\(short)). " + comparison.markdown).write(to: report, atomically: true, encoding: .utf8)
            try ArtifactJSON.encode(comparison).write(to: current.runFolder.appendingPathComponent("comparison-\(short).json"))
        } catch {
            throw .environment("cannot write \(report.path): \(error)")
        }
        return Outcome(reference: reference, current: current, comparison: comparison, report: report)
    }

    private static func removeWorktree(top: String, scratch: URL) async {
        _ = try? await git(["-C", top, "worktree", "remove", "--force", scratch.path], what: "")
        try? FileManager.default.removeItem(at: scratch)
        _ = try? await git(["-C", top, "worktree", "prune"], what: "")
    }

    static func git(_ arguments: [String], what: String) async throws(RunError) -> String {
        do {
            let result = try await Subprocess.run(
                .name("git"), arguments: Arguments(arguments), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
            guard result.terminationStatus.isSuccess else {
                throw RunError.badInput("cannot \(what): git \(arguments.joined(separator: " ")) says: \(result.standardError)")
            }
            return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.environment("cannot run git: \(error). Install git.")
        }
    }
}
