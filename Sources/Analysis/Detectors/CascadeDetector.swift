import Artifacts

/// A cascade: one dependency (the points of one library, so one backend) whose faults make
/// several endpoints fail.
///
/// For each dependency and endpoint: the requests in which a point of that dependency raised, and
/// how many of them failed. An endpoint counts when at least `cascadeMinimumErrors` failed and
/// they are at least `cascadeErrorShare` of those requests. Fires when two or more endpoints
/// count. Impact: Σ over those endpoints of their failure share × traffic share, capped at 1.
enum CascadeDetector {
    /// The backend a library talks to: `redis.asyncio` and `redis` are one.
    static func target(of point: ChaosConfig.Point, _ context: AnalysisContext) -> String? {
        let library = point.fault.library ?? context.dependency(of: point)?.library
        guard let library, !library.isEmpty else { return nil }
        return String(library.split(separator: ".").first ?? Substring(library))
    }

    static func detect(_ context: AnalysisContext) -> [Finding] {
        let thresholds = context.thresholds
        // Dependency → endpoint → requests a point of it raised in.
        var raised: [String: [Int: Set<Int>]] = [:]
        var pointsOf: [String: Set<String>] = [:]
        var kinds: [String: DependencyKind] = [:]
        for firing in context.firings where firing.raisesException {
            guard let request = firing.request, let point = context.points[firing.point], point.kind == .dependency,
                let target = target(of: point, context)
            else { continue }
            raised[target, default: [:]][context.requests.requests[request].endpoint, default: []].insert(request)
            if let kind = context.dependency(of: point)?.kind { kinds[target] = kind }
            pointsOf[target, default: []].insert(firing.point)
        }
        var findings: [Finding] = []
        for (target, byEndpoint) in raised.sorted(by: { $0.key < $1.key }) {
            var hit: [Int: (requests: Int, errors: Int)] = [:]
            for (endpoint, requests) in byEndpoint {
                let errors = requests.filter { context.requests.requests[$0].isError }.count
                let share = Double(errors) / Double(requests.count)
                if errors >= thresholds.cascadeMinimumErrors, share >= thresholds.cascadeErrorShare {
                    hit[endpoint] = (requests.count, errors)
                }
            }
            guard hit.count >= 2 else { continue }
            var impact = 0.0
            var perEndpoint: [String: JSONValue] = [:]
            for (endpoint, figures) in hit {
                let share = Double(figures.errors) / Double(figures.requests)
                impact += share * context.trafficShare([endpoint])
                perEndpoint[context.requests.endpoints[endpoint]] = .object([
                    "requests_raised": .int(figures.requests), "errors": .int(figures.errors),
                    "error_share": .number(share),
                ])
            }
            let points = (pointsOf[target] ?? []).sorted()
            let locations = points.compactMap { context.points[$0] }.map { context.location(of: $0) }
                .sorted { ($0.file, $0.line) < ($1.file, $1.line) }
            findings.append(
                Finding(
                    kind: .cascade,
                    title: "\(DependencyCall.dependencyName(library: target, kind: kinds[target])) failures break \(hit.count) endpoints",
                    impact: min(1, impact), endpoints: context.endpointKeys(Set(hit.keys)), points: points,
                    locations: locations.uniqued(), evidenceKind: .measured,
                    evidence: [
                        "dependency": .string(target),
                        "endpoints_failing": .int(hit.count),
                        "endpoints_exposed": .int(byEndpoint.count),
                        "per_endpoint": .object(perEndpoint),
                    ]))
        }
        return findings
    }
}
