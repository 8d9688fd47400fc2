import Foundation
import LocalProcess
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// How a child process ended: its exit code, or the signal that killed it, and its output.
public struct Termination: Sendable, CustomStringConvertible {
    public var exitCode: Int32?
    public var signal: Int32?
    public var output: String

    public var wasKilled: Bool { signal == SIGKILL }
    public var description: String {
        (signal.map { "killed by signal \($0)" } ?? "exit \(exitCode ?? -1)") + ":\n" + output
    }
}

/// Runs a program to its end with swift-subprocess and says how it ended, with stdout and
/// stderr (stdout first). The child ends by itself: it completes, or a fault point kills it.
public func runToEnd(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
) async throws -> Termination {
    let result = try await Subprocess.run(
        .path(FilePath(executable)), arguments: Arguments(arguments),
        environment: .custom(LocalProcess.environmentEntries(adding: environment)),
        workingDirectory: directory.map { FilePath($0) }, output: .string(limit: 1 << 22),
        error: .string(limit: 1 << 22))
    let output = result.standardOutput + result.standardError
    switch result.terminationStatus {
    case .exited(let code): return Termination(exitCode: code, signal: nil, output: output)
    case .signaled(let signal): return Termination(exitCode: nil, signal: signal, output: output)
    }
}

/// A sample app copied into a temporary folder and committed to a fresh git repository, so
/// a test can ask git what `git add -A` would pick up.
public struct GitTree: Sendable {
    public let directory: TemporaryDirectory
    public var path: String { directory.path }

    /// The git found on PATH, as an absolute path (swift-subprocess runs `.path` executables).
    static let git: String = {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(folder)/git"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/git"
    }()

    public init(_ directory: TemporaryDirectory) async throws {
        self.directory = directory
        for arguments in [["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sample"]] {
            let result = try await git(arguments)
            guard result.exitCode == 0 else { throw GitTreeError(message: "git \(arguments): \(result)") }
        }
    }

    public func git(_ arguments: [String]) async throws -> Termination {
        try await runToEnd(
            Self.git, ["-c", "user.name=chaos-test", "-c", "user.email=chaos-test@example.invalid"] + arguments,
            in: path, environment: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": path])
    }

    /// `git status --porcelain --untracked-files=all`: every change and every file `git add -A` would add.
    public func status() async throws -> [String] {
        let result = try await git(["status", "--porcelain", "--untracked-files=all"])
        return result.output.split(separator: "\n").map(String.init)
    }

    /// One file's permission bits and bytes.
    public struct FileState: Sendable, Equatable {
        public var mode: Int
        public var bytes: [UInt8]
    }

    /// Every regular file outside `.git` and `.chaos-test`, with its mode and bytes.
    public func snapshot() -> [String: FileState] {
        var out: [String: FileState] = [:]
        let walker = FileManager.default.enumerator(atPath: path)!
        while let relative = walker.nextObject() as? String {
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory, relative == ".git" || relative == ".chaos-test" {
                walker.skipDescendants()
                continue
            }
            guard type == .typeRegular else { continue }
            let mode = (walker.fileAttributes?[.posixPermissions] as? Int) ?? 0
            out[relative] = FileState(mode: mode, bytes: directory.read(relative) ?? [])
        }
        return out
    }

    /// Every chaos-test temporary file (`*.chaos-test-<pid>.tmp`) anywhere outside `.git`,
    /// `.chaos-test/` included.
    public func temporaries() -> [String] {
        var out: [String] = []
        let walker = FileManager.default.enumerator(atPath: path)!
        while let relative = walker.nextObject() as? String {
            if relative == ".git" {
                walker.skipDescendants()
                continue
            }
            let name = (relative as NSString).lastPathComponent
            if name.hasSuffix(".tmp"), name.contains(".chaos-test-") { out.append(relative) }
        }
        return out.sorted()
    }

    /// The files under `.chaos-test/` (the state the tool keeps), relative to the root.
    public func stateFiles() -> [String] {
        var out: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: path + "/.chaos-test") else { return [] }
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { out.append(".chaos-test/" + relative) }
        }
        return out.sorted()
    }
}

public struct GitTreeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Runs a chaos-test command with `CHAOS_TEST_KILL_AT_STEP` = 1, 2, 3, … (the binary sends
/// itself SIGKILL at that write step) until a run completes without reaching its step.
public enum StepKiller {
    public struct Outcome: Sendable {
        /// How many runs were killed, one per write step before the command completed.
        public var killed: Int
        /// The run that reached no fault point.
        public var completed: Termination?
        /// How many kills left a temporary file (created or written, not yet renamed).
        public var killedWithTemporary: Int
    }

    public static func forEveryStep(
        binary: String, arguments: [String], maxSteps: Int = 500,
        before: (Int) async throws -> Void = { _ in },
        killed: (Int, Termination) async throws -> Void
    ) async throws -> Outcome {
        var outcome = Outcome(killed: 0, completed: nil, killedWithTemporary: 0)
        for step in 1...maxSteps {
            try await before(step)
            let run = try await runToEnd(binary, arguments, environment: ["CHAOS_TEST_KILL_AT_STEP": "\(step)"])
            guard run.wasKilled else {
                outcome.completed = run
                return outcome
            }
            outcome.killed += 1
            if run.output.contains(": temporary file created: ") || run.output.contains(": temporary file written: ") {
                outcome.killedWithTemporary += 1
            }
            try await killed(step, run)
        }
        return outcome
    }
}
