/// What the load plan reached, per scanned route of the app (`failure-patterns.json`,
/// `plan_coverage`): exercised with a 2xx in the baseline, or why not. `--coverage` measures
/// what code ran; this says what the plan could not reach, and how to make it reach it.
public struct PlanCoverage: Codable, Sendable, Equatable {
    /// Routes counted: the app's routes and methods, HEAD and OPTIONS left out (a plan need
    /// not send them).
    public var routes: Int
    /// Routes with at least one 2xx answer in the baseline (in every phase when there is none).
    public var exercised: Int
    /// The phase the figures come from: `baseline`, or `all` when the run had no baseline.
    public var phase: String
    /// One entry per route and method, not exercised first.
    public var entries: [Entry]

    public init(routes: Int, exercised: Int, phase: String, entries: [Entry]) {
        self.routes = routes
        self.exercised = exercised
        self.phase = phase
        self.entries = entries
    }

    /// `"exercised 11 of 44 routes with a 2xx (25%)"`.
    public var summary: String {
        let share = routes == 0 ? 0 : Int((Double(exercised) / Double(routes) * 100).rounded())
        return "exercised \(exercised) of \(routes) routes with a 2xx (\(share)%)"
    }

    public struct Entry: Codable, Sendable, Equatable {
        /// `"GET /items/{id}"`; `"ANY /path"` for a view that takes every method.
        public var endpoint: String
        public var file: String
        public var line: Int
        /// Requests the phase sent to it, and how many got a 2xx.
        public var requests: Int
        public var ok: Int
        public var outcome: Outcome
        /// Status code → count, for the requests that did not get a 2xx.
        public var statuses: [String: Int]
        /// One line on what to change in the plan; nil when exercised.
        public var hint: String?

        public init(
            endpoint: String, file: String, line: Int, requests: Int, ok: Int, outcome: Outcome,
            statuses: [String: Int], hint: String?
        ) {
            self.endpoint = endpoint
            self.file = file
            self.line = line
            self.requests = requests
            self.ok = ok
            self.outcome = outcome
            self.statuses = statuses
            self.hint = hint
        }
    }

    /// Why a route was, or was not, exercised; the most frequent non-2xx answer decides.
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case exercised
        /// 401 or 403: the plan has no login, or the user lacks the right.
        case unauthorized
        /// 3xx: usually a redirect to a login page.
        case redirected
        /// 404: the path's parameters named no existing data.
        case notFound = "not_found"
        /// 405: the plan sent a method the route does not take.
        case methodNotAllowed = "method_not_allowed"
        /// 400 or 422: the plan's request was invalid; a plan defect, not an app failure.
        case invalidRequest = "invalid_request"
        /// 429: a rate limiter answered.
        case throttled
        /// Other 4xx.
        case clientError = "client_error"
        /// 5xx or no answer, with no fault injected: the app fails on its own.
        case failing
        /// The plan sent nothing to it.
        case neverPlanned = "never_planned"
    }
}
