import Foundation

@testable import LoadGen

#if canImport(Glibc)
    import Glibc
#endif

/// Resources/session_app.py, a Flask app, run with the flask-inventory sample's venv python on a
/// loopback port it picks and prints; stopped by PID. Call ``stop()`` in a `defer`.
final class SessionAppServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    static var python: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Samples/flask-inventory/.venv/bin/python")
    }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path) else {
            throw TestFailure("\(Self.python.path) is missing; run `bash .ci/setup-python flask-inventory` first")
        }
        let script = Bundle.module.url(forResource: "Resources/session_app.py", withExtension: nil)!
        process.executableURL = Self.python
        process.arguments = ["-u", script.path]
        process.environment = ["PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"]
        port = try startReadingPort(process, name: "session_app.py")
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The app's counters, from `GET /stats`.
    func stats() async throws -> [String: Any] {
        guard
            let data = try await LoadRunner.fetchDocument(target: url, path: "/stats", timeoutSeconds: 5, allowRemote: false),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { throw TestFailure("GET /stats did not answer with JSON") }
        return object
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
