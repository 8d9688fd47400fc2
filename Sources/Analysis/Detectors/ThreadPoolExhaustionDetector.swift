import Artifacts

/// Thread-pool exhaustion: FastAPI and Starlette run `def` endpoints in AnyIO's pool of
/// `threadPoolSize` (40) threads; once that many such requests are in flight, the next one queues.
///
/// For every request to a `def` endpoint of an ASGI app, the number of other `def`-endpoint
/// requests in flight when it was sent is counted (from the load records' send and end
/// instants). Unfaulted requests sent with ≥ `threadPoolSize` in flight are compared with unfaulted
/// ones sent with fewer. Fires when at least `minimumSample` of each exist and the saturated
/// median is ≥ `slowdownRatio` × the other median and ≥ `slowdownMinimumUs` above it. Impact: the
/// traffic share of the `def` endpoints × the median extra latency over the latency budget.
enum ThreadPoolExhaustionDetector {
    static let pooledFrameworks: Set<Framework> = [.fastapi, .starlette]

    static func detect(_ context: AnalysisContext) -> [Finding] {
        let thresholds = context.thresholds
        let syncEndpoints = Set(
            context.routes.filter { !$0.value.isAsync && pooledFrameworks.contains($0.value.framework) }.keys)
        guard !syncEndpoints.isEmpty else { return [] }
        let pooled = context.requests.requests.indices.filter {
            syncEndpoints.contains(context.requests.requests[$0].endpoint)
        }
        guard pooled.count > thresholds.threadPoolSize else { return [] }
        let starts = pooled.map { context.requests.requests[$0].sentNs }.sorted()
        let ends = pooled.map { context.requests.requests[$0].endNs }.sorted()

        var saturated: [(latency: Int, endpoint: Int)] = []
        var unsaturated: [Int] = []
        var maxInFlight = 0
        for index in pooled {
            let request = context.requests.requests[index]
            // Sent at or before this instant and not yet answered, this request left out.
            let inFlight = countAtOrBelow(request.sentNs, starts) - countAtOrBelow(request.sentNs, ends) - 1
            maxInFlight = max(maxInFlight, inFlight)
            guard !context.isFaulted(index) else { continue }
            if inFlight >= thresholds.threadPoolSize {
                saturated.append((request.latencyUs, request.endpoint))
            } else {
                unsaturated.append(request.latencyUs)
            }
        }
        guard saturated.count >= thresholds.minimumSample, unsaturated.count >= thresholds.minimumSample else {
            return []
        }
        let saturatedLatency = LatencyDistribution(saturated.map(\.latency))
        let otherLatency = LatencyDistribution(unsaturated)
        let saturatedMedian = saturatedLatency.median
        let otherMedian = otherLatency.median
        guard Double(saturatedMedian) >= thresholds.slowdownRatio * Double(otherMedian),
            saturatedMedian - otherMedian >= thresholds.slowdownMinimumUs
        else { return [] }

        let endpoints = Set(saturated.map(\.endpoint))
        let locations = endpoints.sorted().compactMap { endpoint -> SourceLocation? in
            context.routes[endpoint].map { SourceLocation(file: $0.file, line: $0.line, function: $0.function) }
        }
        let share = context.trafficShare(syncEndpoints)
        return [
            Finding(
                kind: .threadPoolExhaustion,
                title: "def endpoints queue for a thread once \(thresholds.threadPoolSize) are in flight",
                impact: min(1, share * context.latencyImpact(saturatedMedian - otherMedian)),
                endpoints: context.endpointKeys(endpoints), points: [], locations: locations.uniqued(),
                evidenceKind: .measured,
                evidence: [
                    "pool_size": .int(thresholds.threadPoolSize),
                    "max_in_flight": .int(maxInFlight),
                    "requests_saturated": .int(saturated.count),
                    "requests_unsaturated": .int(unsaturated.count),
                    "median_saturated_us": .int(saturatedMedian),
                    "median_unsaturated_us": .int(otherMedian),
                    "p95_saturated_us": .int(saturatedLatency.percentile(95)),
                    "p95_unsaturated_us": .int(otherLatency.percentile(95)),
                    "traffic_share": .number(share),
                ])
        ]
    }

    /// How many of the sorted values are ≤ `value`.
    static func countAtOrBelow(_ value: Int, _ sorted: [Int]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
