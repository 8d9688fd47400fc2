import Foundation

/// Reads an app's log line by line as it is written and raises alerts: the first traceback of
/// each exception type, and a burst of tracebacks (many within a short window). It follows
/// CPython's printed form: `Traceback (most recent call last):`, indented frame and source
/// lines, then the unindented `module.Type: message` line; a chain separator (`During handling
/// of the above exception...`, `The above exception was the direct cause...`) continues the same
/// report, so a chained traceback counts once and is named by its last exception.
public struct LogAnomalyDetector: Sendable {
    /// Tracebacks within `burstWindowSeconds` that make a burst.
    public var burstCount: Int
    public var burstWindowSeconds: Double

    private enum State: Sendable {
        case idle
        case inTraceback
        /// After an exception line: a chain separator may follow.
        case afterException(type: String, message: String)
        case chained
    }

    private var state = State.idle
    private var seenTypes: Set<String> = []
    private var reportTimes: [Double] = []
    private var lastBurstAlert: Double?
    /// Reports (chains counted once) seen so far, per exception type.
    public private(set) var counts: [String: Int] = [:]

    public init(burstCount: Int = 10, burstWindowSeconds: Double = 2) {
        self.burstCount = burstCount
        self.burstWindowSeconds = burstWindowSeconds
    }

    /// Feeds one line read at `time` (seconds, any monotonic origin) and returns the alerts it raises.
    public mutating func feed(_ line: String, at time: Double, source: String) -> [MonitorAlert] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        switch state {
        case .idle:
            if trimmed == "Traceback (most recent call last):" { state = .inTraceback }
            return []
        case .chained:
            if trimmed == "Traceback (most recent call last):" { state = .inTraceback }
            return []
        case .inTraceback:
            if line.hasPrefix(" ") || line.hasPrefix("\t") || trimmed.isEmpty || trimmed.hasPrefix("[Previous line repeated") {
                return []
            }
            if let (type, message) = Self.exceptionLine(trimmed) {
                state = .afterException(type: type, message: message)
            } else {
                // Not CPython's form after all: drop it rather than guess.
                state = .idle
            }
            return []
        case .afterException(let type, let message):
            if trimmed.isEmpty { return [] }
            if trimmed.hasPrefix("During handling of the above exception") || trimmed.hasPrefix("The above exception was the direct cause") {
                state = .chained
                return []
            }
            var alerts = finishReport(type: type, message: message, at: time, source: source)
            state = .idle
            // The line that ended the report may itself start the next one.
            alerts += feed(line, at: time, source: source)
            return alerts
        }
    }

    /// Ends a report still open when the log stops (the last lines of a log so far).
    public mutating func flush(at time: Double, source: String) -> [MonitorAlert] {
        guard case .afterException(let type, let message) = state else { return [] }
        state = .idle
        return finishReport(type: type, message: message, at: time, source: source)
    }

    private mutating func finishReport(type: String, message: String, at time: Double, source: String) -> [MonitorAlert] {
        var alerts: [MonitorAlert] = []
        counts[type, default: 0] += 1
        if seenTypes.insert(type).inserted {
            let detail = message.isEmpty ? "" : ": " + String(message.prefix(160))
            alerts.append(MonitorAlert(kind: .newException, source: source, text: "new exception type \(type)\(detail)"))
        }
        reportTimes.append(time)
        reportTimes.removeAll { $0 < time - burstWindowSeconds }
        // One burst alert per window, however long the burst lasts.
        if reportTimes.count >= burstCount, lastBurstAlert.map({ time - $0 >= burstWindowSeconds }) ?? true {
            lastBurstAlert = time
            alerts.append(
                MonitorAlert(
                    kind: .tracebackBurst, source: source,
                    text: "traceback burst: \(reportTimes.count) tracebacks within \(NumberFormat.short(burstWindowSeconds)) s (latest \(type))"))
        }
        return alerts
    }

    /// `module.Type: message` or `Type` → (type, message), when the line looks like one.
    static func exceptionLine(_ line: String) -> (String, String)? {
        let head: Substring
        let message: String
        if let colon = line.firstIndex(of: ":") {
            head = line[..<colon]
            message = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        } else {
            head = Substring(line)
            message = ""
        }
        guard let first = head.first, first.isLetter || first == "_",
            head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
        else { return nil }
        return (String(head), message)
    }
}
