import Artifacts

/// Errors no injected fault explains: real bugs found under load, in the baseline as in the chaos
/// phase.
///
/// An error (5xx or transport error) counts when no fault fired in its request, the request did
/// not overlap a blocking window (the event-loop pattern's doing), and it is not a reset, refused
/// or malformed answer sent within `followOnWindowUs` after a faulted request failed (the server
/// closed the connection they shared). Those two are counted as `indirect`. One finding per endpoint with at least one such error. Locations: the deepest
/// app frames of the tracebacks that are not the runtime's and belong to the endpoint (by request
/// id when the log ties them, else because the endpoint's handler is one of their frames); the
/// handler's `def` when no traceback matches. Impact: the largest, over the phases, of the
/// endpoint's unattributed errors / all requests of that phase (error rate × traffic share).
enum UnattributedErrorsDetector {
    static func detect(_ context: AnalysisContext, blockingWindows: [EventLoopBlockingDetector.Window]) -> [Finding] {
        let isIndirect = indirectCause(context, blockingWindows: blockingWindows)
        var errors: [Int: [Int]] = [:]
        var indirect: [Int: Int] = [:]
        var phaseTotals: [Int: Int] = [:]
        for (index, request) in context.requests.requests.enumerated() {
            phaseTotals[request.phase, default: 0] += 1
            guard request.isError, !context.isFaulted(index) else { continue }
            if isIndirect(request) {
                indirect[request.endpoint, default: 0] += 1
            } else {
                errors[request.endpoint, default: []].append(index)
            }
        }
        let realTracebacks = context.tracebacks.filter { !$0.injected }
        var findings: [Finding] = []
        for (endpoint, indexes) in errors.sorted(by: { $0.key < $1.key }) {
            let key = context.requests.endpoints[endpoint]
            let requests = indexes.map { context.requests.requests[$0] }
            let ids = Set(requests.map(\.id))
            var byPhase: [String: Int] = [:]
            var impact = 0.0
            for phase in Set(requests.map(\.phase)) {
                let count = requests.filter { $0.phase == phase }.count
                byPhase[context.requests.phases[phase]] = count
                impact = max(impact, Double(count) / Double(max(1, phaseTotals[phase] ?? 0)))
            }
            let route = context.routes[endpoint]
            let traces = realTracebacks.filter { trace in
                if trace.requestIds.contains(where: ids.contains) { return true }
                guard trace.requestIds.isEmpty, let route else { return false }
                return trace.appFrames.contains { $0.file == route.file && $0.function == route.function }
            }
            var counted: [SourceLocation: Int] = [:]
            for location in traces.compactMap(\.location) { counted[location, default: 0] += 1 }
            var locations = counted.sorted {
                $0.value != $1.value ? $0.value > $1.value : ($0.key.file, $0.key.line) < ($1.key.file, $1.key.line)
            }.map(\.key)
            if let route { locations.append(SourceLocation(file: route.file, line: route.line, function: route.function)) }
            let statuses = requests.map { $0.status.map(String.init) ?? ($0.error?.rawValue ?? "none") }
            findings.append(
                Finding(
                    kind: .unattributedErrors,
                    title: "\(key) fails with no injected cause",
                    impact: min(1, impact), endpoints: [key], points: [], locations: locations.uniqued(),
                    evidenceKind: .measured,
                    evidence: [
                        "errors": .int(requests.count),
                        "by_phase": .object(byPhase.mapValues { .int($0) }),
                        "statuses": Stats.histogram(statuses),
                        "indirect": .int(indirect[endpoint] ?? 0),
                        "exceptions": Stats.histogram(traces.map(\.exception)),
                        "tracebacks": .int(traces.count),
                        "sample_request_ids": .strings(Array(requests.map(\.id).prefix(5))),
                    ]))
        }
        return findings
    }

    /// Whether an unfaulted error is a fault's doing all the same: it overlapped a blocking
    /// window, or it is a connection-level failure right after a faulted request failed (uvicorn
    /// closes a connection after an unhandled exception, and the client's next request on it is
    /// reset).
    ///
    /// With `afterAnyServerError`, a connection-level failure right after any 5xx counts, faulted
    /// or not: the server closes the connection after its own errors just the same.
    static func indirectCause(
        _ context: AnalysisContext, blockingWindows: [EventLoopBlockingDetector.Window], afterAnyServerError: Bool = false
    ) -> (RequestLog.Request) -> Bool {
        let merged = EventLoopBlockingDetector.merge(blockingWindows)
        let followOn = FollowOnWindow(context) { index, request in
            afterAnyServerError ? (request.status ?? 0) >= 500 : context.isFaulted(index) && request.isError
        }
        return { request in
            if EventLoopBlockingDetector.overlaps(merged, request.sentNs, request.endNs) { return true }
            guard let error = request.error, error == .reset || error == .refused || error == .malformed else {
                return false
            }
            return followOn.source(ofRequestSentAt: request.sentNs) != nil
        }
    }

    /// How many unfaulted errors a fault explains indirectly, for the notes.
    static func indirectCount(_ context: AnalysisContext, blockingWindows: [EventLoopBlockingDetector.Window]) -> Int {
        let isIndirect = indirectCause(context, blockingWindows: blockingWindows)
        return context.requests.requests.indices.filter { index in
            let request = context.requests.requests[index]
            return request.isError && !context.isFaulted(index) && isIndirect(request)
        }.count
    }
}
