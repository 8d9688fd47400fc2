import Foundation
import Testing

/// The scan on large code nobody here wrote: every package (and each of its subpackages) of
/// the installed distributions in the robustness virtualenv (SQLAlchemy, Django, pydantic…,
/// made by `.ci/realapps --robustness`), scanned by the real binary, each as its own root.
/// A trap, a stack overflow or a hang shows as a signal or a time-out here.
@Suite struct ScanRobustnessTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Far above what any of these packages takes (about a second in a debug build), far below a hang.
    static let secondsPerPackage = 60.0

    static var sitePackages: URL {
        if let given = ProcessInfo.processInfo.environment["CHAOS_TEST_ROBUSTNESS_SITE"] { return URL(fileURLWithPath: given) }
        return repository.appendingPathComponent(".corpus/robustness/venv/lib/python3.11/site-packages")
    }

    static var binary: String {
        ProcessInfo.processInfo.environment["CHAOS_TEST_BINARY"] ?? repository.appendingPathComponent(".build/debug/chaos-test").path
    }

    /// The folders to scan: each top-level package, and each package directly inside it.
    static func packageFolders() -> [URL] {
        let manager = FileManager.default
        func packages(in folder: URL) -> [URL] {
            let names = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.sorted().map { folder.appendingPathComponent($0) }.filter {
                !$0.lastPathComponent.hasPrefix(".") && !$0.lastPathComponent.hasPrefix("_")
                    && manager.fileExists(atPath: $0.appendingPathComponent("__init__.py").path)
            }
        }
        return packages(in: sitePackages).flatMap { [$0] + packages(in: $0) }
    }

    @Test func everyPackageScansToTheEndWithoutASignalOrAHang() throws {
        let folders = Self.packageFolders()
        try #require(
            folders.count >= 20,
            "no robustness virtualenv at \(Self.sitePackages.path): run `.ci/realapps --robustness` (the README's test command does)")
        for name in ["sqlalchemy", "django", "pydantic"] {
            #expect(folders.contains { $0.lastPathComponent == name }, "\(name) is not installed in the robustness virtualenv")
        }
        var slowest = (0.0, "")
        for folder in folders {
            let started = Date()
            let outcome = try Self.scan(folder)
            let seconds = Date().timeIntervalSince(started)
            if seconds > slowest.0 { slowest = (seconds, folder.lastPathComponent) }
            #expect(!outcome.timedOut, "scan of \(folder.path) took longer than \(Self.secondsPerPackage) s")
            #expect(outcome.reason == .exit, "scan of \(folder.path) ended by signal \(outcome.status): \(outcome.output.suffix(2000))")
            // 0: scanned; 1: the folder holds no Python the scan reads (only tests, say).
            #expect(outcome.reason != .exit || outcome.status == 0 || outcome.status == 1, "scan of \(folder.path) exited \(outcome.status): \(outcome.output.suffix(2000))")
        }
        print("ScanRobustnessTests: \(folders.count) packages scanned; slowest \(slowest.1) in \(String(format: "%.2f", slowest.0)) s")
    }

    struct Outcome {
        var reason: Process.TerminationReason
        var status: Int32
        var timedOut: Bool
        var output: String
    }

    static func scan(_ folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["scan", folder.path, "--json"]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-robustness-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        var timedOut = false
        if finished.wait(timeout: .now() + secondsPerPackage) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return Outcome(reason: process.terminationReason, status: process.terminationStatus, timedOut: timedOut, output: text)
    }
}
