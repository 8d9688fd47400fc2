import Foundation
import Testing

/// `chaos-test load --engine locust` refuses what Locust's engine cannot honour, before any
/// process starts, with exit status 2 and the flag to change.
@Suite struct LocustCommandTests {
    static func chaosTest(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        // The test runner sits beside the built executables.
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("chaos-test")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "\(binary.path) is missing: run swift build first")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(arguments: [
        (["--rps", "5"], "give --concurrency (users), not --rps"),
        (["--requests", "10"], "give --duration, not --requests"),
        (["--workers", "0"], "--workers must be at least 1"),
    ])
    func flagsLocustCannotHonourAreRefused(flags: [String], message: String) throws {
        let finished = try Self.chaosTest(["load", "--url", "http://127.0.0.1:9", "--engine", "locust"] + flags)
        #expect(finished.status == 2)
        #expect(finished.stderr.contains(message), "\(finished.stderr)")
    }

    @Test func workersWithoutLocustAreRefused() throws {
        let finished = try Self.chaosTest(["load", "--url", "http://127.0.0.1:9", "--workers", "3"])
        #expect(finished.status == 2)
        #expect(finished.stderr.contains("--workers is for --engine locust"))
    }
}
