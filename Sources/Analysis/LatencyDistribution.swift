import Histogram

/// Latencies of a set of requests and their nearest-rank percentiles, from an HDR histogram with
/// 3 significant digits (CONTRACTS.md "Percentiles"), the same way the load stage summarizes them.
struct LatencyDistribution {
    /// One hour, as the load recorder uses: anything longer is clamped to it.
    static let highestTrackableUs: UInt64 = 3_600_000_000

    private var histogram = Histogram<UInt64>(
        highestTrackableValue: LatencyDistribution.highestTrackableUs, numberOfSignificantValueDigits: .three)
    private(set) var count = 0

    init() {}

    init<S: Sequence>(_ latenciesUs: S) where S.Element == Int {
        for value in latenciesUs { record(value) }
    }

    mutating func record(_ latencyUs: Int) {
        count += 1
        _ = histogram.record(Swift.min(UInt64(Swift.max(0, latencyUs)), Self.highestTrackableUs))
    }

    /// The nearest-rank value at `percentile` (0–100): the smallest recorded value that at least
    /// `percentile`% of the values are at or below, to 3 significant digits; 0 when empty.
    func percentile(_ percentile: Double) -> Int {
        count == 0 ? 0 : Int(histogram.valueAtPercentile(percentile))
    }

    var median: Int { percentile(50) }

    /// The exact largest value recorded.
    var max: Int { count == 0 ? 0 : Int(histogram.maxRecorded) }
}
