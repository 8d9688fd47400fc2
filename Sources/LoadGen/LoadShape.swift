import Artifacts

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
