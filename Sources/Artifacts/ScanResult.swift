/// `scan.json`: what the scanner found in an app's source (CONTRACTS.md, "scan.json").
///
/// Every later stage reads the app through this value: inject places hooks at its routes and
/// dependency calls, load builds plans from its routes, analyze maps failures onto it.
public struct ScanResult: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var apps: [AppObject]
    public var routes: [Route]
    public var dependencies: [DependencyCall]
    public var diagnostics: [Diagnostic]

    public init(
        apps: [AppObject] = [], routes: [Route] = [], dependencies: [DependencyCall] = [],
        diagnostics: [Diagnostic] = []
    ) {
        self.schema = Self.schemaVersion
        self.apps = apps
        self.routes = routes
        self.dependencies = dependencies
        self.diagnostics = diagnostics
    }
}

/// An application object such as `app.main:app` or the factory `app:create_app()`.
public struct AppObject: Codable, Sendable, Equatable, Hashable {
    /// `module:attr`, with `()` appended for a factory.
    public var id: String
    public var framework: Framework
    public var file: String
    public var line: Int
    public var factory: Bool

    public init(id: String, framework: Framework, file: String, line: Int, factory: Bool) {
        self.id = id
        self.framework = framework
        self.file = file
        self.line = line
        self.factory = factory
    }
}

public enum Framework: String, Codable, Sendable, CaseIterable, Comparable {
    case fastapi, starlette, flask, django

    public static func < (lhs: Framework, rhs: Framework) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One route handler: methods, full path and where its `def` (or `class`) stands.
public struct Route: Codable, Sendable, Equatable, Hashable {
    /// The `id` of the app object that serves this route.
    public var app: String
    /// Upper-case HTTP methods, sorted; `["ANY"]` for a view that accepts every method.
    public var methods: [String]
    /// The full path with router prefixes, parameters written `{name}`.
    public var path: String
    /// The full path in the framework's own spelling (`<int:id>`, `(?P<id>\d+)`).
    public var rawPath: String
    public var function: String
    public var qualname: String
    /// Relative to the app root, `/` separators.
    public var file: String
    /// 1-based line of the `def` (of `async` for `async def`, of `class` for a class view).
    public var line: Int
    public var isAsync: Bool
    public var framework: Framework

    enum CodingKeys: String, CodingKey {
        case app, methods, path, function, qualname, file, line, framework
        case rawPath = "raw_path"
        case isAsync = "async"
    }

    public init(
        app: String, methods: [String], path: String, rawPath: String, function: String,
        qualname: String, file: String, line: Int, isAsync: Bool, framework: Framework
    ) {
        self.app = app
        self.methods = methods
        self.path = path
        self.rawPath = rawPath
        self.function = function
        self.qualname = qualname
        self.file = file
        self.line = line
        self.isAsync = isAsync
        self.framework = framework
    }

    /// The endpoint keys (`"<METHOD> <path>"`) this route serves, one per method.
    public var endpointKeys: [String] { methods.map { "\($0) \(path)" } }

    /// The path a plan sends when the only part known at run time is a leading prefix
    /// (`/{?url_route_prefix}collections` → `/collections`): such prefixes (a root path, a
    /// mount from configuration) are empty by default. nil when a run-time part sits elsewhere.
    public var defaultPrefixPath: String? {
        guard path.contains("{?") else { return path }
        guard path.hasPrefix("/{?") || path.hasPrefix("{?"), let close = path.firstIndex(of: "}") else { return nil }
        var rest = String(path[path.index(after: close)...])
        guard !rest.contains("{?") else { return nil }
        if !rest.hasPrefix("/") { rest = "/" + rest }
        return rest
    }
}

/// What kind of thing a dependency call talks to.
public enum DependencyKind: String, Codable, Sendable, CaseIterable {
    case http, database, cache, queue, filesystem, subprocess, sleep
    /// An SMTP session (`smtplib`): connecting, logging in, sending.
    case mail
}

/// One outbound call that can fail or stall: an HTTP request, a query, a sleep, a file open.
public struct DependencyCall: Codable, Sendable, Equatable, Hashable {
    public var kind: DependencyKind
    /// The library as imported: `httpx`, `requests`, `sqlite3`, `redis.asyncio`, `builtins`...
    public var library: String
    /// The callee as written in the source, e.g. `client.get` or `httpx.AsyncClient`.
    public var callee: String
    public var file: String
    public var line: Int
    /// 1-based, in characters.
    public var column: Int
    public var function: String
    public var qualname: String
    public var isAsync: Bool
    /// Endpoint keys of the routes that reach this call through calls inside the app.
    public var routes: [String]
    /// HTTP calls: the request method when the code names it (`GET` for `client.get`).
    public var httpMethod: String?
    /// HTTP calls: whether a timeout is given at the call or where the client was made.
    public var hasTimeout: Bool?
    /// HTTP calls through a client object: where that client was made relative to the call:
    /// `call` (in the same expression), `function` (earlier in the same function),
    /// `instance` (in an `__init__`), `module` (at import time) or `other`.
    public var clientScope: String?
    /// The line where that client was made.
    public var clientLine: Int?
    /// Whether the call is awaited (or entered with `async with`): false for a blocking call.
    public var awaited: Bool?
    /// For each route that reaches the call: the call in the route's handler where the path
    /// to it starts (the call itself when it sits in the handler), and whether the path goes
    /// through a thread pool. This is where a blocking call in an async handler is fixed.
    public var reachedVia: [ReachedVia]?
    /// File opens: true when the path is built from the app's own folder (`__file__`,
    /// `root_path`, `importlib.resources`, a relative literal): a template, a static file or
    /// bundled data. Such a read does not fail in production the way a backend does, so
    /// chaos injects nothing there and no fix is proposed for it.
    public var bundled: Bool?

    enum CodingKeys: String, CodingKey {
        case kind, library, callee, file, line, column, function, qualname, routes
        case isAsync = "async"
        case httpMethod = "http_method"
        case hasTimeout = "has_timeout"
        case clientScope = "client_scope"
        case clientLine = "client_line"
        case awaited
        case reachedVia = "reached_via"
        case bundled
    }

    public init(
        kind: DependencyKind, library: String, callee: String, file: String, line: Int,
        column: Int, function: String, qualname: String, isAsync: Bool, routes: [String]
    ) {
        self.kind = kind
        self.library = library
        self.callee = callee
        self.file = file
        self.line = line
        self.column = column
        self.function = function
        self.qualname = qualname
        self.isAsync = isAsync
        self.routes = routes
    }

    /// What the call talks to, as a reader names it: "file open", "SQLite", "Redis",
    /// "HTTP backend (httpx)". Module names such as `builtins` say nothing to a reader.
    public var dependencyName: String { Self.dependencyName(library: library, kind: kind) }

    /// Whether the call stays on this machine: a file or an embedded SQLite database. A circuit
    /// breaker or a bulkhead guards a remote backend; around these they only add failures.
    public var isLocal: Bool { kind == .filesystem || kind == .sleep || library == "sqlite3" || library == "aiosqlite" }

    public static func dependencyName(library: String, kind: DependencyKind?) -> String {
        switch library {
        case "builtins", "io", "os", "pathlib", "aiofiles": return kind == .subprocess ? "subprocess (\(library))" : "file open"
        case "sqlite3", "aiosqlite": return "SQLite"
        case "redis", "redis.asyncio": return "Redis"
        case "psycopg", "psycopg2", "asyncpg": return "PostgreSQL (\(library))"
        case "sqlalchemy": return "database (SQLAlchemy)"
        case "flask_sqlalchemy": return "database (Flask-SQLAlchemy)"
        case "django": return "database (Django ORM)"
        case "celery": return "Celery broker"
        case "botocore": return "AWS (boto3)"
        case "smtplib": return "SMTP server"
        case "httpx", "requests", "aiohttp", "urllib.request": return "HTTP backend (\(library))"
        case "subprocess": return "subprocess"
        case "asyncio" where kind == .subprocess: return "subprocess"
        default: return library.isEmpty ? (kind?.rawValue ?? "dependency") : library
        }
    }
}

/// A problem found in the user's input, with where it is and what to do.
public struct Diagnostic: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable { case error, warning, note }

    public var severity: Severity
    public var file: String
    public var line: Int
    /// 1-based, in characters; 0 when the problem concerns the whole file.
    public var column: Int
    public var message: String

    public init(severity: Severity, file: String, line: Int, column: Int, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }
}

/// Where a route's handler starts the path to a dependency call.
public struct ReachedVia: Codable, Sendable, Equatable, Hashable {
    /// Endpoint key.
    public var route: String
    public var file: String
    public var line: Int?
    /// True when a step of the path hands a function to a thread pool.
    public var offloaded: Bool

    public init(route: String, file: String, line: Int?, offloaded: Bool) {
        self.route = route
        self.file = file
        self.line = line
        self.offloaded = offloaded
    }
}
