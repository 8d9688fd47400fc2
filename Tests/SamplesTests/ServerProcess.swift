import Foundation
import Glibc

/// A server the test started: a child process with its output in a log file, stopped by PID
/// (SIGTERM, a grace period, then SIGKILL), so callers put `stop()` in a `defer`.
///
/// It is spawned with posix_spawn rather than Foundation's Process: a child of Process
/// inherits the test thread's signal mask, where SIGTERM is blocked, so uvicorn never saw
/// the SIGTERM and every stop ran into the SIGKILL after the grace period.
final class ServerProcess {
    let name: String
    let port: Int
    let logFile: URL
    let pid: pid_t
    private var exitStatus: Int32?

    init(
        name: String, executable: String, arguments: [String], workingDirectory: URL,
        environment: [String: String], port: Int, logDirectory: URL
    ) throws {
        self.name = name
        self.port = port
        logFile = logDirectory.appendingPathComponent("\(name).log")
        let variables = ProcessInfo.processInfo.environment
            .merging(environment) { _, new in new }
            .merging(["PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"]) { _, new in new }
        pid = try Self.spawn(
            executable: executable, arguments: [executable] + arguments,
            environment: variables.map { "\($0.key)=\($0.value)" },
            workingDirectory: workingDirectory.path, logPath: logFile.path, name: name)
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static func spawn(
        executable: String, arguments: [String], environment: [String], workingDirectory: String,
        logPath: String, name: String
    ) throws -> pid_t {
        // glibc has it since 2.29, but the Glibc module does not export it.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            throw SetupError(message: "this libc has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or newer is needed)")
        }
        let addChdir = unsafeBitCast(symbol, to: AddChdir.self)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard addChdir(&actions, workingDirectory) == 0 else {
            throw SetupError(message: "cannot set the working directory \(workingDirectory) for \(name)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGXFSZ] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            throw SetupError(message: "cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Reaps the child if it has exited; true while it runs.
    var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || reaped == -1 {
            exitStatus = status
            return false
        }
        return true
    }

    /// The last lines the server wrote, to put in a failure message.
    var logTail: String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(25).joined(separator: "\n")
    }

    /// Polls `path` until it answers 200; fails early if the process exits.
    func waitUntilHealthy(path: String = "/healthz", timeoutSeconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            guard isRunning else {
                throw SetupError(message: "\(name) exited (wait status \(exitStatus ?? -1)) before \(path) answered; its log:\n\(logTail)")
            }
            if let response = try? LoopbackHTTP.request("GET", port: port, path: path, timeoutSeconds: 2),
                response.status == 200
            {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw SetupError(message: "\(name) did not answer GET \(path) on port \(port) within \(timeoutSeconds) s; its log:\n\(logTail)")
    }

    /// SIGTERM, up to `graceSeconds` for a clean exit, then SIGKILL; returns once reaped.
    func stop(graceSeconds: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(graceSeconds)
        while isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        exitStatus = status
    }
}
