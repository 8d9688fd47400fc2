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
