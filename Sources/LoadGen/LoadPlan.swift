import Artifacts

/// What to send: weighted single requests and weighted flows of chained steps.
///
/// Plans come from a YAML or JSON file (``PlanParser``), from the app's OpenAPI document
/// (``OpenAPIPlanSynthesizer``) or from scanned routes (``ScanPlanSynthesizer``).
public struct LoadPlan: Sendable, Equatable {
    /// Where the plan came from, as `meta.plan` records it.
    public var source: String
    /// Headers sent with every request, below each request's own headers.
    public var headers: [String: String]
    /// Values for `{name}` placeholders; one is picked per request from the seeded generator.
    public var params: [String: [JSONValue]]
    public var requests: [PlanRequest]
    public var flows: [PlanFlow]
    /// How each virtual user logs in before its first request; nil when the app needs no login.
    public var login: PlanLogin?
    /// Requests run once, after a login, before the first phase; their `extract:` values fill
    /// `{name}` in every request of the plan (create a project, then load `/projects/{project_id}`).
    public var setup: [PlanRequest]
    /// Routes the synthesizers could not build a valid request for, with the reason; never guessed.
    public var unsynthesized: [String]

    public init(
        source: String, headers: [String: String] = [:], params: [String: [JSONValue]] = [:],
        requests: [PlanRequest] = [], flows: [PlanFlow] = [], unsynthesized: [String] = [],
        login: PlanLogin? = nil, setup: [PlanRequest] = []
    ) {
        self.login = login
        self.setup = setup
        self.source = source
        self.headers = headers
        self.params = params
        self.requests = requests
        self.flows = flows
        self.unsynthesized = unsynthesized
    }

    /// Puts `base` before every request's path (a mount the document did not name).
    public mutating func prefixPaths(_ base: String) {
        for index in requests.indices { requests[index].prefixPath(base) }
        for flow in flows.indices {
            for step in flows[flow].steps.indices { flows[flow].steps[step].prefixPath(base) }
        }
    }

    /// Every endpoint key the plan can hit.
    public var endpoints: [String] {
        var seen: [String] = []
        for request in requests + flows.flatMap(\.steps) where !seen.contains(request.endpoint) {
            seen.append(request.endpoint)
        }
        return seen
    }
}

/// One request template. `path` and string values in `json` may hold `{name}` placeholders,
/// filled from a flow's extracted values, then the request's `params`, then the plan's.
public struct PlanRequest: Sendable, Equatable {
    public var name: String
    /// Upper-case HTTP method.
    public var method: String
    /// The path template, starting with `/`, optionally with a query string.
    public var path: String
    public var headers: [String: String]
    public var json: JSONValue?
    /// Fields sent as an `application/x-www-form-urlencoded` body instead of `json`; values may
    /// hold placeholders.
    public var form: [String: String]?
    public var weight: Int
    public var params: [String: [JSONValue]]
    /// Values to take from this step's JSON response: variable name to RFC 6901 pointer.
    public var extract: [String: String]

    public init(
        name: String? = nil, method: String, path: String, headers: [String: String] = [:],
        json: JSONValue? = nil, weight: Int = 1, params: [String: [JSONValue]] = [:],
        extract: [String: String] = [:], form: [String: String]? = nil
    ) {
        self.form = form
        self.method = method.uppercased()
        self.path = path
        self.name = name ?? "\(method.uppercased()) \(path)"
        self.headers = headers
        self.json = json
        self.weight = weight
        self.params = params
        self.extract = extract
    }

    /// Puts `base` (`/api`) before the path, keeping the endpoint key in step.
    public mutating func prefixPath(_ base: String) {
        guard !path.hasPrefix(base + "/"), path != base else { return }
        let renamed = name == "\(method) \(path)"
        path = base + path
        if renamed { name = "\(method) \(path)" }
    }

    /// `"<METHOD> <path template>"` without the query string: the key every file uses.
    public var endpoint: String {
        let template = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return "\(method) \(template)"
    }
}

/// Steps run one after another by one virtual user; a step can use values extracted earlier.
public struct PlanFlow: Sendable, Equatable {
    public var name: String
    public var weight: Int
    public var steps: [PlanRequest]

    public init(name: String, weight: Int = 1, steps: [PlanRequest]) {
        self.name = name
        self.weight = weight
        self.steps = steps
    }
}
