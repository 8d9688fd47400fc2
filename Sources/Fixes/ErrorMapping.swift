/// What a dependency-error handler catches for one library, and how it tells a transient
/// failure (answer 503/504, come back later) from a bug that must stay a 500.
///
/// A review of the first handlers found them hiding real bugs: sqlite3's `OperationalError`
/// also means "no such table", `requests.RequestException` also means a URL with no scheme,
/// and an upstream 404 became a 502. So each library lists only its transient classes, the
/// message words that mark a transient instance where the class is too broad, the timeout
/// class (504), and the answered-error class whose status passes through.
struct ErrorMapping {
    /// Classes registered with the framework, most specific first.
    var handled: [String]
    var imports: [String]
    /// Instances of this class timed out: 504.
    var timeout: String?
    /// Subclasses of `handled` a traceback may name, by last name, as the libraries document
    /// them. A name outside both lists is not claimed: a handler is proposed for a traceback's
    /// exception only when it would catch it (a `StatementError` is no `OperationalError`).
    var subclasses: [String] = []
    /// The error a client raises for an error answer, and how to read it on `e`.
    var answered: Answered?
    /// When set, an instance of `broadClass` is transient only if its message holds one of
    /// these words (or, with `invalidated`, if SQLAlchemy saw the connection die); any other
    /// instance is re-raised, so the framework logs it and answers 500 as before.
    var broadClass: String?
    var transientWords: [String] = []
    var checksInvalidated = false

    struct Answered {
        var name: String
        /// Python expressions over the error variable, written `$e`.
        var guardExpression: String?
        var status: String
        var retryAfter: String
    }


    /// Whether the handler catches an exception a traceback names (`httpx.ConnectError`,
    /// `sqlalchemy.exc.OperationalError`), private module segments ignored.
    func catches(_ exception: String) -> Bool {
        let parts = exception.split(separator: ".").map(String.init)
        guard let last = parts.last, let root = parts.first else { return false }
        let roots = Set(handled.compactMap { $0.split(separator: ".").first.map(String.init) })
        guard roots.contains(root) || (root == "builtins" && roots.contains("asyncio")) else { return false }
        return Set(handled.compactMap { $0.split(separator: ".").last.map(String.init) } + subclasses).contains(last)
    }

    /// The name a title and a rationale use for what the handler catches.
    var summary: String { handled.map { "`\($0)`" }.joined(separator: ", ") }

    static func of(_ library: String) -> ErrorMapping? {
        switch library.split(separator: ".").first.map(String.init) ?? library {
        case "httpx":
            ErrorMapping(
                handled: ["httpx.HTTPStatusError", "httpx.TimeoutException", "httpx.NetworkError", "httpx.RemoteProtocolError"],
                imports: ["import httpx"], timeout: "httpx.TimeoutException",
                subclasses: [
                    "ConnectError", "ReadError", "WriteError", "CloseError", "ConnectTimeout", "ReadTimeout", "WriteTimeout",
                    "PoolTimeout",
                ],
                answered: Answered(
                    name: "httpx.HTTPStatusError", guardExpression: nil, status: "$e.response.status_code",
                    retryAfter: "$e.response.headers.get(\"Retry-After\")"))
        case "requests":
            ErrorMapping(
                handled: ["requests.HTTPError", "requests.Timeout", "requests.ConnectionError"], imports: ["import requests"],
                timeout: "requests.Timeout",
                subclasses: ["ConnectTimeout", "ReadTimeout", "ProxyError"],
                answered: Answered(
                    name: "requests.HTTPError", guardExpression: "$e.response is not None", status: "$e.response.status_code",
                    retryAfter: "$e.response.headers.get(\"Retry-After\")"))
        case "aiohttp":
            ErrorMapping(
                handled: ["aiohttp.ClientResponseError", "asyncio.TimeoutError", "aiohttp.ClientConnectionError"],
                imports: ["import asyncio", "import aiohttp"], timeout: "asyncio.TimeoutError",
                subclasses: [
                    "ClientConnectorError", "ServerDisconnectedError", "ServerTimeoutError", "ClientOSError", "TimeoutError",
                ],
                answered: Answered(
                    name: "aiohttp.ClientResponseError", guardExpression: nil, status: "$e.status",
                    retryAfter: "($e.headers or {}).get(\"Retry-After\")"))
        case "sqlite3":
            ErrorMapping(
                handled: ["sqlite3.OperationalError"], imports: ["import sqlite3"], broadClass: "sqlite3.OperationalError",
                transientWords: ["locked", "busy"])
        case "sqlalchemy", "flask_sqlalchemy", "sqlmodel":
            ErrorMapping(
                handled: ["sqlalchemy.exc.OperationalError", "sqlalchemy.exc.TimeoutError"], imports: ["import sqlalchemy.exc"],
                broadClass: "sqlalchemy.exc.OperationalError",
                transientWords: ["locked", "timeout"],
                checksInvalidated: true)
        case "redis":
            ErrorMapping(
                handled: ["redis.exceptions.TimeoutError", "redis.exceptions.ConnectionError"],
                imports: ["import redis.exceptions"], timeout: "redis.exceptions.TimeoutError",
                subclasses: ["BusyLoadingError"])
        case "psycopg2":
            ErrorMapping(handled: ["psycopg2.OperationalError"], imports: ["import psycopg2"])
        case "psycopg":
            ErrorMapping(handled: ["psycopg.OperationalError"], imports: ["import psycopg"])
        case "asyncpg":
            ErrorMapping(
                handled: ["asyncpg.exceptions.ConnectionDoesNotExistError", "asyncpg.exceptions.PostgresConnectionError"],
                imports: ["import asyncpg.exceptions"])
        case "pymongo":
            ErrorMapping(handled: ["pymongo.errors.ConnectionFailure"], imports: ["import pymongo.errors"])
        case "celery", "kombu":
            ErrorMapping(handled: ["kombu.exceptions.OperationalError"], imports: ["import kombu.exceptions"])
        default:
            nil
        }
    }

    /// The handler's body after its `def` line, one unit of indentation per level, for a
    /// framework whose answers are built by `respond(status, detail, headers)`. Every line stays
    /// within ruff's 88 columns at two levels of indentation (a handler inside an app factory).
    func body(
        error e: String, unit: String, log: [String], respond: (_ status: String, _ detail: String, _ headers: String?) -> [String]
    ) -> [String] {
        func rename(_ expression: String) -> String { expression.replacingOccurrences(of: "$e", with: e) }
        var lines: [String] = []
        if let broadClass {
            let words = "any(w in message for w in \(pythonTuple(transientWords)))"
            lines += [
                "# Any other \(broadClass.split(separator: ".").last ?? "") (no such table, bad SQL) is a bug:",
                "# re-raised, it stays a logged 500.",
                "message = str(\(e)).lower()",
                "if isinstance(\(e), \(broadClass)) and not (",
            ]
            lines += checksInvalidated ? [unit + "\(e).connection_invalidated", unit + "or " + words] : [unit + words]
            lines += ["):", unit + "raise \(e)"]
        }
        lines += log
        if let answered {
            lines.append("if isinstance(\(e), \(answered.name))" + (answered.guardExpression.map { " and " + rename($0) } ?? "") + ":")
            lines.append(unit + "status = \(rename(answered.status))")
            lines.append(unit + "if 400 <= status < 500 and status != 429:")
            lines += respond("status", "the dependency refused the request", nil).map { unit + unit + $0 }
            lines.append(unit + "retry_after = \(rename(answered.retryAfter))")
            lines += respond("503", "dependency unavailable; try again shortly", "retry_after").map { unit + $0 }
        }
        if let timeout {
            lines.append("if isinstance(\(e), \(timeout)):")
            lines += respond("504", "dependency timed out", nil).map { unit + $0 }
        }
        lines += respond("503", "dependency unavailable; try again shortly", "\"5\"")
        return lines
    }

    private func pythonTuple(_ words: [String]) -> String {
        "(" + words.map { "\"\($0)\"" }.joined(separator: ", ") + (words.count == 1 ? ",)" : ")")
    }
}
