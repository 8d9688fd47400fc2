import Artifacts

/// A dependency's exception that the app lets escape: requests in which a dependency point raised
/// the library's exception were answered with a 500.
///
/// Fires for a point when at least `minimumSample` requests had it raise and at least
/// `unhandledShare` of them got a 500 (an app that catches the error answers something else: a
/// fallback, a 4xx, or a deliberate 502/503). Impact: that share × the traffic share of the
/// endpoints the exception reached.
enum UnhandledDependencyErrorDetector {
    static func detect(_ context: AnalysisContext) -> [Finding] {
        let thresholds = context.thresholds
        var raisedIn: [String: Set<Int>] = [:]
        var exceptions: [String: [String]] = [:]
        for firing in context.firings where firing.raisesException {
            guard let request = firing.request, context.points[firing.point]?.kind == .dependency else { continue }
            raisedIn[firing.point, default: []].insert(request)
            exceptions[firing.point, default: []].append(firing.exception ?? "")
        }
        var findings: [Finding] = []
        for (pointId, requests) in raisedIn.sorted(by: { $0.key < $1.key }) {
            guard let point = context.points[pointId], requests.count >= thresholds.minimumSample else { continue }
            let answered = requests.map { context.requests.requests[$0] }
            let internalErrors = answered.filter { $0.status == 500 }.count
            let other5xx = answered.filter { ($0.status ?? 0) > 500 }.count
            let transport = answered.filter { $0.error != nil && $0.status == nil }.count
            let share = Double(internalErrors) / Double(requests.count)
            guard share >= thresholds.unhandledShare else { continue }

            let endpoints = Set(answered.map(\.endpoint))
            let impact = min(1, share * context.trafficShare(endpoints))
            // The tracebacks of these exceptions: the runtime's message names the point's id.
            let ids = Set(answered.map(\.id))
            let traces = context.tracebacks.filter { trace in
                trace.message.contains(pointId) || trace.requestIds.contains(where: ids.contains)
            }
            var locations = [context.location(of: point)]
            if let deepest = mostCommon(traces.compactMap(\.location)) { locations.append(deepest) }
            // Where the exception left the app's code: the handler, where it can still be answered well.
            if let outermost = mostCommon(traces.compactMap(\.appFrames.first)) { locations.append(outermost) }
            let dependency = context.dependency(of: point)
            let callee = point.fault.callee ?? dependency?.callee ?? point.function
            findings.append(
                Finding(
                    kind: .unhandledDependencyError,
                    title: "\(callee) errors surface as 500 responses in \(point.function)",
                    impact: impact, endpoints: context.endpointKeys(endpoints), points: [pointId],
                    locations: locations.uniqued(), evidenceKind: .measured,
                    evidence: [
                        "requests_raised": .int(requests.count),
                        "answered_500": .int(internalErrors),
                        "answered_other_5xx": .int(other5xx),
                        "transport_errors": .int(transport),
                        "handled": .int(requests.count - internalErrors - other5xx - transport),
                        "share_500": .number(share),
                        "traffic_share": .number(context.trafficShare(endpoints)),
                        "exceptions": Stats.histogram(exceptions[pointId] ?? []),
                        "library": .string(point.fault.library ?? dependency?.library ?? ""),
                        "tracebacks": .int(traces.count),
                        "sample_request_ids": .strings(Array(answered.filter { $0.status == 500 }.map(\.id).sorted().prefix(5))),
                    ]))
        }
        return findings
    }

    static func mostCommon(_ locations: [SourceLocation]) -> SourceLocation? {
        var counts: [SourceLocation: Int] = [:]
        for location in locations { counts[location, default: 0] += 1 }
        return counts.max { lhs, rhs in
            lhs.value != rhs.value
                ? lhs.value < rhs.value : (lhs.key.file, lhs.key.line) > (rhs.key.file, rhs.key.line)
        }?.key
    }
}
