import Artifacts
import Foundation

/// The live monitor of a run: about once a second it reads the load's running figures, the
/// fault events appended to events.jsonl and the lines appended to the logs, and either redraws
/// a terminal view (requests per second, error rate and p99 per endpoint, faults fired per
/// point, the latest alerts) or, when the output is not a terminal, writes each alert as one
/// plain line and nothing else.
public final class LiveMonitor: @unchecked Sendable {
    /// Where the monitor writes, and whether that is a terminal (then it redraws in place).
    public struct Output: Sendable {
        public var isTerminal: Bool
        public var write: @Sendable (String) -> Void

        public init(isTerminal: Bool, write: @escaping @Sendable (String) -> Void) {
            self.isTerminal = isTerminal
            self.write = write
        }
    }

    /// The running figures of the load: the current phase and its summary per endpoint key and `"*"`.
    public typealias Snapshot = @Sendable () -> (phase: String, summary: [String: EndpointSummary])?

    public struct Thresholds: Sendable {
        public var maxErrorRate: Double?
        public var maxP99Us: Int?
        /// Requests an endpoint needs in a phase before its figures can raise an alert.
        public var minRequests: Int

        public init(maxErrorRate: Double?, maxP99Us: Int?, minRequests: Int = 20) {
            self.maxErrorRate = maxErrorRate
            self.maxP99Us = maxP99Us
            self.minRequests = minRequests
        }
    }

    let output: Output
    let snapshot: Snapshot
    let logsFolder: URL
    let events: IncrementalReader
    let thresholds: Thresholds
    /// Point id → what the view calls it (short form, file:line).
    let pointNames: [String: String]
    let interval: Double

    private let lock = NSLock()
    private var logs: [String: IncrementalReader] = [:]
    private var detectors: [String: LogAnomalyDetector] = [:]
    private var faults: [String: Int] = [:]
    private var alerts: [MonitorAlert] = []
    private var alerted: Set<String> = []
    private var previous: (phase: String, counts: [String: Int], time: Double)?
    private var rates: [String: Double] = [:]
    private var drawnLines = 0
    private let startedAt = Date()

    public init(
        output: Output, snapshot: @escaping Snapshot, logsFolder: URL, eventsFile: URL, thresholds: Thresholds,
        pointNames: [String: String] = [:], interval: Double = 1
    ) {
        self.output = output
        self.snapshot = snapshot
        self.logsFolder = logsFolder
        self.events = IncrementalReader(url: eventsFile)
        self.thresholds = thresholds
        self.pointNames = pointNames
        self.interval = interval
    }

    /// Every alert raised so far, in order.
    public var raised: [MonitorAlert] {
        lock.lock()
        defer { lock.unlock() }
        return alerts
    }

    /// Starts ticking about once a second until the returned session is stopped (or dropped).
    public func start() -> MonitorSession {
        MonitorSession(
            monitor: self,
            ticker: Task { [interval] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
                    if Task.isCancelled { break }
                    self.tick(final: false)
                }
            })
    }

    /// One refresh: read what is new, raise alerts, draw.
    public func tick(final: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date().timeIntervalSince(startedAt)
        var new: [MonitorAlert] = []
        readEvents()
        new += readLogs(at: now, final: final)
        let current = snapshot()
        if let current { new += checkThresholds(current, at: now) }
        alerts += new
        if output.isTerminal {
            draw(current, at: now)
        } else {
            for alert in new { output.write(alert.line + "\n") }
        }
    }

    private func readEvents() {
        let decoder = JSONDecoder()
        for line in events.newLines() {
            guard let event = try? decoder.decode(ChaosEvent.self, from: Data(line.utf8)), let point = event.point else { continue }
            faults[point, default: 0] += 1
        }
    }

    private func readLogs(at now: Double, final: Bool) -> [MonitorAlert] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: logsFolder.path)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        var new: [MonitorAlert] = []
        for name in names {
            let source = String(name.dropLast(4))
            let reader = logs[name] ?? IncrementalReader(url: logsFolder.appendingPathComponent(name))
            logs[name] = reader
            var detector = detectors[source] ?? LogAnomalyDetector()
            for line in reader.newLines() { new += detector.feed(line, at: now, source: source) }
            if final { new += detector.flush(at: now, source: source) }
            detectors[source] = detector
        }
        return new
    }

    private func checkThresholds(_ current: (phase: String, summary: [String: EndpointSummary]), at now: Double) -> [MonitorAlert] {
        // Requests per second since the previous tick, per endpoint; a new phase starts afresh.
        let counts = current.summary.mapValues(\.count)
        if let previous, previous.phase == current.phase, now > previous.time {
            rates = counts.mapValues { _ in 0 }
            for (key, count) in counts { rates[key] = Double(count - (previous.counts[key] ?? 0)) / (now - previous.time) }
        } else if previous?.phase != current.phase {
            rates = [:]
        }
        previous = (current.phase, counts, now)
        var new: [MonitorAlert] = []
        for (endpoint, figures) in current.summary.sorted(by: { $0.key < $1.key }) where figures.count >= thresholds.minRequests {
            let name = endpoint == EndpointSummary.overallKey ? "all endpoints" : endpoint
            if let limit = thresholds.maxErrorRate, figures.errorRate > limit, alerted.insert("\(current.phase)|\(endpoint)|errors").inserted {
                new.append(
                    MonitorAlert(
                        kind: .errorRate, source: name,
                        text: "error rate \(NumberFormat.fixed(figures.errorRate * 100, decimals: 1))% > \(NumberFormat.fixed(limit * 100, decimals: 1))% in phase \(current.phase) (\(figures.errors) of \(figures.count))"))
            }
            if let limit = thresholds.maxP99Us, figures.p99Us > limit, alerted.insert("\(current.phase)|\(endpoint)|p99").inserted {
                new.append(
                    MonitorAlert(
                        kind: .p99, source: name,
                        text: "p99 \(NumberFormat.fixed(Double(figures.p99Us) / 1000, decimals: 1)) ms > \(NumberFormat.fixed(Double(limit) / 1000, decimals: 1)) ms in phase \(current.phase)"))
            }
        }
        return new
    }

    /// Redraws the view in place: up over the previous frame, clear to the end, write the new one.
    private func draw(_ current: (phase: String, summary: [String: EndpointSummary])?, at now: Double) {
        var lines: [String] = []
        lines.append("chaos-test monitor · \(current.map { "phase \($0.phase)" } ?? "waiting for load") · \(NumberFormat.fixed(now, decimals: 0)) s")
        if let current {
            lines.append(Self.pad("endpoint", 44) + Self.padLeft("req/s", 8) + Self.padLeft("errors", 9) + Self.padLeft("p99 ms", 10))
            let keys = current.summary.keys.filter { $0 != EndpointSummary.overallKey }.sorted() + [EndpointSummary.overallKey]
            for key in keys {
                guard let figures = current.summary[key] else { continue }
                let name = key == EndpointSummary.overallKey ? "all" : key
                lines.append(
                    Self.pad(name, 44) + Self.padLeft(NumberFormat.fixed(rates[key] ?? 0, decimals: 1), 8)
                        + Self.padLeft(NumberFormat.fixed(figures.errorRate * 100, decimals: 1) + "%", 9)
                        + Self.padLeft(NumberFormat.fixed(Double(figures.p99Us) / 1000, decimals: 1), 10))
            }
        }
        let fired = faults.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        lines.append(
            "faults fired: " + (fired.isEmpty ? "none yet" : fired.prefix(8).map { "\(pointNames[$0.key] ?? String($0.key.prefix(12))) \($0.value)" }.joined(separator: " · ")))
        lines.append("alerts (\(alerts.count)):")
        for alert in alerts.suffix(5) { lines.append("  " + alert.line) }
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A\u{1B}[J" : ""
        text += lines.map { String($0.prefix(160)) }.joined(separator: "\n") + "\n"
        drawnLines = lines.count
        output.write(text)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
