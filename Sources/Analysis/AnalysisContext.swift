import Artifacts

/// One fault the runtime fired, joined to the request it fired in.
struct Firing {
    /// The point's full id (a short form in the event is resolved through chaos-config.json).
    var point: String
    var fault: String
    /// The index of the request in the ``RequestLog``, when the event's request id is one.
    var request: Int?
    var timeNs: Int
    var delayUs: Int
    /// The exception raised, `module.Class`; nil for a delay.
    var exception: String?

    /// A delay fault: the call slept `delayUs` before going on.
    /// Resource faults (`memory`, `cpu`) are not delays of the call they sit on: they slow the process.
    var isDelay: Bool { exception == nil && delayUs > 0 && fault != "memory" && fault != "cpu" }
    /// A fault that raised the exception the library (or the framework) would raise; `status`
    /// faults are left out, since their 503 is the runtime's own answer, not the app's.
    var raisesException: Bool { exception != nil && fault != "status" }
}

/// What every detector reads: the requests, the faults joined to them, the app's routes and
/// dependency calls, and the reference latencies, computed once.
struct AnalysisContext {
    let requests: RequestLog
    let firings: [Firing]
    /// Request index → indexes into `firings`.
    let firingsByRequest: [Int: [Int]]
    let points: [String: ChaosConfig.Point]
    let scan: ScanResult
    let tracebacks: [ResolvedTraceback]
    let thresholds: AnalysisThresholds
    /// Index of the `baseline` phase, when there was one.
    let baselinePhase: Int?
    /// Endpoint index → the route that serves it, when the scan knows it.
    let routes: [Int: Route]
    /// Endpoint index → median latency of its baseline requests (of its unfaulted requests when
    /// the baseline has none).
    let typicalLatencyUs: [Int: Int]
    /// Endpoint index → the latency above which a request counts as slow.
    let slowThresholdUs: [Int: Int]
    /// Requests in phases other than the baseline (the ones faults can fire in).
    let chaosRequestCount: Int
    /// Endpoint index → requests in phases other than the baseline.
    let chaosRequestsByEndpoint: [Int: Int]

    init(
        requests: RequestLog, events: [ChaosEvent], config: ChaosConfig, scan: ScanResult,
        tracebacks: [ResolvedTraceback], thresholds: AnalysisThresholds
    ) {
        self.requests = requests
        self.scan = scan
        self.tracebacks = tracebacks
        self.thresholds = thresholds
        points = Dictionary(config.points.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let idByShort = Dictionary(config.points.map { ($0.short, $0.id) }, uniquingKeysWith: { first, _ in first })

        var firings: [Firing] = []
        var byRequest: [Int: [Int]] = [:]
        for event in events {
            guard let raw = event.point else { continue }
            let point = points[raw] != nil ? raw : (idByShort[raw] ?? raw)
            let request = event.requestId.flatMap { requests.index(ofId: $0) }
            if let request { byRequest[request, default: []].append(firings.count) }
            firings.append(
                Firing(
                    point: point, fault: event.fault ?? "", request: request, timeNs: event.timeUnixNs,
                    delayUs: event.delayUs ?? 0, exception: event.exception))
        }
        self.firings = firings
        firingsByRequest = byRequest

        baselinePhase = requests.phaseIndex(named: "baseline")
        // The injected app's routes first: a folder may hold several apps with the same paths
        // (pygeoapi's Flask and Starlette apps), and a request went to the one that ran.
        let ofApp = scan.routes.filter { $0.app == config.app }
        let others = scan.routes.filter { $0.app != config.app }
        func lookup(_ candidates: [Route]) -> (String) -> Route? {
            var byKey: [String: Route] = [:]
            var anyByPath: [String: Route] = [:]
            for route in candidates {
                for key in route.endpointKeys where byKey[key] == nil { byKey[key] = route }
                if route.methods.contains("ANY"), anyByPath[route.path] == nil { anyByPath[route.path] = route }
            }
            return { key in
                let path = key.split(separator: " ", maxSplits: 1).last.map(String.init) ?? key
                return byKey[key] ?? anyByPath[path] ?? Self.route(matchingShapeOf: key, in: candidates)
            }
        }
        let inApp = lookup(ofApp)
        let elsewhere = lookup(others)
        var routes: [Int: Route] = [:]
        for (index, key) in requests.endpoints.enumerated() {
            if let route = inApp(key) ?? elsewhere(key) { routes[index] = route }
        }
        self.routes = routes

        var baseline: [Int: LatencyDistribution] = [:]
        var unfaulted: [Int: LatencyDistribution] = [:]
        var chaosCount = 0
        var chaosByEndpoint: [Int: Int] = [:]
        for (index, request) in requests.requests.enumerated() {
            if request.phase == baselinePhase {
                baseline[request.endpoint, default: LatencyDistribution()].record(request.latencyUs)
            } else {
                chaosCount += 1
                chaosByEndpoint[request.endpoint, default: 0] += 1
                if byRequest[index] == nil, !request.isError {
                    unfaulted[request.endpoint, default: LatencyDistribution()].record(request.latencyUs)
                }
            }
        }
        chaosRequestCount = chaosCount
        chaosRequestsByEndpoint = chaosByEndpoint
        var typical: [Int: Int] = [:]
        var slow: [Int: Int] = [:]
        for endpoint in requests.endpoints.indices {
            guard let reference = baseline[endpoint] ?? unfaulted[endpoint], reference.count > 0 else { continue }
            let median = reference.median
            typical[endpoint] = median
            slow[endpoint] = max(reference.percentile(99), 2 * median, median + thresholds.slowMarginUs)
        }
        typicalLatencyUs = typical
        slowThresholdUs = slow
    }

    /// The route whose path has the same literal segments and parameters in the same places, for
    /// a plan that named a parameter differently (`{booking}` for the scan's `{booking_id}`).
    static func route(matchingShapeOf key: String, in routes: [Route]) -> Route? {
        let parts = key.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        func shape(_ path: Substring) -> [String] {
            path.split(separator: "/").map { $0.hasPrefix("{") && $0.hasSuffix("}") ? "{}" : String($0) }
        }
        let wanted = shape(parts[1])
        // A leading run-time prefix counts at its default, empty (what scan plans send).
        let matches = routes.filter { route in
            (route.methods.contains(String(parts[0])) || route.methods.contains("ANY"))
                && shape(Substring(route.defaultPrefixPath ?? route.path)) == wanted
        }
        return matches.count == 1 ? matches[0] : nil
    }

    // MARK: - Lookups the detectors share

    func firings(of request: Int) -> [Firing] { (firingsByRequest[request] ?? []).map { firings[$0] } }

    func isFaulted(_ request: Int) -> Bool { firingsByRequest[request] != nil }

    /// The scan's dependency call a point guards: same file and line, the same callee when several
    /// calls share the line.
    func dependency(of point: ChaosConfig.Point) -> DependencyCall? {
        let candidates = scan.dependencies.filter { $0.file == point.file && $0.line == point.line }
        return candidates.first { $0.callee == point.fault.callee } ?? candidates.first
    }

    func location(of point: ChaosConfig.Point) -> SourceLocation {
        SourceLocation(file: point.file, line: point.line, function: point.function)
    }

    /// Requests to these endpoints as a share of all requests outside the baseline (of all
    /// requests, when there were none).
    func trafficShare(_ endpoints: Set<Int>) -> Double {
        if chaosRequestCount > 0 {
            let count = endpoints.reduce(0) { $0 + (chaosRequestsByEndpoint[$1] ?? 0) }
            return Double(count) / Double(chaosRequestCount)
        }
        guard !requests.requests.isEmpty else { return 0 }
        let count = requests.requests.reduce(0) { $0 + (endpoints.contains($1.endpoint) ? 1 : 0) }
        return Double(count) / Double(requests.requests.count)
    }

    /// The load's endpoints a scan endpoint key stands for (the same key, or the same route).
    func endpoints(forRouteKey key: String) -> Set<Int> {
        var found = Set<Int>()
        if let exact = requests.endpointIndex(of: key) { found.insert(exact) }
        for (endpoint, route) in routes where route.endpointKeys.contains(key) { found.insert(endpoint) }
        return found
    }

    func endpointKeys(_ endpoints: Set<Int>) -> [String] { endpoints.map { requests.endpoints[$0] }.sorted() }

    /// An extra latency as a share of the latency budget, in [0, 1].
    func latencyImpact(_ extraUs: Int) -> Double {
        min(1, max(0, Double(extraUs) / Double(thresholds.latencyBudgetUs)))
    }

    /// Whether a route's handler reaches `dependency` on the event loop: the handler is `async`
    /// and the path to the call hands nothing to a thread pool.
    func runsOnEventLoop(_ dependency: DependencyCall, endpoint: Int) -> Bool {
        guard let route = routes[endpoint], route.isAsync else { return false }
        let key = scanKey(of: endpoint)
        if let via = dependency.reachedVia?.first(where: { $0.route == key }) { return !via.offloaded }
        return dependency.routes.contains(key)
    }

    /// The scan's key for a load endpoint: the same, unless the plan named a parameter differently.
    func scanKey(of endpoint: Int) -> String {
        let key = requests.endpoints[endpoint]
        guard let route = routes[endpoint], !route.endpointKeys.contains(key) else { return key }
        let method = key.split(separator: " ").first.map(String.init) ?? ""
        return route.endpointKeys.first { $0.hasPrefix(method + " ") } ?? route.endpointKeys.first ?? key
    }
}
