import Artifacts

/// Per route of the app, whether the load reached it with a 2xx, and why not: the figures a
/// user needs to trust a report about an app the tool has never seen. A report on traffic that
/// never reached the code is a report about nothing.
enum PlanCoverageAnalysis {
    static func coverage(_ context: AnalysisContext, app: String) -> PlanCoverage? {
        let ofApp = context.scan.routes.filter { $0.app == app }
        let routes = ofApp.isEmpty ? context.scan.routes : ofApp
        guard !routes.isEmpty else { return nil }
        struct Key: Hashable {
            var method: String
            var path: String
            var file: String
            var line: Int
        }
        func key(_ route: Route, _ method: String) -> Key {
            Key(method: method, path: route.path, file: route.file, line: route.line)
        }
        var tallies: [Key: (requests: Int, ok: Int, statuses: [String: Int])] = [:]
        var order: [Key] = []
        for route in routes {
            for method in route.methods where method != "HEAD" && method != "OPTIONS" {
                let k = key(route, method)
                if tallies[k] == nil {
                    tallies[k] = (0, 0, [:])
                    order.append(k)
                }
            }
        }
        let phase = context.baselinePhase
        for request in context.requests.requests where phase == nil || request.phase == phase {
            guard let route = context.routes[request.endpoint] else { continue }
            let endpoint = context.requests.endpoints[request.endpoint]
            let method = String(endpoint.split(separator: " ", maxSplits: 1).first ?? "")
            let k = key(route, route.methods.contains("ANY") ? "ANY" : method)
            guard var tally = tallies[k] else { continue }
            tally.requests += 1
            if let status = request.status, (200..<300).contains(status) {
                tally.ok += 1
            } else {
                tally.statuses[request.status.map(String.init) ?? (request.error?.rawValue ?? "no answer"), default: 0] += 1
            }
            tallies[k] = tally
        }
        var entries: [PlanCoverage.Entry] = []
        for k in order {
            let tally = tallies[k]!
            let outcome = outcome(requests: tally.requests, ok: tally.ok, statuses: tally.statuses)
            entries.append(
                PlanCoverage.Entry(
                    endpoint: "\(k.method) \(k.path)", file: k.file, line: k.line, requests: tally.requests, ok: tally.ok,
                    outcome: outcome, statuses: tally.statuses, hint: hint(outcome, method: k.method)))
        }
        entries.sort { a, b in
            let exercisedA = a.outcome == .exercised
            let exercisedB = b.outcome == .exercised
            if exercisedA != exercisedB { return !exercisedA }
            return (a.file, a.line, a.endpoint) < (b.file, b.line, b.endpoint)
        }
        return PlanCoverage(
            routes: entries.count, exercised: entries.filter { $0.outcome == .exercised }.count,
            phase: phase == nil ? "all" : "baseline", entries: entries)
    }

    /// The most frequent non-2xx answer names the reason; one 2xx is enough to count as reached.
    static func outcome(requests: Int, ok: Int, statuses: [String: Int]) -> PlanCoverage.Outcome {
        if requests == 0 { return .neverPlanned }
        if ok > 0 { return .exercised }
        let top = statuses.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? ""
        guard let status = Int(top) else { return .failing }
        switch status {
        case 401, 403: return .unauthorized
        case 300..<400: return .redirected
        case 404, 410: return .notFound
        case 405: return .methodNotAllowed
        case 400, 422: return .invalidRequest
        case 429: return .throttled
        case 400..<500: return .clientError
        default: return .failing
        }
    }

    static func hint(_ outcome: PlanCoverage.Outcome, method: String) -> String? {
        switch outcome {
        case .exercised: nil
        case .unauthorized: "add a `login:` step to the plan (or pass credentials) so requests carry a session"
        case .redirected: "the route redirects (often to a login page): add a `login:` step, or send the request the redirect asks for"
        case .notFound: "its path parameters named no existing data: create it in a `setup:` step or extract an id from an earlier response"
        case .methodNotAllowed: "the plan sent a method the route does not take; send \(method == "ANY" ? "one it takes" : method)"
        case .invalidRequest: "the plan's request is invalid for the route (400/422): give the body or query it needs in the plan"
        case .throttled: "a rate limiter answered 429: lower --rps or --concurrency"
        case .clientError: "the route rejects the plan's request: check its parameters and headers"
        case .failing: "it fails with no fault injected (5xx or no answer): see the unattributed errors in the report"
        case .neverPlanned: "the plan sends nothing to it: add a request to the plan"
        }
    }
}
