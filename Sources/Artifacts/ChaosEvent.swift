import Foundation

/// One line of `events.jsonl`, as the Python runtime writes it: a fault that fired, or a
/// settings reload (CONTRACTS.md, "The runtime").
public struct ChaosEvent: Codable, Sendable, Equatable {
    public var timeUnixNs: Int
    /// The point's id (or its short form); nil on a settings line.
    public var point: String?
    /// `latency`, `exception`, `status`, `dependency`...; nil on a settings line.
    public var fault: String?
    /// The `X-Chaos-Request-Id` of the request the fault fired in, when there was one.
    public var requestId: String?
    public var delayUs: Int?
    /// The exception raised, as `module.Class`, when the fault raised one.
    public var exception: String?
    public var pid: Int?
    /// Present on the line written when the runtime (re)loads its settings.
    public var settings: JSONValue?
    /// The service that wrote the line (`$CHAOS_TEST_SERVICE`); nil for the app itself.
    public var service: String?
    /// What a `memory` fault really held, after the cap.
    public var memoryMb: Int?
    /// The CPU time a `cpu` fault burned (its `delay_us` is the wall time that took).
    public var cpuUs: Int?
    /// The pytest node id of the test running when the fault fired (`run --pytest` loads the
    /// runtime as a pytest plugin); nil outside a test run.
    public var test: String?

    enum CodingKeys: String, CodingKey {
        case point, fault, exception, pid, settings, service, test
        case memoryMb = "memory_mb"
        case cpuUs = "cpu_us"
        case timeUnixNs = "time_unix_ns"
        case requestId = "request_id"
        case delayUs = "delay_us"
    }

    public init(
        timeUnixNs: Int, point: String?, fault: String?, requestId: String?, delayUs: Int?, exception: String?,
        pid: Int?, settings: JSONValue? = nil, test: String? = nil
    ) {
        self.test = test
        self.timeUnixNs = timeUnixNs
        self.point = point
        self.fault = fault
        self.requestId = requestId
        self.delayUs = delayUs
        self.exception = exception
        self.pid = pid
        self.settings = settings
    }

    /// Reads an events file line by line; lines that are not events (a torn last line after a
    /// crash) are counted, not fatal.
    public static func read(_ url: URL) throws -> (events: [ChaosEvent], unreadableLines: Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], 0) }
        let data = try Data(contentsOf: url)
        var events: [ChaosEvent] = []
        var bad = 0
        let decoder = JSONDecoder()
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            if let event = try? decoder.decode(ChaosEvent.self, from: line) { events.append(event) } else { bad += 1 }
        }
        return (events, bad)
    }
}
