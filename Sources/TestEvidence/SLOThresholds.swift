/// The SLO each endpoint is checked against in the JUnit output (`--max-error-rate`, `--max-p99`).
public struct SLOThresholds: Sendable, Equatable {
    /// In [0, 1].
    public var maxErrorRate: Double
    public var maxP99Us: Int

    public init(maxErrorRate: Double = 0.01, maxP99Us: Int = 2_000_000) {
        self.maxErrorRate = maxErrorRate
        self.maxP99Us = maxP99Us
    }
}
