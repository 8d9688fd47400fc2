import Artifacts

/// A dependency call with no timeout: a request in which the point delayed the call by d takes
/// about its endpoint's typical latency + d, so it waited out the whole delay.
///
/// For each request where the point delayed its call (and no fault raised), the extra latency is
/// its latency − the endpoint's typical (baseline median) latency − delays other points added.
/// The request waited when extra ≥ `waitedFraction` × d. Fires when at least `minimumSample`
/// requests were delayed, at least `waitedShare` of them waited, and the slope of extra over d
/// (through the origin) is at most `maximumSlope`; the slope and R² are reported. Impact: the traffic share of the endpoints × the
/// median extra latency over the latency budget. Points whose call sets a timeout are skipped:
/// the runtime sleeps before the call, where the call's own timeout cannot cut the delay.
enum NoTimeoutDetector {
    static func detect(_ context: AnalysisContext, notes: inout [String]) -> [Finding] {
        let thresholds = context.thresholds
        // Point → request → the delay it added there (a retry in one request adds up).
        var delays: [String: [Int: Int]] = [:]
        for firing in context.firings where firing.isDelay {
            guard let request = firing.request, context.points[firing.point]?.kind == .dependency else { continue }
            delays[firing.point, default: [:]][request, default: 0] += firing.delayUs
        }
        var findings: [Finding] = []
        var skippedWithTimeout: [String] = []
        for (pointId, byRequest) in delays.sorted(by: { $0.key < $1.key }) {
            guard let point = context.points[pointId] else { continue }
            let dependency = context.dependency(of: point)
            var samples: [(delay: Int, extra: Int, endpoint: Int)] = []
            for (index, delay) in byRequest.sorted(by: { $0.key < $1.key }) {
                let fired = context.firings(of: index)
                guard !fired.contains(where: \.raisesException) else { continue }
                let request = context.requests.requests[index]
                guard let typical = context.typicalLatencyUs[request.endpoint] else { continue }
                let others = fired.filter { $0.point != pointId && $0.isDelay }.reduce(0) { $0 + $1.delayUs }
                samples.append((delay, request.latencyUs - typical - others, request.endpoint))
            }
            guard samples.count >= thresholds.minimumSample else { continue }
            if dependency?.hasTimeout == true {
                skippedWithTimeout.append("\(point.file):\(point.line)")
                continue
            }
            let waited = samples.filter { Double($0.extra) >= thresholds.waitedFraction * Double($0.delay) }.count
            let waitedShare = Double(waited) / Double(samples.count)
            guard waitedShare >= thresholds.waitedShare else { continue }

            let sumDD = samples.reduce(0.0) { $0 + Double($1.delay) * Double($1.delay) }
            let sumDE = samples.reduce(0.0) { $0 + Double($1.delay) * Double($1.extra) }
            let slope = sumDD > 0 ? sumDE / sumDD : 0
            guard slope <= thresholds.maximumSlope else { continue }
            let meanExtra = samples.reduce(0.0) { $0 + Double($1.extra) } / Double(samples.count)
            let total = samples.reduce(0.0) { $0 + (Double($1.extra) - meanExtra) * (Double($1.extra) - meanExtra) }
            let residual = samples.reduce(0.0) {
                let error = Double($1.extra) - slope * Double($1.delay)
                return $0 + error * error
            }
            let rSquared = total > 0 ? max(0, 1 - residual / total) : 1
            let endpoints = Set(samples.map(\.endpoint))
            let medianExtra = Stats.median(samples.map(\.extra))
            let impact = min(1, context.trafficShare(endpoints) * context.latencyImpact(medianExtra))

            var locations = [context.location(of: point)]
            if let dependency, let clientLine = dependency.clientLine, clientLine != point.line {
                // A timeout can also be given where the client is made.
                locations.append(SourceLocation(file: dependency.file, line: clientLine, function: dependency.function))
            }
            let callee = point.fault.callee ?? dependency?.callee ?? point.function
            var evidence: [String: JSONValue] = [
                "delayed_requests": .int(samples.count),
                "waited_full_delay": .int(waited),
                "waited_share": .number(waitedShare),
                "slope": .number(slope),
                "r_squared": .number(rSquared),
                "median_delay_us": .int(Stats.median(samples.map(\.delay))),
                "median_extra_latency_us": .int(medianExtra),
                "traffic_share": .number(context.trafficShare(endpoints)),
                "library": .string(point.fault.library ?? dependency?.library ?? ""),
            ]
            if let hasTimeout = dependency?.hasTimeout { evidence["has_timeout"] = .bool(hasTimeout) }
            findings.append(
                Finding(
                    kind: .noTimeout,
                    title: "\(callee) in \(point.function) waits as long as the dependency takes",
                    impact: impact, endpoints: context.endpointKeys(endpoints), points: [pointId],
                    locations: locations.uniqued(), evidenceKind: .measured, evidence: evidence))
        }
        if !skippedWithTimeout.isEmpty {
            notes.append(
                "no-timeout: not judged at \(skippedWithTimeout.joined(separator: ", ")), whose call sets a timeout "
                    + "(an injected delay sleeps before the call, where that timeout cannot cut it)")
        }
        return findings
    }
}
