import Artifacts
import Foundation
import Pipeline
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The resource faults (issue 8.5a) on the orbital sample, under real load on loopback: the
/// baseline phase has chaos off, the chaos phase on, so each endpoint's latency is measured
/// with the fault off and on in one run. Every endpoint's figures are printed.
@Suite(.serialized) struct ResourceFaultTests {
    static let sample = "orbital-travel-planner"
    static let search = "POST /api/search"

    func options(_ copy: SampleCopy) throws -> RunOptions {
        let python = repositoryRoot.appendingPathComponent("Samples/\(Self.sample)/.venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run .ci/setup-python first")
        var options = RunOptions(appRoot: copy.root)
        options.python = python.path
        options.duration = 5
        options.deadline = 30
        options.faultRate = 1
        return options
    }

    /// Rewrites the copy's `faults:` line of chaos-test.yaml.
    func setFaults(_ copy: SampleCopy, _ line: String) throws {
        let yaml = copy.root.appendingPathComponent("chaos-test.yaml")
        let text = try String(contentsOf: yaml, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("faults:") ? line : String($0) }
            .joined(separator: "\n")
        try text.write(to: yaml, atomically: true, encoding: .utf8)
    }

    @Test func cpuPressureRaisesTheMedianOfTheHookedEndpoint() async throws {
        let copy = try SampleCopy(sample: Self.sample)
        // 100 ms of CPU per search: well above what a busy shared machine adds to its median.
        try setFaults(copy, "faults: {kinds: [cpu], cpu_burn: 0.1}")
        var options = try options(copy)
        options.routes = "/api/search"
        let outcome = try await RunPipeline(options: options) { _ in }.run()
        let results = try Self.results(outcome)
        Self.printLatencies("cpu (100 ms burn on POST /api/search, rate 1)", results)

        let (events, _) = try ChaosEvent.read(outcome.runFolder.appendingPathComponent("events.jsonl"))
        let fired = events.filter { $0.point != nil }
        try #require(!fired.isEmpty)
        #expect(fired.allSatisfy { $0.fault == "cpu" && ($0.cpuUs ?? 0) >= 100_000 && ($0.delayUs ?? 0) >= ($0.cpuUs ?? 0) })
        let baseline = try #require(results.summary["baseline"]?[Self.search])
        let chaos = try #require(results.summary["chaos"]?[Self.search])
        // Every chaos-phase search burns 100 ms of CPU (so at least 100 ms of wall clock) in its handler.
        #expect(chaos.p50Us >= baseline.p50Us + 80_000, "search p50 \(baseline.p50Us) µs off, \(chaos.p50Us) µs on")
    }

    @Test func memoryPressureIsRecordedAndItsCapHolds() async throws {
        let copy = try SampleCopy(sample: Self.sample)
        // 96 MB per fault for 0.3 s, at most 160 MB at once: with 4 requests in flight, uncapped
        // faults would hold 384 MB together.
        try setFaults(copy, "faults: {kinds: [memory], memory_mb: 96, memory_cap_mb: 160, memory_hold: 0.3}")
        var options = try options(copy)
        options.concurrency = 4
        let sampler = RSSSampler(root: copy.root, command: "app.main:app")
        let sampling = Task { await sampler.run() }
        let outcome: RunOutcome
        do {
            outcome = try await RunPipeline(options: options) { _ in }.run()
        } catch {
            sampling.cancel()
            throw error
        }
        sampling.cancel()
        _ = await sampling.value
        let results = try Self.results(outcome)
        Self.printLatencies("memory (96 MB held 0.3 s per request, cap 160 MB, rate 1)", results)

        // The events record what each fault really held, never more than asked.
        let (events, _) = try ChaosEvent.read(outcome.runFolder.appendingPathComponent("events.jsonl"))
        let fired = events.filter { $0.point != nil }
        try #require(!fired.isEmpty)
        #expect(fired.allSatisfy { $0.fault == "memory" && ($0.memoryMb ?? -1) >= 0 && ($0.memoryMb ?? 0) <= 96 })
        #expect(fired.contains { $0.memoryMb == 96 })
        // Faults whose hold overlaps never sum above the cap.
        for event in fired {
            let overlapping = fired.filter { $0.timeUnixNs <= event.timeUnixNs && event.timeUnixNs < $0.timeUnixNs + 300_000_000 }
            #expect(overlapping.reduce(0) { $0 + ($1.memoryMb ?? 0) } <= 160)
        }

        // The app's resident memory shows the pressure, and the cap: its peak in the chaos phase
        // rose above the baseline phase by about one fault or two, never by four.
        let phases = Dictionary(results.phases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let chaos = try #require(phases["chaos"])
        let samples = sampler.samples
        let before = samples.filter { $0.timeNs < chaos.startUnixNs }.map(\.rssKb).sorted()
        let during = samples.filter { $0.timeNs >= chaos.startUnixNs && $0.timeNs <= chaos.endUnixNs }.map(\.rssKb)
        try #require(before.count >= 10 && during.count >= 10, "too few RSS samples: \(before.count) before, \(during.count) during")
        let baselineKb = before[before.count / 2]
        let peakKb = during.max()!
        print("memory: app RSS \(baselineKb / 1024) MB in the baseline phase, peak \(peakKb / 1024) MB under memory faults")
        #expect(peakKb - baselineKb >= 64 * 1024, "the held memory is not visible in RSS")
        #expect(peakKb - baselineKb <= (160 + 48) * 1024, "RSS rose past the 160 MB cap")
    }

    static func results(_ outcome: RunOutcome) throws -> LoadResults {
        try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: outcome.runFolder.appendingPathComponent("load-results.json")))
    }

    /// What the fault did to every endpoint: p50 and p99 with chaos off and on.
    static func printLatencies(_ title: String, _ results: LoadResults) {
        var lines = ["\(title):"]
        let endpoints = Set((results.summary["baseline"] ?? [:]).keys).union((results.summary["chaos"] ?? [:]).keys).sorted()
        for endpoint in endpoints {
            let off = results.summary["baseline"]?[endpoint]
            let on = results.summary["chaos"]?[endpoint]
            func ms(_ value: Int?) -> String { value.map { String(format: "%.1f", Double($0) / 1000) } ?? "-" }
            lines.append(
                "  \(endpoint): p50 \(ms(off?.p50Us)) -> \(ms(on?.p50Us)) ms, p99 \(ms(off?.p99Us)) -> \(ms(on?.p99Us)) ms"
                    + " (\(off?.count ?? 0) off, \(on?.count ?? 0) on)")
        }
        print(lines.joined(separator: "\n"))
    }
}

/// Samples a process's resident memory (VmRSS of /proc/<pid>/status) every 10 ms. /proc files
/// report a size of 0, so they are read with read(2) until it returns 0.
final class RSSSampler: @unchecked Sendable {
    struct Sample {
        var timeNs: Int
        var rssKb: Int
    }

    let root: URL
    let command: String
    private let lock = NSLock()
    private var collected: [Sample] = []

    init(root: URL, command: String) {
        self.root = root
        self.command = command
    }

    var samples: [Sample] { lock.withLock { collected } }

    func run() async {
        var pid: Int32?
        while !Task.isCancelled {
            if pid == nil {
                pid = processes(in: root).first { Self.read("/proc/\($0)/cmdline")?.contains(command) ?? false }
            }
            if let pid, let status = Self.read("/proc/\(pid)/status"),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            {
                let sample = Sample(timeNs: Int(Date().timeIntervalSince1970 * 1e9), rssKb: kb)
                lock.withLock { collected.append(sample) }
            }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        // cmdline separates its words with NUL.
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}
