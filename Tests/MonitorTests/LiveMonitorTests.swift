import Artifacts
import Foundation
import Testing

@testable import Monitor

/// The monitor's two outputs: plain alert lines when the output is not a terminal, a redrawn
/// view when it is. The log is real uvicorn output appended while the monitor ticks.
@Suite struct LiveMonitorTests {
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [String] = []
        func write(_ text: String) {
            lock.lock()
            chunks.append(text)
            lock.unlock()
        }
        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return chunks
        }
    }

    final class Figures: @unchecked Sendable {
        private let lock = NSLock()
        private var value: [String: EndpointSummary] = [:]
        func set(_ summary: [String: EndpointSummary]) {
            lock.lock()
            value = summary
            lock.unlock()
        }
        var current: [String: EndpointSummary] {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
    }

    static func figures(count: Int, errors: Int, p99Us: Int) -> EndpointSummary {
        EndpointSummary(
            count: count, ok: count - errors, errors: errors, clientErrors: 0, errorRate: Double(errors) / Double(count),
            p50Us: p99Us / 4, p90Us: p99Us / 2, p95Us: p99Us / 2, p99Us: p99Us, p999Us: p99Us, maxUs: p99Us)
    }

    func withRunFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    func monitor(_ folder: URL, terminal: Bool, captured: Captured, figures: Figures) -> LiveMonitor {
        LiveMonitor(
            output: LiveMonitor.Output(isTerminal: terminal) { captured.write($0) },
            snapshot: { ("chaos", figures.current) }, logsFolder: folder.appendingPathComponent("logs"),
            eventsFile: folder.appendingPathComponent("events.jsonl"),
            thresholds: LiveMonitor.Thresholds(maxErrorRate: 0.05, maxP99Us: 500_000),
            pointNames: ["full-point-id": "ab12cd34 app/main.py:10"])
    }

    @Test func offATerminalOnlyAlertsAreWrittenAsPlainLines() throws {
        try withRunFolder { folder in
            let captured = Captured()
            let figures = Figures()
            let monitor = monitor(folder, terminal: false, captured: captured, figures: figures)
            let log = [UInt8](try Data(contentsOf: LogAnomalyDetectorTests.log))
            let appLog = folder.appendingPathComponent("logs/app.log")
            // First half of the log, healthy figures: only the first exception type.
            // Cut inside the KeyError traceback's exception line ("Key|Error: 2").
            let text = String(decoding: log, as: UTF8.self)
            let half = log.count - text[text.range(of: "Error: 2")!.lowerBound...].utf8.count
            try Data(log[..<half]).write(to: appLog)
            figures.set(["POST /api/bookings": Self.figures(count: 40, errors: 1, p99Us: 100_000)])
            monitor.tick(final: false)
            // The rest of the log, and the endpoint now over both thresholds.
            let handle = try FileHandle(forWritingTo: appLog)
            try handle.seekToEnd()
            try handle.write(contentsOf: log[half...])
            try handle.close()
            let events = #"{"time_unix_ns":1,"point":"full-point-id","fault":"exception","request_id":"chaos-1","delay_us":null,"exception":"RuntimeError","pid":1}"#
            try Data((events + "\n").utf8).write(to: folder.appendingPathComponent("events.jsonl"))
            figures.set(["POST /api/bookings": Self.figures(count: 80, errors: 20, p99Us: 900_000)])
            monitor.tick(final: false)
            monitor.tick(final: true)

            let lines = captured.all.joined().split(separator: "\n").map(String.init)
            #expect(!captured.all.joined().contains("\u{1B}"), "plain mode wrote a terminal escape")
            #expect(lines.allSatisfy { $0.hasPrefix("ALERT [") })
            #expect(lines == [
                "ALERT [new-exception] app: new exception type httpx.ConnectError: All connection attempts failed",
                "ALERT [new-exception] app: new exception type KeyError: 2",
                "ALERT [error-rate] POST /api/bookings: error rate 25.0% > 5.0% in phase chaos (20 of 80)",
                "ALERT [p99] POST /api/bookings: p99 900.0 ms > 500.0 ms in phase chaos",
            ])
        }
    }

    @Test func onATerminalTheViewIsRedrawnInPlace() throws {
        try withRunFolder { folder in
            let captured = Captured()
            let figures = Figures()
            let monitor = monitor(folder, terminal: true, captured: captured, figures: figures)
            try Data(contentsOf: LogAnomalyDetectorTests.log).write(to: folder.appendingPathComponent("logs/app.log"))
            let events = #"{"time_unix_ns":1,"point":"full-point-id","fault":"latency","request_id":"chaos-1","delay_us":5,"exception":null,"pid":1}"#
            try Data((events + "\n" + events + "\n").utf8).write(to: folder.appendingPathComponent("events.jsonl"))
            figures.set(["POST /api/search": Self.figures(count: 30, errors: 0, p99Us: 12_300), "*": Self.figures(count: 30, errors: 0, p99Us: 12_300)])
            monitor.tick(final: false)
            monitor.tick(final: false)
            let frames = captured.all
            #expect(frames.count == 2)
            #expect(!frames[0].hasPrefix("\u{1B}["))
            let firstLines = frames[0].split(separator: "\n").count
            // The second frame moves up over the first and clears before drawing.
            #expect(frames[1].hasPrefix("\u{1B}[\(firstLines)A\u{1B}[J"))
            #expect(frames[1].contains("POST /api/search"))
            #expect(frames[1].contains("12.3"))
            #expect(frames[1].contains("faults fired: ab12cd34 app/main.py:10 2"))
            #expect(frames[1].contains("ALERT [new-exception] app: new exception type KeyError: 2"))
        }
    }
}
