import Artifacts
import Foundation
import Testing

@testable import Monitor

/// Alerts from real uvicorn output, read the way the monitor reads a log that is being written:
/// in chunks that cut lines in half.
@Suite struct LogAnomalyDetectorTests {
    static let log = Bundle.module.url(forResource: "Fixtures/uvicorn", withExtension: "log")!

    /// Appends `bytes` to a file in pieces of the given sizes, reading new lines after each piece.
    func readGrowing(_ bytes: [UInt8], pieces: [Int]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let reader = IncrementalReader(url: file)
        var lines: [String] = []
        var offset = 0
        var index = 0
        while offset < bytes.count {
            let size = min(pieces[index % pieces.count], bytes.count - offset)
            try handle.write(contentsOf: bytes[offset..<offset + size])
            offset += size
            index += 1
            lines += reader.newLines()
        }
        return lines
    }

    @Test func linesReadWhileTheLogGrowsAreTheLogsLines() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.log))
        let whole = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(try readGrowing(bytes, pieces: [7, 113, 1, 4096, 50]) == whole)
    }

    @Test func eachNewExceptionTypeAlertsOnceAndAChainCountsOnce() throws {
        let lines = try readGrowing([UInt8](try Data(contentsOf: Self.log)), pieces: [333, 17])
        var detector = LogAnomalyDetector()
        var alerts: [MonitorAlert] = []
        for line in lines { alerts += detector.feed(line, at: 0, source: "app") }
        alerts += detector.flush(at: 0, source: "app")
        // httpcore.ConnectError was the direct cause of httpx.ConnectError: one report, named by the last.
        #expect(alerts.map(\.kind) == [.newException, .newException])
        #expect(alerts[0].text == "new exception type httpx.ConnectError: All connection attempts failed")
        #expect(alerts[1].text == "new exception type KeyError: 2")
        #expect(detector.counts == ["httpx.ConnectError": 1, "KeyError": 1])

        // The same log again: nothing new.
        var again: [MonitorAlert] = []
        for line in lines { again += detector.feed(line, at: 1, source: "app") }
        again += detector.flush(at: 1, source: "app")
        #expect(again.isEmpty)
        #expect(detector.counts == ["httpx.ConnectError": 2, "KeyError": 2])
    }

    @Test func aBurstOfTracebacksAlertsOncePerWindow() throws {
        let text = try String(contentsOf: Self.log, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var detector = LogAnomalyDetector(burstCount: 10, burstWindowSeconds: 2)
        var bursts: [MonitorAlert] = []
        // Six copies within a second: 12 reports, one burst alert.
        for copy in 0..<6 {
            for line in lines { bursts += detector.feed(line, at: Double(copy) * 0.1, source: "app").filter { $0.kind == .tracebackBurst } }
        }
        #expect(bursts.count == 1)
        #expect(bursts.first?.text.hasPrefix("traceback burst: 10 tracebacks within 2 s") == true)
        // Slow ones (one copy every 3 s) never burst.
        var slow = LogAnomalyDetector(burstCount: 10, burstWindowSeconds: 2)
        var none: [MonitorAlert] = []
        for copy in 0..<6 {
            for line in lines { none += slow.feed(line, at: 100 + Double(copy) * 3, source: "app").filter { $0.kind == .tracebackBurst } }
        }
        #expect(none.isEmpty)
    }
}
