import Artifacts
import Discovery
import Foundation
import Injection
import LoadGen
import Patching
import Testing
import TestSupport

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

    static func with(_ body: (_ app: UvicornServer, _ folder: URL) async throws -> Void) async throws {
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
        let provider = try UvicornServer(
            python: python, app: "main:app", in: root.appendingPathComponent("provider"), environment: ["CHAOS_TEST_EVENTS": events.path],
            log: folder.appendingPathComponent("provider.log"))
        defer { provider.stop() }
        let app = try UvicornServer(
            python: python, app: "app.main:app", in: root,
            environment: [
                "PROVIDER_URL": provider.url.absoluteString, "DATABASE_PATH": folder.appendingPathComponent("bookings.db").path,
                "CHAOS_TEST_EVENTS": events.path,
            ], log: folder.appendingPathComponent("app.log"))
        defer { app.stop() }
        try await waitUntilHealthy(provider)
        try await waitUntilHealthy(app)
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

    static func waitUntilHealthy(_ server: UvicornServer) async throws {
        try await server.waitUntilHealthy { url in
            try await LoadRunner.fetchDocument(target: url, path: "/healthz", timeoutSeconds: 1, allowRemote: false) != nil
        }
    }
}
