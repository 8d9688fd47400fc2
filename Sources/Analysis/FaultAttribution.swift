import Artifacts

/// Ties failed and slow requests to the faults that fired in them, and sums up what each point did.
enum FaultAttribution {
    /// Each injection point's firings and the requests they touched. Every point of
    /// chaos-config.json is listed, the ones that never fired with zeros.
    static func pointEffects(_ context: AnalysisContext) -> [String: PointEffect] {
        var fired: [String: Int] = [:]
        var affected: [String: Set<Int>] = [:]
        for firing in context.firings {
            fired[firing.point, default: 0] += 1
            if let request = firing.request { affected[firing.point, default: []].insert(request) }
        }
        var effects: [String: PointEffect] = [:]
        for id in Set(context.points.keys).union(fired.keys) {
            let requests = affected[id] ?? []
            let errors = requests.filter { context.requests.requests[$0].isError }.count
            let extra = requests.map { index -> Int in
                let request = context.requests.requests[index]
                return request.latencyUs - (context.typicalLatencyUs[request.endpoint] ?? 0)
            }
            effects[id] = PointEffect(
                fired: fired[id] ?? 0, requestsAffected: requests.count,
                errorRateAffected: requests.isEmpty ? 0 : Double(errors) / Double(requests.count),
                addedLatencyUs: Stats.median(extra))
        }
        return effects
    }

    /// How many failed and slow requests a fault fired in; the ones none fired in are unattributed.
    static func summary(_ context: AnalysisContext, sampleSize: Int = 20) -> AttributionSummary {
        var failed = 0
        var failedAttributed = 0
        var slow = 0
        var slowAttributed = 0
        var byPoint: [String: Int] = [:]
        var unattributedFailed: [String] = []
        var unattributedSlow: [String] = []
        for (index, request) in context.requests.requests.enumerated() {
            let isSlow = context.slowThresholdUs[request.endpoint].map { request.latencyUs > $0 } ?? false
            guard request.isError || isSlow else { continue }
            let points = Set(context.firings(of: index).map(\.point))
            for point in points { byPoint[point, default: 0] += 1 }
            if request.isError {
                failed += 1
                if points.isEmpty {
                    if unattributedFailed.count < sampleSize { unattributedFailed.append(request.id) }
                } else {
                    failedAttributed += 1
                }
            }
            if isSlow {
                slow += 1
                if points.isEmpty {
                    if unattributedSlow.count < sampleSize { unattributedSlow.append(request.id) }
                } else {
                    slowAttributed += 1
                }
            }
        }
        var thresholds: [String: Int] = [:]
        for (endpoint, value) in context.slowThresholdUs { thresholds[context.requests.endpoints[endpoint]] = value }
        return AttributionSummary(
            failed: failed, failedAttributed: failedAttributed, slow: slow, slowAttributed: slowAttributed,
            slowThresholdUs: thresholds, byPoint: byPoint, unattributedFailedRequestIds: unattributedFailed,
            unattributedSlowRequestIds: unattributedSlow)
    }
}
