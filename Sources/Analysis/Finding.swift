import Artifacts

/// A pattern before ranking: what a detector found, without id or severity.
struct Finding {
    var kind: PatternKind
    var title: String
    /// In [0, 1].
    var impact: Double
    var endpoints: [String]
    var points: [String]
    var locations: [SourceLocation]
    var evidenceKind: EvidenceKind
    var evidence: [String: JSONValue]
}

extension Array where Element == SourceLocation {
    /// Keeps the first of each file and line.
    func uniqued() -> [SourceLocation] {
        var seen = Set<String>()
        return filter { seen.insert("\($0.file):\($0.line)").inserted }
    }
}

/// Small exact statistics over raw values, for evidence numbers that may be negative (a
/// difference) or come from a handful of requests.
enum Stats {
    /// Nearest-rank percentile (0–100) of the values; 0 when empty.
    static func nearestRank(_ values: [Int], _ percentile: Double) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count, Swift.max(1, rank)) - 1]
    }

    static func median(_ values: [Int]) -> Int { nearestRank(values, 50) }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[(sorted.count - 1) / 2]
    }

    /// Rounds to 3 decimals so evidence reads cleanly and stays byte-stable.
    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    /// Counts of each string, as a JSON object.
    static func histogram<S: Sequence>(_ values: S) -> JSONValue where S.Element == String {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return .object(counts.mapValues { .int($0) })
    }
}

extension JSONValue {
    static func number(_ value: Double) -> JSONValue { .double(Stats.rounded(value)) }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
}
