import Artifacts
import Discovery
import Foundation
import Injection
import LoadGen
import Patching
import Testing

@testable import Locust

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway copy of the orbital sample with chaos injected and switched on, served by uvicorn
/// with its provider on loopback; both are stopped by PID however the test ends.
enum OrbitalUnderChaos {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = repository.appendingPathComponent("Samples/orbital-travel-planner")
    static let python = sample.appendingPathComponent(".venv/bin/python")

    static func with(_ body: (_ app: Server, _ folder: URL) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run .ci/setup-python first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("locust-orbital-\(UUID().uuidString.prefix(8))")
        let root = folder.appendingPathComponent("app")
        try copy(sample, to: root)
        defer { try? FileManager.default.removeItem(at: folder) }
        let appRoot = try AppRoot(root.path)
        let scan = try Scanner.scan(ScanOptions(root: root))
        _ = try Injector.inject(
            root: appRoot, scan: scan, options: InjectOptions(rate: 0.2, delayUs: 1_000...20_000, app: "app.main:app", seed: 5),
            dryRun: false)
        _ = try LiveControl.apply(.on, root: appRoot)
        let events = folder.appendingPathComponent("events.jsonl")
        let provider = try Server(
            app: "main:app", in: root.appendingPathComponent("provider"), environment: ["CHAOS_TEST_EVENTS": events.path],
            log: folder.appendingPathComponent("provider.log"))
        defer { provider.stop() }
        let app = try Server(
            app: "app.main:app", in: root,
            environment: [
                "PROVIDER_URL": provider.url.absoluteString, "DATABASE_PATH": folder.appendingPathComponent("bookings.db").path,
                "CHAOS_TEST_EVENTS": events.path,
            ], log: folder.appendingPathComponent("app.log"))
        defer { app.stop() }
        try await provider.waitUntilHealthy()
        try await app.waitUntilHealthy()
        try await body(app, folder)
    }

    static func copy(_ source: URL, to target: URL) throws {
        let skip: Set<String> = [".venv", "__pycache__", ".chaos-test", "data", ".pytest_cache"]
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !skip.contains(name) {
            let from = source.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: from.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try copy(from, to: target.appendingPathComponent(name))
            } else {
                try FileManager.default.copyItem(at: from, to: target.appendingPathComponent(name))
            }
        }
    }

    /// One uvicorn process, logging to a file.
    final class Server: @unchecked Sendable {
        let process = Process()
        let port: Int
        let log: URL

        init(app: String, in directory: URL, environment: [String: String], log: URL) throws {
            port = try LocustEngine.freeLoopbackPort()
            self.log = log
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = OrbitalUnderChaos.python
            process.arguments = ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "\(port)"]
            process.currentDirectoryURL = directory
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
                .merging(["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"]) { $1 }
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        }

        var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

        func waitUntilHealthy() async throws {
            for _ in 0..<300 {
                try #require(process.isRunning, "uvicorn exited early: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                if try await LoadRunner.fetchDocument(target: url, path: "/healthz", timeoutSeconds: 1, allowRemote: false) != nil {
                    return
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            Issue.record("uvicorn on port \(port) did not answer /healthz in 30 s")
        }

        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }
}
