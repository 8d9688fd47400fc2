import Artifacts
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import LoadGen

/// A uvicorn process of the orbital sample, logging to a file, stopped by PID.
final class UvicornProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: URL

    init(app: String, in directory: URL, environment: [String: String], logDirectory: URL, name: String) throws {
        let python = OrbitalSampleTests.sample.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw TestFailure("\(python.path) is missing; run `.ci/setup-python orbital-travel-planner` first")
        }
        port = try freeLoopbackPort()
        log = logDirectory.appendingPathComponent("\(name).log")
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

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    func waitUntilHealthy() async throws {
        for _ in 0..<200 {
            guard process.isRunning else {
                throw TestFailure("uvicorn exited early: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            if try await LoadRunner.fetchDocument(target: url, path: "/healthz", timeoutSeconds: 1, allowRemote: false) != nil {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("uvicorn on port \(port) did not answer /healthz in 20 s")
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A port nothing listens on right now, from the kernel.
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw TestFailure("cannot bind a loopback port") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The orbital travel planner and its provider, started on loopback by the tests.
@Suite(.serialized) struct OrbitalSampleTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/orbital-travel-planner")

    func withOrbital(_ body: (_ app: UvicornProcess, _ provider: UvicornProcess, _ directory: URL) async throws -> Void)
        async throws
    {
        let directory = try temporaryDirectory()
        let provider = try UvicornProcess(
            app: "main:app", in: Self.sample.appendingPathComponent("provider"), environment: [:],
            logDirectory: directory, name: "provider")
        defer { provider.stop() }
        let app = try UvicornProcess(
            app: "app.main:app", in: Self.sample,
            environment: [
                "PROVIDER_URL": provider.url.absoluteString,
                "DATABASE_PATH": directory.appendingPathComponent("bookings.db").path,
            ], logDirectory: directory, name: "app")
        defer { app.stop() }
        try await provider.waitUntilHealthy()
        try await app.waitUntilHealthy()
        try await body(app, provider, directory)
    }

    func run(_ app: UvicornProcess, directory: URL) async throws -> LoadResults {
        let plan = try PlanParser.load(path: Self.sample.appendingPathComponent("load-plan.yaml").path)
        // The sample opens a new HTTP client per provider call (its W4), so requests take a while on 2 cores.
        return try await runLoad(
            target: app.url, plan: plan, shape: .closed(concurrency: 10), requests: 200, timeout: 30,
            directory: directory)
    }

    @Test func committedPlanRecords200Requests() async throws {
        try await withOrbital { app, _, directory in
            let results = try await run(app, directory: directory)
            #expect(results.records.count == 200)
            let phase = try #require(results.summary["baseline"])
            #expect(phase["*"]?.count == 200)
            #expect(phase["POST /api/search"].map { $0.ok > 0 } == true)
            #expect(phase["POST /api/bookings"].map { $0.ok > 0 } == true)
            // The flow got through to its last step: values passed by JSON pointer work on the real app.
            #expect(results.records.contains { $0.step == "trip/cancel" && $0.status == 200 })
            // A healthy app may still answer 500 under load (and uvicorn then drops the connection,
            // a reset), but it never refuses connections or sends garbage.
            let kinds = Set(results.records.compactMap(\.error))
            #expect(kinds.isDisjoint(with: [.refused, .malformed]), "\(kinds)")
            #expect(phase["*"].map { $0.ok >= 100 } == true, "\(String(describing: phase["*"]))")
        }
    }

    @Test func providerStoppedRunFinishesAndRecordsErrors() async throws {
        try await withOrbital { app, provider, directory in
            provider.stop()
            let results = try await run(app, directory: directory)
            #expect(results.records.count == 200)
            let phase = try #require(results.summary["baseline"])
            // Searches and bookings need the provider: every one fails. The app answers 500, and
            // uvicorn then closes the keep-alive connection, so a request already sent on it is a reset.
            #expect(phase["*"]?.errors == 200)
            #expect(phase["*"]?.errorRate == 1)
            let kinds = Set(results.records.compactMap(\.error))
            #expect(kinds.contains(.http5xx))
            #expect(kinds.isSubset(of: [.http5xx, .reset]))
            #expect(results.records.filter { $0.error == .http5xx }.allSatisfy { $0.status == 500 })
            #expect(results.records.filter { $0.error == .reset }.allSatisfy { $0.status == nil })
        }
    }
}
