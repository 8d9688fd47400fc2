import Artifacts

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
