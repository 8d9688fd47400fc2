import Artifacts

/// The fixes chaos-test knows how to write. Each is chosen from evidence at one place in the
/// code, never applied across the board.
enum Recipe: String, CaseIterable, Sendable {
    case retryIdempotent = "retry-idempotent"
    case addTimeout = "add-timeout"
    case offloadBlockingCall = "offload-blocking-call"
    case mapDependencyError = "map-dependency-error"
    case reuseHTTPClient = "reuse-http-client"
    case idempotencyKey = "idempotency-key"
    case bulkhead
    case sqlalchemyPool = "sqlalchemy-pool"
    case checkResponseStatus = "check-response-status"
    case circuitBreaker = "circuit-breaker"

    /// True when the fix turns failed requests into successful ones; such fixes rank above those
    /// that only change how a failure looks (a 500 becoming a 503) at equal evidence.
    var rescues: Bool {
        switch self {
        case .retryIdempotent, .offloadBlockingCall, .sqlalchemyPool: true
        case .addTimeout, .mapDependencyError, .reuseHTTPClient, .idempotencyKey, .bulkhead, .checkResponseStatus, .circuitBreaker: false
        }
    }
}
