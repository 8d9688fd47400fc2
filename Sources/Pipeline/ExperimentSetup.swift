import Foundation
import Subprocess
import SystemPackage

/// First-use preparation for `demo`: creates the virtualenv the experiment names and runs its
/// `setup:` commands (for the samples, `pip install` of their pinned requirements).
public enum ExperimentSetup {
    /// Returns the interpreter to run the app with, creating the virtualenv when it is missing.
    public static func prepare(appRoot: URL, say: @Sendable (String) -> Void) async throws(RunError) -> String {
        guard let experiment = try Experiment.load(appRoot: appRoot) else {
            throw .badInput("\(appRoot.path) has no \(Experiment.fileName) to set it up from")
        }
        let relative = experiment.python ?? ".venv/bin/python"
        let python = relative.hasPrefix("/") ? relative : appRoot.appendingPathComponent(relative).path
        let stamp = URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".chaos-test-setup-done")
        if FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: stamp.path) {
            return python
        }
        // Only a virtualenv inside the app folder is ours to create.
        guard python.hasSuffix("/bin/python"), python.hasPrefix(appRoot.path + "/") else {
            throw .environment("\(python) does not exist and is not a virtualenv chaos-test may create; create it, or pass --python")
        }
        let venv = String(python.dropLast("/bin/python".count))
        if !FileManager.default.isExecutableFile(atPath: python) {
            say("• creating the virtualenv \(venv)…")
            try await execute(["python3", "-m", "venv", venv], in: appRoot.path, say: say)
        }
        for command in experiment.setup ?? [] {
            let words = try CommandLineWords.split(CommandLineWords.substitute(command, ["python": python]))
            say("• \(words.joined(separator: " "))")
            try await execute(words, in: appRoot.path, say: say)
        }
        _ = FileManager.default.createFile(atPath: stamp.path, contents: Data())
        return python
    }

    static func execute(_ words: [String], in directory: String, say: @Sendable (String) -> Void) async throws(RunError) {
        guard let first = words.first else { return }
        do {
            let result = try await Subprocess.run(
                first.contains("/") ? .path(FilePath(first)) : .name(first), arguments: Arguments(Array(words.dropFirst())),
                workingDirectory: FilePath(directory), output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
            guard result.terminationStatus.isSuccess else {
                throw RunError.environment(
                    "`\(words.joined(separator: " "))` failed (\(result.terminationStatus)):\n\(result.standardError)\(result.standardOutput)")
            }
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.environment("cannot run `\(words.joined(separator: " "))`: \(error)")
        }
    }
}
