import Artifacts

/// Cross-service cascades (issue 8.5b): for each fault that fired in an injected service and
/// each app endpoint whose requests it fired in, how many of those requests the app failed.
///
/// The join is the request id: the app passes its `X-Chaos-Request-Id` on to the service, whose
/// runtime logs the fault under it. An error counts as explained when no fault fired in the app
/// itself during that request.
enum CascadeAnalysis {
    static let sampleSize = 5

    /// nil when the run injected no service, so the key stays out of failure-patterns.json.
    static func cascades(_ context: AnalysisContext, services: ServiceFaults) -> [CrossServiceCascade]? {
        guard !services.isEmpty else { return nil }
        struct Key: Hashable {
            var service: String
            var point: String
            var fault: String
            var exception: String?
            var endpoint: Int
        }
        var requestsByKey: [Key: Set<Int>] = [:]
        var locations: [Key: SourceLocation] = [:]
        for firing in context.firings {
            guard let request = firing.request, let (service, id, point) = services.resolve(firing.point) else { continue }
            let key = Key(
                service: service.name, point: id, fault: firing.fault, exception: firing.exception,
                endpoint: context.requests.requests[request].endpoint)
            requestsByKey[key, default: []].insert(request)
            if let point {
                locations[key] = SourceLocation(file: service.folder + "/" + point.file, line: point.line, function: point.function)
            }
        }
        var rows: [CrossServiceCascade] = []
        for (key, requests) in requestsByKey {
            let failed = requests.filter { context.requests.requests[$0].isError }.sorted()
            let explained = failed.filter { index in
                context.firings(of: index).allSatisfy { services.resolve($0.point) != nil }
            }
            var statuses: [String: Int] = [:]
            for index in failed {
                let request = context.requests.requests[index]
                statuses[request.status.map(String.init) ?? (request.error?.rawValue ?? "error"), default: 0] += 1
            }
            rows.append(
                CrossServiceCascade(
                    service: key.service, point: key.point, fault: key.fault, exception: key.exception,
                    location: locations[key], endpoint: context.requests.endpoints[key.endpoint], requests: requests.count,
                    errors: failed.count, errorsExplained: explained.count, statuses: statuses,
                    requestIds: failed.prefix(sampleSize).map { context.requests.requests[$0].id }))
        }
        // Most errors first; ties in a stable, readable order.
        return rows.sorted { a, b in
            if a.errors != b.errors { return a.errors > b.errors }
            return (a.service, a.endpoint, a.point, a.fault, a.exception ?? "") < (b.service, b.endpoint, b.point, b.fault, b.exception ?? "")
        }
    }
}
