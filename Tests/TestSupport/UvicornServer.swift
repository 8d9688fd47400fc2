import Foundation
import LocalProcess

#if canImport(Glibc)
    import Glibc
#endif

/// A uvicorn process a test starts on a free loopback port, logging to a file, and always stops
/// by its PID.
public final class UvicornServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public let log: URL

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(python: URL, app: String, in directory: URL, environment: [String: String] = [:], log: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure(description: "\(python.path) is missing; run `.ci/setup-python` first")
        }
        guard let port = LocalProcess.freeLoopbackPort() else { throw Failure(description: "cannot bind a loopback port") }
        self.port = port
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = python
        process.arguments = ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "\(port)"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            .merging(["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"]) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Polls `healthy` every 100 ms until it says yes, the process exits, or `seconds` pass.
    public func waitUntilHealthy(seconds: Int = 30, _ healthy: (URL) async throws -> Bool) async throws {
        for _ in 0..<(seconds * 10) {
            guard process.isRunning else {
                throw Failure(description: "uvicorn exited early: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            if try await healthy(url) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "uvicorn on port \(port) did not answer within \(seconds) s")
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
