/// One row of failure-patterns.json's `cross_service_cascades` (issue 8.5b): a fault that fired
/// in an injected service, and what it did to one endpoint of the app, joined on the request id
/// the app passed on in `X-Chaos-Request-Id`. The key is absent when no service was injected.
public struct CrossServiceCascade: Codable, Sendable, Equatable {
    /// The service's name, as in chaos-test.yaml `services:` or `--service name=`.
    public var service: String
    /// The point's full id in the service's own chaos-config.json (`services/<name>/`).
    public var point: String
    /// `latency`, `exception`, `status`, `dependency`, `memory`, `cpu`.
    public var fault: String
    /// The exception the service raised (`module.Class`), nil for a delay.
    public var exception: String?
    /// Where the hook sits in the service's original source; `file` is relative to the app folder.
    public var location: SourceLocation?
    /// The app's endpoint key.
    public var endpoint: String
    /// App requests in which this fault fired in the service.
    public var requests: Int
    /// Of those, the ones the app answered with an error (5xx or transport error).
    public var errors: Int
    /// Errors in which no fault fired in the app itself: the service's fault alone explains them.
    public var errorsExplained: Int
    /// The app's status codes on those requests, as strings, with counts.
    public var statuses: [String: Int]
    /// Up to 5 of the failed requests' ids, to find in load-results.json and events.jsonl.
    public var requestIds: [String]

    enum CodingKeys: String, CodingKey {
        case service, point, fault, exception, location, endpoint, requests, errors, statuses
        case errorsExplained = "errors_explained"
        case requestIds = "request_ids"
    }

    public init(
        service: String, point: String, fault: String, exception: String?, location: SourceLocation?, endpoint: String,
        requests: Int, errors: Int, errorsExplained: Int, statuses: [String: Int], requestIds: [String]
    ) {
        self.service = service
        self.point = point
        self.fault = fault
        self.exception = exception
        self.location = location
        self.endpoint = endpoint
        self.requests = requests
        self.errors = errors
        self.errorsExplained = errorsExplained
        self.statuses = statuses
        self.requestIds = requestIds
    }
}
