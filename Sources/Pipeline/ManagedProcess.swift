import Foundation
import LocalProcess
import Subprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child the run starts: the app or one of its services.
public struct ProcessSpec: Sendable {
    public var name: String
    /// The command line, already split into words; the first is the executable (a path, or a
    /// name looked up on PATH).
    public var command: [String]
    public var workingDirectory: String
    /// Variables added to (or replacing those of) chaos-test's own environment.
    public var environment: [String: String]
    /// stdout and stderr go here.
    public var log: URL
    /// Polled until it answers; nil to only wait for the process to stay up.
    public var healthPort: Int
    public var healthPaths: [String]
    public var startupTimeout: Double

    public init(
        name: String, command: [String], workingDirectory: String, environment: [String: String], log: URL,
        healthPort: Int, healthPaths: [String], startupTimeout: Double
    ) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.log = log
        self.healthPort = healthPort
        self.healthPaths = healthPaths
        self.startupTimeout = startupTimeout
    }
}

/// A process that is up and healthy.
public struct RunningProcess: Sendable {
    public var name: String
    public var pid: Int32
    public var port: Int
    /// The health path that answered.
    public var healthPath: String

    /// Whether the process is still running (not exited, not a zombie).
    public var isAlive: Bool { ManagedProcess.isAlive(pid) }
}

/// Starts children with swift-subprocess and always stops them, by their PID, however the
/// scope that needs them ends: SIGTERM, five seconds, then SIGKILL.
public enum ManagedProcess {
    static let teardown: [TeardownStep] = [.send(signal: .terminate, allowedDurationToNextStep: .seconds(5))]

    /// Runs `body` while the process is up and healthy.
    public static func with<Result: Sendable>(
        _ spec: ProcessSpec, _ body: (RunningProcess) async throws -> Result
    ) async throws -> Result {
        guard let executable = spec.command.first else { throw RunError.badInput("\(spec.name): the command is empty") }
        let descriptor: FileDescriptor
        do {
            try FileManager.default.createDirectory(at: spec.log.deletingLastPathComponent(), withIntermediateDirectories: true)
            descriptor = try FileDescriptor.open(
                FilePath(spec.log.path), .writeOnly, options: [.create, .truncate, .append],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw RunError.environment("cannot write the log \(spec.log.path): \(error)")
        }
        defer { try? descriptor.close() }
        let entries = LocalProcess.environmentEntries(adding: spec.environment)
        var options = PlatformOptions()
        // Its own session: a Ctrl-C at the terminal reaches chaos-test, which then stops the
        // child in order, instead of killing the app mid-request behind its back.
        options.createSession = true
        options.teardownSequence = teardown
        let target: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        do {
            let outcome = try await Subprocess.run(
                target, arguments: Arguments(Array(spec.command.dropFirst())), environment: .custom(entries),
                workingDirectory: FilePath(spec.workingDirectory), platformOptions: options, input: .none,
                output: .fileDescriptor(descriptor, closeAfterSpawningProcess: false),
                error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false)
            ) { execution in
                let pid = execution.processIdentifier.value
                do {
                    let healthPath = try await waitUntilHealthy(spec, pid: pid)
                    let value = try await body(RunningProcess(name: spec.name, pid: pid, port: spec.healthPort, healthPath: healthPath))
                    await execution.teardown(using: teardown)
                    return value
                } catch {
                    await execution.teardown(using: teardown)
                    throw error
                }
            }
            return outcome.closureResult
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.environment("\(spec.name): could not start `\(spec.command.joined(separator: " "))`: \(error)")
        }
    }

    /// Polls the health paths until one answers below 500, the process exits, or the timeout passes.
    static func waitUntilHealthy(_ spec: ProcessSpec, pid: Int32) async throws -> String {
        let deadline = Date().addingTimeInterval(spec.startupTimeout)
        while Date() < deadline {
            guard isAlive(pid) else {
                throw RunError.environment(
                    "\(spec.name) exited during startup (pid \(pid)); its last output:\n\(tail(of: spec.log, lines: 15))")
            }
            for path in spec.healthPaths {
                if let status = HealthProbe.status(port: spec.healthPort, path: path), status < 500, status != 404 || path == spec.healthPaths.last {
                    return path
                }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw RunError.environment(
            "\(spec.name) did not answer on http://127.0.0.1:\(spec.healthPort)\(spec.healthPaths.first ?? "/") within \(Int(spec.startupTimeout)) s "
                + "(raise --startup-timeout, or check --health); its last output:\n\(tail(of: spec.log, lines: 15))")
    }

    /// True while the process exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool { LocalProcess.isAlive(pid) }

    static func tail(of url: URL, lines: Int) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "(no output)" }
        let text = String(decoding: data, as: UTF8.self)
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        return all.suffix(lines).map { "    " + $0 }.joined(separator: "\n")
    }
}

/// A one-shot HTTP/1.0 GET on loopback, for health checks before the load client exists.
enum HealthProbe {
    static func status(port: Int, path: String, timeoutSeconds: Int = 2) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nX-Chaos-Request-Id: health\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 12 else { return nil }
        let line = String(decoding: buffer[0..<count], as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    /// A free TCP port on 127.0.0.1, chosen by the kernel.
    static func freePort() throws(RunError) -> Int {
        guard let port = LocalProcess.freeLoopbackPort() else {
            throw RunError.environment("cannot bind a loopback port to find a free one")
        }
        return port
    }
}
