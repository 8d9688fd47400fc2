import Artifacts

/// Per-endpoint figures of the baseline and chaos phases and their difference.
enum EndpointStatistics {
    private struct Accumulator {
        var requests = 0
        var errors = 0
        var clientErrors = 0
        var statuses: [String: Int] = [:]
        var errorKinds: [String: Int] = [:]
        var latency = LatencyDistribution()

        mutating func add(_ request: RequestLog.Request) {
            requests += 1
            if request.isError { errors += 1 }
            if request.isClientError { clientErrors += 1 }
            statuses[request.status.map(String.init) ?? "none", default: 0] += 1
            if request.isError { errorKinds[(request.error ?? .http5xx).rawValue, default: 0] += 1 }
            latency.record(request.latencyUs)
        }

        var figures: EndpointFigures {
            let total = Double(max(requests, 1))
            return EndpointFigures(
                requests: requests, successRate: Double(requests - errors - clientErrors) / total,
                errorRate: Double(errors) / total, clientErrors: clientErrors, statuses: statuses,
                errorKinds: errorKinds, p50Us: latency.percentile(50), p95Us: latency.percentile(95),
                p99Us: latency.percentile(99), maxUs: latency.max)
        }
    }

    /// `"baseline"` and `"chaos"` figures for each endpoint key and for `"*"`.
    static func compute(_ log: RequestLog) -> [String: EndpointComparison] {
        let baseline = log.phaseIndex(named: "baseline")
        let chaos = log.phaseIndex(named: "chaos")
        var perPhase: [Int: [String: Accumulator]] = [:]
        for request in log.requests where request.phase == baseline || request.phase == chaos {
            let key = log.endpoints[request.endpoint]
            perPhase[request.phase, default: [:]][key, default: Accumulator()].add(request)
            perPhase[request.phase, default: [:]][EndpointSummary.overallKey, default: Accumulator()].add(request)
        }
        var keys = Set(log.endpoints)
        if !log.requests.isEmpty { keys.insert(EndpointSummary.overallKey) }
        var result: [String: EndpointComparison] = [:]
        for key in keys {
            let before = baseline.flatMap { perPhase[$0]?[key]?.figures }
            let after = chaos.flatMap { perPhase[$0]?[key]?.figures }
            guard before != nil || after != nil else { continue }
            var delta: EndpointDelta?
            if let before, let after {
                delta = EndpointDelta(
                    errorRate: after.errorRate - before.errorRate, p50Us: after.p50Us - before.p50Us,
                    p95Us: after.p95Us - before.p95Us, p99Us: after.p99Us - before.p99Us)
            }
            result[key] = EndpointComparison(baseline: before, chaos: after, delta: delta)
        }
        return result
    }
}
