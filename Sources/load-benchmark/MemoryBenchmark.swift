import ArgumentParser
import Artifacts
import Foundation
import Histogram
import LoadGen

/// A million synthetic records through the real recorder and reader, against holding them in memory.
/// Each side runs in its own child process, so each peak RSS (VmHWM) is its own.
struct MemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "Peak RSS of streaming load-results.json vs an in-memory baseline.")

    @Option(help: "Records to write and read back.")
    var records = 1_000_000

    func run() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        print("memory: \(records) records, recorder -> load-results.json -> reader (each side in its own process)")
        var figures: [String: (peak: Int, seconds: Double, bytes: Int)] = [:]
        for mode in ["streaming", "in-memory"] {
            let (status, output, errors) = try runProgram(executable, ["memory-child", mode, "--records", "\(records)"])
            guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT") }) else {
                throw BenchmarkFailure("the \(mode) child failed (\(status)): \(errors)")
            }
            let fields = line.split(separator: " ")
            figures[mode] = (Int(fields[1])!, Double(fields[2])!, Int(fields[3])!)
            print(String(format: "  %-10@ peak RSS %7.1f MiB   %6.1f s   file %6.1f MiB", mode as NSString,
                         Double(fields[1])! / 1024, Double(fields[2])!, Double(fields[3])! / 1_048_576))
        }
        let streaming = figures["streaming"]!.peak
        let baseline = figures["in-memory"]!.peak
        print(String(format: "  streaming peak / in-memory peak = %.3f (target: streaming under 200 MiB: %@)",
                     Double(streaming) / Double(baseline), streaming < 200 * 1024 ? "met" : "NOT met"))
    }
}

/// One side of the memory benchmark; prints `RESULT <VmHWM KiB> <seconds> <file bytes>`.
struct MemoryChild: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "memory-child", shouldDisplay: false)

    @Argument var mode: String
    @Option var records = 1_000_000

    static let endpoints = ["GET /api/items", "POST /api/search", "POST /api/bookings", "POST /api/bookings/{booking_id}/confirm"]

    func record(_ index: Int, _ generator: inout SeededGenerator) -> LoadRecord {
        let latency = 200 + Int(generator.next() % 50_000) + (index % 997 == 0 ? 1_000_000 : 0)
        let failed = index % 101 == 0
        return LoadRecord(
            id: "baseline-\(index + 1)", phase: "baseline", endpoint: Self.endpoints[index % Self.endpoints.count],
            step: nil, scheduledUnixNs: 1_800_000_000_000_000_000 + index * 1_000_000,
            sentUnixNs: 1_800_000_000_000_000_000 + index * 1_000_000, latencyUs: latency,
            status: failed ? 503 : 200, error: failed ? .http5xx : nil, bytes: 120)
    }

    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("load-benchmark-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("load-results.json")
        let meta = LoadMeta(target: "http://127.0.0.1:1", model: .closed, seed: 1, plan: "synthetic", startUnixNs: 0, partial: false, generatorCpuUs: 0)
        var generator = SeededGenerator(seed: 1)
        let start = Date()
        var readBack = 0
        if mode == "streaming" {
            let recorder = try LoadRecorder(sidecar: directory.appendingPathComponent("records.jsonl"))
            recorder.beginPhase("baseline")
            for index in 0..<records { recorder.record(record(index, &generator)) }
            recorder.endPhase("baseline")
            let recorded = Date()
            try recorder.finish(meta: meta, to: out)
            let finished = Date()
            defer {
                FileHandle.standardError.write(Data(String(
                    format: "record %.2f s, assemble %.2f s, read back %.2f s\n", recorded.timeIntervalSince(start),
                    finished.timeIntervalSince(recorded), Date().timeIntervalSince(finished)).utf8))
            }
            let reader = LoadResultsReader(url: out)
            let header = try reader.header()
            var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
            try reader.forEachRecord { record in
                readBack += 1
                _ = histogram.record(UInt64(record.latencyUs))
            }
            precondition(header.summary["baseline"]?["*"]?.count == records && readBack == records)
            precondition(Int(histogram.valueAtPercentile(99)) == header.summary["baseline"]!["*"]!.p99Us)
        } else {
            // The naive way: every record in an array, the file encoded and decoded whole.
            var all: [LoadRecord] = []
            for index in 0..<records { all.append(record(index, &generator)) }
            let sorted = all.map(\.latencyUs).sorted()
            let summary: LoadSummary = ["baseline": ["*": EndpointSummary(
                count: all.count, ok: 0, errors: 0, clientErrors: 0, errorRate: 0, p50Us: sorted[sorted.count / 2],
                p90Us: 0, p95Us: 0, p99Us: sorted[sorted.count * 99 / 100], p999Us: 0, maxUs: sorted.last!)]]
            let results = LoadResults(meta: meta, phases: [LoadPhase(name: "baseline", startUnixNs: 0, endUnixNs: 1)], records: all, summary: summary)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(results).write(to: out)
            all = []
            let decoded = try JSONDecoder().decode(LoadResults.self, from: Data(contentsOf: out))
            readBack = decoded.records.count
            precondition(readBack == records)
        }
        let seconds = Date().timeIntervalSince(start)
        let size = (try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0
        print("RESULT \(peakRSSKiB()) \(String(format: "%.2f", seconds)) \(size)")
    }
}
