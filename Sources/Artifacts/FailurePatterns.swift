/// `failure-patterns.json`: what broke, where, and why (CONTRACTS.md, "failure-patterns.json").
public struct FailurePatterns: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    /// Per endpoint key (`"POST /api/bookings"`), plus `"*"` for all together.
    public var endpoints: [String: EndpointComparison]
    /// Per injection point id.
    public var points: [String: PointEffect]
    public var tracebacks: [TracebackGroup]
    /// Measured patterns first (by impact), then static findings.
    public var patterns: [Pattern]
    /// Why the analysis is incomplete, when it is (a partial load, a missing log).
    public var notes: [String]
    /// How many failed and slow requests an injected fault explains; nil in files written before it existed.
    public var attribution: AttributionSummary?
    /// Faults in injected services joined to the app endpoints they broke (issue 8.5b); nil when
    /// the run injected no service.
    public var crossServiceCascades: [CrossServiceCascade]?
    /// Which of the app's routes the plan reached with a 2xx, and why the others were not;
    /// nil in files written before it existed or when the run has no scan.
    public var planCoverage: PlanCoverage?

    enum CodingKeys: String, CodingKey {
        case schema, endpoints, points, tracebacks, patterns, notes, attribution
        case crossServiceCascades = "cross_service_cascades"
        case planCoverage = "plan_coverage"
    }

    public init(
        endpoints: [String: EndpointComparison], points: [String: PointEffect], tracebacks: [TracebackGroup],
        patterns: [Pattern], notes: [String] = [], attribution: AttributionSummary? = nil,
        crossServiceCascades: [CrossServiceCascade]? = nil, planCoverage: PlanCoverage? = nil
    ) {
        self.crossServiceCascades = crossServiceCascades
        self.planCoverage = planCoverage
        self.schema = Self.schemaVersion
        self.endpoints = endpoints
        self.points = points
        self.tracebacks = tracebacks
        self.patterns = patterns
        self.notes = notes
        self.attribution = attribution
    }
}

/// Failed and slow requests, and how many of them an injected fault fired in (joined on the request id).
public struct AttributionSummary: Codable, Sendable, Equatable {
    /// Requests answered with a 5xx or lost to a transport error, in every phase.
    public var failed: Int
    public var failedAttributed: Int
    /// Requests slower than their endpoint's `slow_threshold_us`.
    public var slow: Int
    public var slowAttributed: Int
    /// Endpoint key → the latency above which a request counts as slow.
    public var slowThresholdUs: [String: Int]
    /// Point id → failed or slow requests it fired in.
    public var byPoint: [String: Int]
    /// The first (up to 20) failed and slow requests no fault fired in.
    public var unattributedFailedRequestIds: [String]
    public var unattributedSlowRequestIds: [String]

    enum CodingKeys: String, CodingKey {
        case failed, slow
        case failedAttributed = "failed_attributed"
        case slowAttributed = "slow_attributed"
        case slowThresholdUs = "slow_threshold_us"
        case byPoint = "by_point"
        case unattributedFailedRequestIds = "unattributed_failed_request_ids"
        case unattributedSlowRequestIds = "unattributed_slow_request_ids"
    }

    public init(
        failed: Int, failedAttributed: Int, slow: Int, slowAttributed: Int, slowThresholdUs: [String: Int],
        byPoint: [String: Int], unattributedFailedRequestIds: [String], unattributedSlowRequestIds: [String]
    ) {
        self.failed = failed
        self.failedAttributed = failedAttributed
        self.slow = slow
        self.slowAttributed = slowAttributed
        self.slowThresholdUs = slowThresholdUs
        self.byPoint = byPoint
        self.unattributedFailedRequestIds = unattributedFailedRequestIds
        self.unattributedSlowRequestIds = unattributedSlowRequestIds
    }
}

/// One endpoint's figures in the baseline and the chaos phase, and the difference.
public struct EndpointComparison: Codable, Sendable, Equatable {
    public var baseline: EndpointFigures?
    public var chaos: EndpointFigures?
    public var delta: EndpointDelta?

    public init(baseline: EndpointFigures?, chaos: EndpointFigures?, delta: EndpointDelta?) {
        self.baseline = baseline
        self.chaos = chaos
        self.delta = delta
    }
}

/// An endpoint in one phase.
public struct EndpointFigures: Codable, Sendable, Equatable {
    public var requests: Int
    public var successRate: Double
    public var errorRate: Double
    public var clientErrors: Int
    /// Status code (as a string) → count.
    public var statuses: [String: Int]
    /// Error kind (`timeout`, `http_5xx`, ...) → count.
    public var errorKinds: [String: Int]
    public var p50Us: Int
    public var p95Us: Int
    public var p99Us: Int
    public var maxUs: Int

    enum CodingKeys: String, CodingKey {
        case requests, statuses
        case successRate = "success_rate"
        case errorRate = "error_rate"
        case clientErrors = "client_errors"
        case errorKinds = "error_kinds"
        case p50Us = "p50_us"
        case p95Us = "p95_us"
        case p99Us = "p99_us"
        case maxUs = "max_us"
    }

    public init(
        requests: Int, successRate: Double, errorRate: Double, clientErrors: Int, statuses: [String: Int],
        errorKinds: [String: Int], p50Us: Int, p95Us: Int, p99Us: Int, maxUs: Int
    ) {
        self.requests = requests
        self.successRate = successRate
        self.errorRate = errorRate
        self.clientErrors = clientErrors
        self.statuses = statuses
        self.errorKinds = errorKinds
        self.p50Us = p50Us
        self.p95Us = p95Us
        self.p99Us = p99Us
        self.maxUs = maxUs
    }
}

/// Chaos minus baseline.
public struct EndpointDelta: Codable, Sendable, Equatable {
    public var errorRate: Double
    public var p50Us: Int
    public var p95Us: Int
    public var p99Us: Int

    enum CodingKeys: String, CodingKey {
        case errorRate = "error_rate"
        case p50Us = "p50_us"
        case p95Us = "p95_us"
        case p99Us = "p99_us"
    }

    public init(errorRate: Double, p50Us: Int, p95Us: Int, p99Us: Int) {
        self.errorRate = errorRate
        self.p50Us = p50Us
        self.p95Us = p95Us
        self.p99Us = p99Us
    }
}

/// What one injection point did during the chaos phase.
public struct PointEffect: Codable, Sendable, Equatable {
    public var fired: Int
    public var requestsAffected: Int
    /// Error rate among the requests it fired in.
    public var errorRateAffected: Double
    /// Median extra latency of those requests over the endpoint's baseline median.
    public var addedLatencyUs: Int

    enum CodingKeys: String, CodingKey {
        case fired
        case requestsAffected = "requests_affected"
        case errorRateAffected = "error_rate_affected"
        case addedLatencyUs = "added_latency_us"
    }

    public init(fired: Int, requestsAffected: Int, errorRateAffected: Double, addedLatencyUs: Int) {
        self.fired = fired
        self.requestsAffected = requestsAffected
        self.errorRateAffected = errorRateAffected
        self.addedLatencyUs = addedLatencyUs
    }
}

/// Tracebacks from the app's log with the same exception and deepest app frame.
public struct TracebackGroup: Codable, Sendable, Equatable {
    public var exception: String
    public var message: String
    /// The deepest frame inside the app, on the ORIGINAL source line.
    public var file: String
    public var line: Int
    public var function: String
    public var count: Int
    public var requestIds: [String]

    enum CodingKeys: String, CodingKey {
        case exception, message, file, line, function, count
        case requestIds = "request_ids"
    }

    public init(exception: String, message: String, file: String, line: Int, function: String, count: Int, requestIds: [String]) {
        self.exception = exception
        self.message = message
        self.file = file
        self.line = line
        self.function = function
        self.count = count
        self.requestIds = requestIds
    }
}

/// A place in the user's original source.
public struct SourceLocation: Codable, Sendable, Equatable, Hashable {
    public var file: String
    public var line: Int
    public var function: String

    public init(file: String, line: Int, function: String) {
        self.file = file
        self.line = line
        self.function = function
    }
}

/// A failure pattern: measured under load, or found statically in the source.
public struct Pattern: Codable, Sendable, Equatable {
    /// Stable within a run: `<kind>-<n>`.
    public var id: String
    public var kind: PatternKind
    public var title: String
    public var severity: Severity
    /// Error rate × share of traffic, or latency over threshold; higher is worse. In [0, 1].
    public var impact: Double
    public var endpoints: [String]
    public var points: [String]
    public var locations: [SourceLocation]
    /// `measured` or `static`.
    public var evidenceKind: EvidenceKind
    /// The numbers behind it (detector-specific keys).
    public var evidence: [String: JSONValue]
    /// How to see a measured failure again in seconds; nil for static findings and for patterns
    /// with no failed request the generator kept.
    public var reproducer: Reproducer?

    enum CodingKeys: String, CodingKey {
        case id, kind, title, severity, impact, endpoints, points, locations, evidence, reproducer
        case evidenceKind = "evidence_kind"
    }

    public init(
        id: String, kind: PatternKind, title: String, severity: Severity, impact: Double, endpoints: [String],
        points: [String], locations: [SourceLocation], evidenceKind: EvidenceKind, evidence: [String: JSONValue]
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.severity = severity
        self.impact = impact
        self.endpoints = endpoints
        self.points = points
        self.locations = locations
        self.evidenceKind = evidenceKind
        self.evidence = evidence
    }
}

/// One failed request of a pattern, as commands: make its fault fire every time, then send it.
public struct Reproducer: Codable, Sendable, Equatable {
    /// The request of the run this replays.
    public var requestId: String
    /// The `chaos-test inject` line that writes the same hooks with only the fault that fired
    /// enabled and the run's seed; nil when no injected fault fired in the request (an error with
    /// no injected cause: send the request to the app as it is).
    public var inject: String?
    /// `chaos-test chaos <app> ...` lines to run against the injected, running app, in order.
    public var chaos: [String]
    /// The request as a `curl` command, credentials redacted.
    public var curl: String
    /// What the run saw: `HTTP 500`, `timeout`...
    public var observed: String

    enum CodingKeys: String, CodingKey {
        case inject, chaos, curl, observed
        case requestId = "request_id"
    }

    public init(requestId: String, inject: String?, chaos: [String], curl: String, observed: String) {
        self.requestId = requestId
        self.inject = inject
        self.chaos = chaos
        self.curl = curl
        self.observed = observed
    }
}

public enum PatternKind: String, Codable, Sendable, CaseIterable {
    // Measured under load.
    case unhandledDependencyError = "unhandled-dependency-error"
    case noTimeout = "no-timeout"
    case eventLoopBlocking = "event-loop-blocking"
    case threadPoolExhaustion = "thread-pool-exhaustion"
    case unattributedErrors = "unattributed-errors"
    case cascade
    /// A test of the app's own suite that passes with chaos off and fails with it on (`run --pytest`).
    case testFailsUnderChaos = "test-fails-under-chaos"
    /// An endpoint's unfaulted errors cluster in time: a dependency down for a while.
    case failureBurst = "failure-burst"
    /// Connection resets right after the app's own 500s: it closes keep-alive connections after
    /// an unhandled exception, and the client's next request on one fails.
    case resetAfterError = "reset-after-error"
    // Found in the source.
    case missingTimeout = "missing-timeout"
    case blockingCallInAsync = "blocking-call-in-async"
    case clientPerRequest = "client-per-request"
    case nonIdempotentWrite = "non-idempotent-write"
}

public enum Severity: String, Codable, Sendable, Comparable {
    case critical, high, medium, low

    private var rank: Int {
        switch self {
        case .critical: 3
        case .high: 2
        case .medium: 1
        case .low: 0
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

public enum EvidenceKind: String, Codable, Sendable { case measured, `static` }
