/// The numbers the detectors decide with. Each is a default a test can change, so a fixture can
/// sit just above or just below a threshold.
public struct AnalysisThresholds: Sendable, Equatable {
    /// Fewer affected requests than this say nothing either way.
    public var minimumSample = 3
    /// unhandled-dependency-error: the share of raised dependency faults answered with a 500.
    public var unhandledShare = 0.5
    /// no-timeout: a delayed request "waited" when its extra latency is at least this share of the delay…
    public var waitedFraction = 0.8
    /// …and the pattern holds when at least this share of the delayed requests waited…
    public var waitedShare = 0.8
    /// …and the extra latency grows with the delay at most this fast (slope through the origin):
    /// far above 1, something else (a blocked loop, an overloaded host) made them slow.
    public var maximumSlope = 2.0
    /// event-loop-blocking and thread-pool-exhaustion: the median of the exposed requests must be
    /// at least this many times the median of the others…
    public var slowdownRatio = 2.0
    /// …and at least this much higher.
    public var slowdownMinimumUs = 10_000
    /// AnyIO's default thread pool, which runs FastAPI's and Starlette's `def` endpoints.
    public var threadPoolSize = 40
    /// cascade: an endpoint counts when at least this many of the requests a fault of the
    /// dependency raised in failed…
    public var cascadeMinimumErrors = 2
    /// …and they are at least this share of them.
    public var cascadeErrorShare = 0.5
    /// The latency that counts as a whole unit of impact: extra latency / budget, capped at 1.
    public var latencyBudgetUs = 1_000_000
    /// A request is slow above max(p99, 2 × median, median + this) of its endpoint's baseline.
    public var slowMarginUs = 10_000

    /// A reset, refused or malformed answer sent this soon after a faulted request's 5xx is that
    /// fault's doing (the server closed the connection both used), not a bug of its own.
    public var followOnWindowUs = 50_000

    /// failure-burst: the one-sided p-value of the runs test that says an endpoint's errors
    /// cluster, for all endpoints tested together (Bonferroni).
    public var burstSignificance = 0.001

    public init() {}
}
