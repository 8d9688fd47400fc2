import Artifacts
import Foundation
import Histogram
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records every request of a run: each record goes to a `.jsonl` sidecar as it completes, and
/// into HDR histograms per phase and endpoint; ``finish(meta:to:)`` then streams the sidecar into
/// `load-results.json`. Memory stays flat however many requests a run makes.
///
/// Safe to call from any thread: the engine records from NIO event loops.
public final class LoadRecorder: Sendable {
    /// Latencies above one hour are recorded as one hour.
    static let highestTrackableUs: UInt64 = 3_600_000_000
    private static let flushThreshold = 256 * 1024

    /// The sidecar file the records stream into during the run.
    public let sidecarURL: URL
    private let state: Mutex<State>

    private struct State {
        var handle: FileHandle?
        var buffer: [UInt8] = []
        var phases: [LoadPhase] = []
        var accumulators: [String: [String: Accumulator]] = [:]
        var writeError: String?
        var exemplars: [String: RequestExemplar] = [:]
        /// Outcome, phase and endpoint key → exemplars kept so far.
        var exemplarCounts: [String: Int] = [:]
    }

    /// Creates (or empties) the sidecar at `sidecar`.
    public init(sidecar: URL) throws {
        sidecarURL = sidecar
        guard FileManager.default.createFile(atPath: sidecar.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: sidecar.path)
        else {
            throw LoadError.environment(
                "cannot create \(sidecar.path) for the request records; check that its folder exists and is writable.")
        }
        state = Mutex(State(handle: handle))
    }

    /// Opens a phase; records name the phase they belong to.
    public func beginPhase(_ name: String, settings: JSONValue = .null, startUnixNs: Int = WallClock.nowUnixNs()) {
        state.withLock { state in
            state.phases.append(LoadPhase(name: name, startUnixNs: startUnixNs, endUnixNs: startUnixNs, settings: settings))
            // "*" exists from the start, so a phase that recorded nothing still has its zero summary.
            if state.accumulators[name] == nil { state.accumulators[name] = [EndpointSummary.overallKey: Accumulator()] }
        }
    }

    /// Closes the most recent phase of that name.
    public func endPhase(_ name: String, endUnixNs: Int = WallClock.nowUnixNs()) {
        state.withLock { state in
            if let index = state.phases.lastIndex(where: { $0.name == name }) {
                state.phases[index].endUnixNs = endUnixNs
            }
        }
    }

    /// Appends one record to the sidecar and to its phase's histograms.
    public func record(_ record: LoadRecord) {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        record.appendJSON(to: &line)
        line.append(0x0A)
        state.withLock { state in
            state.buffer.append(contentsOf: line)
            // Nested subscripts with defaults mutate in place; copying a phase's dictionary out and
            // back would copy every histogram's counts on each record.
            state.accumulators[record.phase, default: [:]][record.endpoint, default: Accumulator()].add(record)
            state.accumulators[record.phase, default: [:]][EndpointSummary.overallKey, default: Accumulator()].add(record)
            if state.buffer.count >= Self.flushThreshold { Self.flush(&state) }
        }
    }

    /// Requests, errors and p99 so far in `phase`, for the progress line.
    public func progress(of phase: String) -> LoadProgress {
        state.withLock { state in
            guard let overall = state.accumulators[phase]?[EndpointSummary.overallKey] else {
                return LoadProgress(requests: 0, errors: 0, p99Us: 0)
            }
            return LoadProgress(
                requests: overall.count, errors: overall.errors,
                p99Us: Int(overall.histogram.valueAtPercentile(99)))
        }
    }

    /// The summary of one phase: per endpoint key plus `"*"`.
    public func summary(of phase: String) -> [String: EndpointSummary] {
        state.withLock { state in (state.accumulators[phase] ?? [:]).mapValues { $0.summary } }
    }

    /// Whether a request of this phase and endpoint, failed or not, would still be kept as an
    /// exemplar; the engine asks first, so that it describes the request only when it is kept.
    public func wantsExemplar(phase: String, endpoint: String, failed: Bool) -> Bool {
        let key = Self.exemplarKey(phase: phase, endpoint: endpoint, failed: failed)
        return state.withLock { ($0.exemplarCounts[key] ?? 0) < RequestExemplar.limit(failed: failed) }
    }

    /// Keeps a request as sent: the first few successes and failures per phase and endpoint.
    public func keepExemplar(_ exemplar: RequestExemplar, id: String, phase: String, endpoint: String, failed: Bool) {
        let key = Self.exemplarKey(phase: phase, endpoint: endpoint, failed: failed)
        state.withLock { state in
            let count = state.exemplarCounts[key] ?? 0
            guard count < RequestExemplar.limit(failed: failed) else { return }
            state.exemplarCounts[key] = count + 1
            state.exemplars[id] = exemplar
        }
    }

    private static func exemplarKey(phase: String, endpoint: String, failed: Bool) -> String {
        "\(failed ? "x" : "o") \(phase) \(endpoint)"
    }

    /// Every phase's summary, as `load-results.json` holds it.
    public func summary() -> LoadSummary {
        state.withLock { state in state.accumulators.mapValues { $0.mapValues { $0.summary } } }
    }

    public var phases: [LoadPhase] { state.withLock { $0.phases } }

    /// Writes `load-results.json` to `out`: the header, the records streamed from the sidecar,
    /// then the summary. The file appears whole or not at all; the sidecar is removed after.
    public func finish(meta: LoadMeta, to out: URL) throws {
        let (phases, summary, exemplars) = try state.withLock {
            state -> ([LoadPhase], LoadSummary, [String: RequestExemplar]) in
            Self.flush(&state)
            try? state.handle?.close()
            state.handle = nil
            if let problem = state.writeError {
                throw LoadError.environment("writing \(sidecarURL.path) failed: \(problem). Free disk space and run again.")
            }
            return (state.phases, state.accumulators.mapValues { $0.mapValues { $0.summary } }, state.exemplars)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let temporary = out.deletingLastPathComponent()
            .appendingPathComponent(".\(out.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let output = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw LoadError.environment("cannot write \(out.path); check that its folder exists and is writable.")
        }
        do {
            defer { try? output.close() }
            var head = Data("{\"schema\":\(LoadResults.schemaVersion),\n\"meta\":".utf8)
            head.append(try encoder.encode(meta))
            head.append(Data(",\n\"phases\":".utf8))
            head.append(try encoder.encode(phases))
            head.append(Data(",\n\"records\":[".utf8))
            try output.write(contentsOf: head)
            try copyRecords(into: output)
            var tail = Data("],\n\"exemplars\":".utf8)
            tail.append(try encoder.encode(exemplars))
            tail.append(Data(",\n\"summary\":".utf8))
            tail.append(try encoder.encode(summary))
            tail.append(Data("}\n".utf8))
            try output.write(contentsOf: tail)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LoadError.environment("writing \(out.path) failed: \(error). Free disk space and run again.")
        }
        _ = try? FileManager.default.removeItem(at: out)
        try FileManager.default.moveItem(at: temporary, to: out)
        try? FileManager.default.removeItem(at: sidecarURL)
    }

    /// Copies the sidecar's lines into the records array, one record per line, comma-separated.
    private func copyRecords(into output: FileHandle) throws {
        guard let input = FileHandle(forReadingAtPath: sidecarURL.path) else { return }
        defer { try? input.close() }
        var first = true
        var carry: [UInt8] = []
        var out: [UInt8] = []
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            carry.append(contentsOf: chunk)
            out.removeAll(keepingCapacity: true)
            var start = 0
            carry.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress!
                while start < bytes.count,
                    let found = memchr(base + start, 0x0A, bytes.count - start)
                {
                    let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if end > start {
                        out.append(contentsOf: first ? [0x0A] : [0x2C, 0x0A])
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                        first = false
                    }
                    start = end + 1
                }
            }
            carry.removeFirst(start)
            try output.write(contentsOf: out)
        }
        if !first { try output.write(contentsOf: Data([0x0A])) }
    }

    private static func flush(_ state: inout State) {
        guard !state.buffer.isEmpty, let handle = state.handle else { return }
        do {
            try handle.write(contentsOf: state.buffer)
        } catch {
            state.writeError = state.writeError ?? "\(error)"
        }
        state.buffer.removeAll(keepingCapacity: true)
    }
}

/// Requests done, errors and p99 so far in a phase.
public struct LoadProgress: Sendable, Equatable {
    public var requests: Int
    public var errors: Int
    public var p99Us: Int
}

/// Counts and a latency histogram for one endpoint in one phase.
struct Accumulator {
    var count = 0
    var ok = 0
    var errors = 0
    var clientErrors = 0
    var throttled = 0
    var histogram = Histogram<UInt64>(
        highestTrackableValue: LoadRecorder.highestTrackableUs, numberOfSignificantValueDigits: .three)

    mutating func add(_ record: LoadRecord) {
        count += 1
        if record.error != nil {
            errors += 1
        } else if record.status == 429 {
            throttled += 1
        } else if let status = record.status, (400..<500).contains(status) {
            clientErrors += 1
        } else {
            ok += 1
        }
        let value = UInt64(max(0, record.latencyUs))
        _ = histogram.record(min(value, LoadRecorder.highestTrackableUs))
    }

    var summary: EndpointSummary {
        func at(_ percentile: Double) -> Int { count == 0 ? 0 : Int(histogram.valueAtPercentile(percentile)) }
        return EndpointSummary(
            count: count, ok: ok, errors: errors, clientErrors: clientErrors,
            errorRate: count == 0 ? 0 : Double(errors) / Double(count),
            p50Us: at(50), p90Us: at(90), p95Us: at(95), p99Us: at(99), p999Us: at(99.9),
            maxUs: count == 0 ? 0 : Int(histogram.maxRecorded), throttled: throttled == 0 ? nil : throttled)
    }
}
