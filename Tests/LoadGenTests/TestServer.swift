import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A stdlib Python server from Resources/test_server.py on 127.0.0.1, stopped by PID.
/// Call ``stop()`` in a `defer` right after creating it, so a failing test still stops it.
final class TestServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(mode: String, arguments: [String] = []) throws {
        let script = Bundle.module.url(forResource: "Resources/test_server.py", withExtension: nil)!
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path, mode] + arguments
        port = try startReadingPort(process, name: "test_server.py \(mode)")
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }
}

/// Starts a server that prints its loopback port on its first line and returns that port; a
/// server that prints none is killed (by PID) and the test fails naming it.
func startReadingPort(_ process: Process, name: String) throws -> Int {
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(0x0A) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line.append(chunk)
    }
    guard let text = String(data: line, encoding: .utf8)?.split(separator: "\n").first, let port = Int(text) else {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestFailure("\(name) did not print its port")
    }
    return port
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh folder under the system temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("loadgen-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The `chaos-test` executable built beside the test bundle.
func chaosTestExecutable() throws -> URL {
    let url = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("chaos-test")
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw TestFailure("\(url.path) is missing; run `swift build` before `swift test`")
    }
    return url
}

/// Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it.
func nearestRank(_ sorted: [Int], _ percentile: Double) -> Int {
    let rank = max(1, Int((percentile / 100 * Double(sorted.count)).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}
