import Artifacts

/// How a virtual user logs in, once, before its first request: a form post whose answer sets a
/// session cookie, or a token endpoint whose JSON answer holds a bearer token.
///
/// Credentials come from the environment (`{env.CHAOS_USER}`), so they never sit in the plan;
/// the parser has already put the values in.
public struct PlanLogin: Sendable, Equatable {
    /// Upper-case; POST unless the plan says otherwise.
    public var method: String
    public var path: String
    public var form: [String: String]?
    public var json: JSONValue?
    public var headers: [String: String]
    /// GET ``page`` first and send the CSRF token it holds (Django, Flask-WTF, `<meta name="csrf-token">`).
    public var csrf: Bool
    /// The page that holds the login form and its CSRF token; the login path unless given.
    public var page: String
    /// A JSON pointer into the answer; its string is sent as `Authorization: Bearer <token>` afterwards.
    public var token: String?

    public init(
        method: String = "POST", path: String, form: [String: String]? = nil, json: JSONValue? = nil,
        headers: [String: String] = [:], csrf: Bool = false, page: String? = nil, token: String? = nil
    ) {
        self.method = method.uppercased()
        self.path = path
        self.form = form
        self.json = json
        self.headers = headers
        self.csrf = csrf
        self.page = page ?? path
        self.token = token
    }
}
