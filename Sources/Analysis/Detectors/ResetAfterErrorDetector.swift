import Artifacts

/// Connection resets that follow the app's own 500s. After an unhandled exception, Starlette
/// answers 500 and uvicorn then closes the keep-alive connection without `Connection: close`, so
/// the client's next request on it fails with a reset: every unhandled exception costs a second,
/// unrelated request. A deliberate 502/503 does not close the connection.
///
/// A request counts as "right after a 500" when it was sent within `followOnWindowUs` after a
/// 500 answer ended. Fires when at least `minimumSample` resets (or malformed answers) came right
/// after a 500, and Fisher's exact test says requests right after a 500 fail at the connection
/// more often than the others (p < 0.001). Located at the handlers of the endpoints whose 500s
/// came just before them, most first. Impact: those resets / all requests.
enum ResetAfterErrorDetector {
    static func detect(_ context: AnalysisContext) -> [Finding] {
        let requests = context.requests.requests
        let followOn = FollowOnWindow(context) { _, request in request.status == 500 }
        guard !followOn.isEmpty else { return [] }

        var inWindow = (resets: 0, total: 0)
        var outside = (resets: 0, total: 0)
        var culprits: [Int: Int] = [:]
        var victims: [Int] = []
        for (index, request) in requests.enumerated() {
            let isReset = request.error == .reset || request.error == .malformed
            if let source = followOn.source(ofRequestSentAt: request.sentNs) {
                inWindow.total += 1
                if isReset {
                    inWindow.resets += 1
                    victims.append(index)
                    culprits[requests[source].endpoint, default: 0] += 1
                }
            } else {
                outside.total += 1
                if isReset { outside.resets += 1 }
            }
        }
        guard inWindow.resets >= context.thresholds.minimumSample else { return [] }
        let rateIn = Double(inWindow.resets) / Double(inWindow.total)
        let rateOut = outside.total > 0 ? Double(outside.resets) / Double(outside.total) : 0
        let p = Significance.fisher(inWindow.resets, inWindow.total, outside.resets, outside.total)
        guard rateIn > rateOut, p < 0.001 else { return [] }

        let ranked = culprits.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let locations = ranked.compactMap { context.routes[$0.key] }.map {
            SourceLocation(file: $0.file, line: $0.line, function: $0.function)
        }
        let victimEndpoints = Set(victims.map { requests[$0].endpoint })
        let title = "\(inWindow.resets) requests failed with a connection reset right after a 500 "
            + "(the server closes keep-alive connections after an unhandled exception)"
        return [
            Finding(
                kind: .resetAfterError, title: title,
                impact: min(1, Double(inWindow.resets) / Double(requests.count)),
                endpoints: context.endpointKeys(victimEndpoints.union(culprits.keys)), points: [],
                locations: locations.uniqued(), evidenceKind: .measured,
                evidence: [
                    "resets_after_500": .int(inWindow.resets),
                    "requests_after_500": .int(inWindow.total),
                    "resets_elsewhere": .int(outside.resets),
                    "requests_elsewhere": .int(outside.total),
                    "reset_rate_after_500": .number(rateIn),
                    "reset_rate_elsewhere": .number(rateOut),
                    "p_value": .double(p),
                    "window_us": .int(context.thresholds.followOnWindowUs),
                    "after_500s_of": .object(Dictionary(
                        ranked.map { (context.requests.endpoints[$0.key], JSONValue.int($0.value)) },
                        uniquingKeysWith: { a, _ in a })),
                    "sample_request_ids": .strings(Array(victims.prefix(5).map { requests[$0].id })),
                ]),
        ]
    }
}
