import ArgumentParser
import Artifacts
import Foundation
import LoadGen

#if canImport(Glibc)
    import Glibc
#endif

/// Figures for issue 4: how `chaos-test load` compares with wrk (requests per second and CPU per
/// request, same servers, same connections, same run), and how much memory the streaming recorder
/// and reader need for a million records against an in-memory baseline. Prints figures; asserts nothing.
@main
struct LoadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-benchmark",
        abstract: "Benchmark chaos-test load against wrk, and the streaming recorder's memory.",
        subcommands: [HTTPBenchmark.self, MemoryBenchmark.self, MemoryChild.self],
        defaultSubcommand: MemoryBenchmark.self
    )
}

/// Peak resident set size of this process so far (VmHWM), in KiB.
func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

/// CPU time (user + system) of reaped children of this process, in microseconds.
func childrenCPUTimeUs() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return usage.ru_utime.tv_sec * 1_000_000 + Int(usage.ru_utime.tv_usec) + usage.ru_stime.tv_sec * 1_000_000
        + Int(usage.ru_stime.tv_usec)
}

/// Runs a program to completion with its output captured; returns (status, stdout, stderr).
@discardableResult
func runProgram(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let directory = FileManager.default.temporaryDirectory
    let outURL = directory.appendingPathComponent("bench-\(UUID().uuidString).out")
    let errURL = directory.appendingPathComponent("bench-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return (
        process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
        (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    )
}

/// The path of an executable on PATH, or nil.
func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let directories: [String] = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
    for directory in directories {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
