import Analysis
import Artifacts
import Foundation

/// One run's chaos-phase requests, per endpoint: what the tests need beyond the summary figures.
struct ChaosSample {
    struct Request {
        var failed: Bool
        var latencyUs: Int
    }

    /// Endpoint → record id → request, plus `*` for all of them.
    var endpoints: [String: [String: Request]] = [:]

    static let phase = "chaos"

    /// Reads `load-results.json` in `folder` as a stream; nil when the file is missing.
    static func load(_ folder: URL) throws(ComparisonError) -> ChaosSample? {
        let url = folder.appendingPathComponent("load-results.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var sample = ChaosSample()
        do {
            try LoadResultsReader(url: url).forEachRecord { record in
                guard record.phase == phase else { return }
                // The error definition of the analysis (CONTRACTS.md): 5xx and transport errors.
                let request = Request(
                    failed: record.error != nil || (record.status ?? 0) >= 500, latencyUs: record.latencyUs)
                sample.endpoints[record.endpoint, default: [:]][record.id] = request
                sample.endpoints[EndpointSummary.overallKey, default: [:]][record.id] = request
            }
        } catch {
            throw ComparisonError("\(error) Compare needs the run folders as `chaos-test run` wrote them.")
        }
        return sample
    }

    /// The error-rate test for one endpoint: McNemar on the requests both runs share an id for
    /// (the same logical request drew the same faults under one seed), or else the unpaired
    /// two-proportion test. Returns the p-value and the number of pairs used.
    static func errorRateTest(_ before: [String: Request], _ after: [String: Request], paired: Bool) -> (p: Double, pairs: Int?) {
        if paired {
            var onlyBefore = 0
            var onlyAfter = 0
            var pairs = 0
            for (id, old) in before {
                guard let new = after[id] else { continue }
                pairs += 1
                if old.failed && !new.failed { onlyBefore += 1 }
                if new.failed && !old.failed { onlyAfter += 1 }
            }
            // Pairing stands in for the whole sample only when it covers most of both runs.
            if pairs >= 20, Double(pairs) >= 0.8 * Double(min(before.count, after.count)) {
                return (Significance.mcNemar(onlyBefore: onlyBefore, onlyAfter: onlyAfter), pairs)
            }
        }
        let x1 = before.values.filter(\.failed).count
        let x2 = after.values.filter(\.failed).count
        return (Significance.twoProportions(x1, before.count, x2, after.count), nil)
    }

    /// The tail test for one endpoint: do the two runs differ in the share of requests slower than
    /// a tail quantile of both together? Fisher's exact test, so a p99 made of two requests is not
    /// a finding. The quantile is p99, lowered (to p90 at most) until 10 requests lie above it:
    /// with 1% of a few hundred requests above the line, even a tenfold slower tail could not
    /// be told from chance.
    static func tailTest(_ before: [String: Request], _ after: [String: Request]) -> Double {
        let all = (before.values.map(\.latencyUs) + after.values.map(\.latencyUs)).sorted()
        guard !all.isEmpty else { return 1 }
        let quantile = max(0.90, min(0.99, 1 - 10 / Double(all.count)))
        let threshold = all[max(0, Int((Double(all.count) * quantile).rounded(.up)) - 1)]
        let x1 = before.values.filter { $0.latencyUs > threshold }.count
        let x2 = after.values.filter { $0.latencyUs > threshold }.count
        return Significance.fisher(x1, before.count, x2, after.count)
    }
}
