import Artifacts
import Foundation

/// Everything a load run needs that stays the same across its phases.
public struct LoadConfiguration: Sendable {
    /// The base URL; plan paths are appended to it. Checked by ``TargetGuard``.
    public var target: URL
    public var plan: LoadPlan
    /// Per-request timeout, from send to the end of the response.
    public var timeoutSeconds: Double
    /// Picks requests, flows and parameter values, so runs are reproducible.
    public var seed: UInt64
    /// Connections the client may open to the target; requests beyond wait in its queue.
    public var maxConnections: Int
    /// Response bytes kept for `extract:` pointers; the rest is counted and dropped.
    public var maxResponseBodyBytes: Int
    /// Sending to a non-loopback target was explicitly allowed (`--allow-remote`).
    public var allowRemote: Bool

    public init(
        target: URL, plan: LoadPlan, timeoutSeconds: Double = 10, seed: UInt64 = 1, maxConnections: Int = 64,
        maxResponseBodyBytes: Int = 1 << 20, allowRemote: Bool = false
    ) {
        self.target = target
        self.plan = plan
        self.timeoutSeconds = timeoutSeconds
        self.seed = seed
        self.maxConnections = maxConnections
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.allowRemote = allowRemote
    }
}

/// How a phase offers load.
public enum LoadShape: Sendable, Equatable {
    /// A fixed number of virtual users, each sending its next request when the last one ends.
    case closed(concurrency: Int)
    /// Units (requests or flows) start at fixed intervals; latency counts from the scheduled instant.
    /// At most `maxInFlight` requests are outstanding; later units wait, and their wait is latency too.
    case open(rps: Double, maxInFlight: Int)

    public var model: LoadModel {
        if case .open = self { return .open }
        return .closed
    }
}

/// One phase of a run (`baseline`, `chaos`, `ramp-<rate>`): its shape and when it ends.
public struct PhaseSpec: Sendable {
    public var name: String
    /// The chaos settings in force, recorded in the phase entry of load-results.json.
    public var settings: JSONValue
    public var shape: LoadShape
    /// Stop after this many requests (flow steps count one each).
    public var requests: Int?
    /// Stop sending after this many seconds.
    public var durationSeconds: Double?
    /// Seconds to wait for in-flight requests after a stop signal before cutting them off.
    public var graceSeconds: Double

    public init(
        name: String, settings: JSONValue = .null, shape: LoadShape, requests: Int? = nil,
        durationSeconds: Double? = nil, graceSeconds: Double = 2
    ) {
        self.name = name
        self.settings = settings
        self.shape = shape
        self.requests = requests
        self.durationSeconds = durationSeconds
        self.graceSeconds = graceSeconds
    }
}

/// What a phase produced.
public struct PhaseResult: Sendable {
    public var name: String
    /// Per endpoint key plus `"*"`; empty for an unrecorded phase (warm-up).
    public var summary: [String: EndpointSummary]
    /// Requests that completed (recorded or not).
    public var completed: Int
    /// The phase was stopped by a ``StopSignal`` rather than by its request count or duration.
    public var interrupted: Bool
    /// Problems that did not stop the phase, such as a flow whose extract pointer found nothing.
    public var notes: [String]
}
