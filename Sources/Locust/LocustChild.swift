import Foundation
import LoadGen
import LocalProcess
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One Locust process (the master or a worker), started with swift-subprocess and always
/// stopped by its PID: SIGTERM, five seconds for Locust's own shutdown, then SIGKILL.
struct LocustChild: Sendable {
    static let teardown: [TeardownStep] = [.send(signal: .terminate, allowedDurationToNextStep: .seconds(5))]

    var name: String
    var command: [String]
    var environment: [String: String]
    var workingDirectory: String
    var log: URL

    /// Runs the process until it exits, or until `shouldStop` (polled every 100 ms) says to end
    /// it. Returns its exit status, or nil when it was stopped.
    func run(onStart: @Sendable (Int32) -> Void = { _ in }, shouldStop: @escaping @Sendable () -> Bool) async throws(LoadError) -> Int32? {
        guard let executable = command.first else { throw LoadError.badArgument("\(name): the command is empty") }
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(log.path), .writeOnly, options: [.create, .truncate, .append],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw LoadError.environment("cannot write the log \(log.path): \(error)")
        }
        defer { try? descriptor.close() }
        let entries = LocalProcess.environmentEntries(adding: environment)
        var options = PlatformOptions()
        // Its own session: Ctrl-C reaches chaos-test, which then stops Locust in order.
        options.createSession = true
        options.teardownSequence = Self.teardown
        let target: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        do {
            let outcome = try await Subprocess.run(
                target, arguments: Arguments(Array(command.dropFirst())), environment: .custom(entries),
                workingDirectory: FilePath(workingDirectory), platformOptions: options, input: .none,
                output: .fileDescriptor(descriptor, closeAfterSpawningProcess: false),
                error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false)
            ) { execution -> Bool in
                let pid = execution.processIdentifier.value
                onStart(pid)
                while Self.isAlive(pid) {
                    if shouldStop() {
                        await execution.teardown(using: Self.teardown)
                        return true
                    }
                    try? await Task.sleep(nanoseconds: 100_000_000)
                }
                return false
            }
            if outcome.closureResult { return nil }
            switch outcome.terminationStatus {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        } catch {
            throw LoadError.environment("\(name): could not start `\(command.joined(separator: " "))`: \(error)")
        }
    }

    static func isAlive(_ pid: Int32) -> Bool { LocalProcess.isAlive(pid) }

    /// The last lines of the log, for an error message.
    func tail(_ lines: Int = 15) -> String {
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no output)" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).suffix(lines)
            .map { "    " + $0 }.joined(separator: "\n")
    }
}
