import Artifacts
import Foundation

/// Chooses recipes for one pattern from its evidence, and words each choice.
enum DraftBuilder {
    static let httpLibraries: Set<String> = ["httpx", "requests", "aiohttp"]

    static func drafts(for pattern: Pattern, context: ProposalContext) -> [Draft] {
        var out: [Draft] = []
        func draft(
            _ recipe: Recipe, _ title: String, at location: SourceLocation, _ applicability: Applicability,
            _ rationale: String, _ effect: String, edits: [SourceEdit]?, file: String? = nil, rescues: Bool? = nil
        ) {
            let path = file ?? location.file
            out.append(
                Draft(
                    recipe: recipe, title: title, patterns: [pattern.id], file: path, line: location.line,
                    impact: pattern.impact, evidence: pattern.evidenceKind, applicability: applicability,
                    rationale: rationale, effect: effect, rescues: rescues ?? recipe.rescues,
                    edits: edits.map { [path: $0] } ?? [:]))
        }
        let share = percent(pattern.evidence["traffic_share"]?.doubleValue)
        switch pattern.kind {
        case .unhandledDependencyError, .cascade, .unattributedErrors:
            var libraries: Set<String> = []
            if let library = pattern.evidence["library"]?.stringValue ?? pattern.evidence["dependency"]?.stringValue {
                libraries.insert(library)
            }
            if case .object(let exceptions)? = pattern.evidence["exceptions"] {
                for name in exceptions.keys {
                    // Only a handler that would catch the traceback's exception answers it.
                    if let root = name.split(separator: ".").first.map(String.init), ErrorMapping.of(root)?.catches(name) == true {
                        libraries.insert(root)
                    }
                }
            }
            for location in pattern.locations {
                guard let call = context.dependency(file: location.file, line: location.line), call.kind == .http,
                    httpLibraries.contains(call.library)
                else { continue }
                let method = call.httpMethod?.uppercased() ?? "?"
                if RecipeWriter.idempotentMethods.contains(method) {
                    draft(
                        // Unsafe: each retry adds to the worst-case latency.
                        .retryIdempotent, "Retry the idempotent \(method) `\(call.callee)` on transient errors",
                        at: location, .unsafe,
                        "`\(call.callee)` in \(call.function) fails when its backend drops a connection or times out, and "
                            + "the error reaches the client as a 5xx. The call is a \(method), which is idempotent, so "
                            + "repeating it is safe: up to 3 tries with exponential backoff and jitter (0.1-0.2 s, then "
                            + "0.2-0.4 s), catching only \(call.library)'s transient errors.",
                        "Requests that failed on a single dropped connection or timeout succeed on the next try; "
                            + "a dependency that is down still fails, after at most about 0.6 s more.",
                        edits: context.file(location.file).flatMap { RecipeWriter.retry(call, in: $0) })
                } else if let edits = context.file(location.file).flatMap({ RecipeWriter.idempotencyKey(call, in: $0) }) {
                    // Only with a key that is the same on every retry: the inbound request's.
                    draft(
                        .idempotencyKey, "Forward the client's idempotency key with the \(method) `\(call.callee)`",
                        at: location, .unsafe,
                        "`\(call.callee)` is a \(method), so a retry after a timeout could apply the write twice. "
                            + "No retry is proposed for it. The handler's request carries the client's `Idempotency-Key`, "
                            + "the same on each of its retries; forwarding it lets the receiver drop a repeat.",
                        "Client retries of this write no longer duplicate it downstream, once the receiver honours the key.",
                        edits: edits)
                }
            }
            for location in pattern.locations {
                guard let file = context.file(location.file),
                    let (name, call) = RecipeWriter.uncheckedResponse(
                        line: location.line, calls: context.scan.dependencies.filter { $0.file == location.file }, in: file)
                else { continue }
                libraries.insert(call.library)
                draft(
                    .checkResponseStatus, "Check the status of `\(call.callee)` before reading its body", at: location,
                    .unsafe,
                    "\(call.function) reads `\(name)` without checking its status, so an error answer from the "
                        + "dependency (a 404 for an unknown item, a 503) fails later, on a field that is not there, "
                        + "as an unrelated exception and a 500. `\(name).raise_for_status()` raises \(call.library)'s "
                        + "own error at once, which a 503 handler (or a handler of your own) can map.",
                    "Dependency error answers surface as \(call.library) errors with the dependency's status instead "
                        + "of KeyErrors; together with the 503 mapping they stop being 500s.",
                    edits: RecipeWriter.checkStatus(
                        line: location.line, calls: context.scan.dependencies.filter { $0.file == location.file }, in: file))
            }
            for library in libraries.sorted() {
                guard let app = context.app(for: pattern.endpoints), RecipeWriter.failureClass(library) != nil else {
                    continue
                }
                let location = SourceLocation(file: app.file, line: app.line, function: "")
                // Starlette answers an unhandled exception with a 500 and then closes the keep-alive
                // connection without saying so; the next request sent on it fails with a reset. A
                // handler answers without an exception, so that request is rescued.
                let resets = pattern.endpoints.compactMap { context.patterns.endpoints[$0]?.chaos?.errorKinds["reset"] }.reduce(0, +)
                let dropsConnections = resets > 0 && (app.framework == .fastapi || app.framework == .starlette)
                let dropped =
                    dropsConnections
                    ? " Under chaos, \(resets) request(s) on these endpoints failed with a connection reset: after an unhandled "
                        + "exception Starlette answers 500 and closes the keep-alive connection without `Connection: close`, "
                        + "so the next request sent on it fails. A handled error keeps the connection open."
                    : ""
                let mapping = ErrorMapping.of(library)!
                var caught = "It catches only \(library)'s transient errors (\(mapping.summary))"
                if let broad = mapping.broadClass {
                    caught += "; a `\(broad)` counts only when it says the database is locked or timed out"
                        + (mapping.checksInvalidated ? " or the connection was lost" : "")
                        + ", and any other one (no such table, bad SQL) is re-raised and stays a 500"
                }
                caught += "."
                draft(
                    .mapDependencyError, "Answer transient \(library) failures with 503 instead of 500, logged", at: location,
                    .unsafe,
                    "A \(library) failure escapes the handlers of \(pattern.endpoints.count) endpoint(s)"
                        + (share.map { " (\($0) of the traffic)" } ?? "")
                        + " and the framework answers 500, which says the server is broken. An error handler on the app "
                        + "answers 503 with `Retry-After` instead, which says to come back, and logs the traceback. "
                        + caught
                        + (mapping.answered.map {
                            " An error the dependency answered (`\($0.name)`) keeps a 4xx status and its `Retry-After`; an "
                                + "upstream 5xx becomes 503."
                        } ?? "")
                        + (mapping.timeout.map { " A timeout (`\($0)`) answers 504." } ?? "")
                        + " It changes the status clients see, so it is unsafe: review it." + dropped,
                    "Errors caused by \(library) become 503 (or 504) with their traceback in the log, so clients and load "
                        + "balancers back off instead of treating the app as broken."
                        + (dropsConnections
                            ? " The requests that failed with a reset after such an error succeed." : " The error rate itself does not change."),
                    edits: context.file(app.file).flatMap { RecipeWriter.mapError(library: library, app: app, in: $0) },
                    rescues: dropsConnections)
            }
        case .noTimeout, .missingTimeout:
            for location in pattern.locations {
                guard let call = context.dependency(file: location.file, line: location.line), call.kind == .http,
                    httpLibraries.contains(call.library), call.hasTimeout != true
                else { continue }
                let baseline = context.baselineP99(call.routes)
                let seconds = RecipeWriter.timeoutSeconds(baselineP99Us: baseline)
                let basis =
                    baseline.map { "three times the slowest baseline p99 of the endpoints that reach it (\(ms($0))), rounded up to the 1/2/5/10/30 s ladder" }
                    ?? "httpx's own default, as the run has no baseline latency for it"
                draft(
                    .addTimeout, "Give `\(call.callee)` an explicit \(seconds) s timeout", at: location, .unsafe,
                    "`\(call.callee)` in \(call.function) has no timeout, so a slow backend holds the request "
                        + "(requests waits forever, httpx 5 s per phase, aiohttp 300 s). \(seconds) s is \(basis). "
                        + "Review the value: a call that is legitimately slower will now fail.",
                    "A slow \(call.library) backend costs at most \(seconds) s per call instead of its full delay; "
                        + "the worker is freed to serve other requests.",
                    edits: context.file(location.file).flatMap { RecipeWriter.timeout(call, seconds: seconds, in: $0) })
            }
        case .blockingCallInAsync, .eventLoopBlocking:
            for location in pattern.locations {
                guard let file = context.file(location.file), let function = file.enclosingFunction(ofLine: location.line),
                    function.isAsync, let edits = RecipeWriter.offload(line: location.line, in: file)
                else { continue }
                draft(
                    .offloadBlockingCall, "Run the blocking call at \(location.file):\(location.line) in a worker thread",
                    at: location, .unsafe,
                    "\(function.name) is an `async def`, but the call on this line blocks: while it runs, the event "
                        + "loop serves no other request, on any endpoint. `await asyncio.to_thread(...)` runs it in a "
                        + "worker thread and keeps the loop serving. Review that the called code is safe to run in "
                        + "another thread (an sqlite3 connection, for one, must be opened in the thread that uses it).",
                    "Other endpoints keep their latency while this call is slow; the handler's own latency is unchanged.",
                    edits: edits)
            }
        case .clientPerRequest:
            let app = context.app(for: pattern.endpoints) ?? (context.scan.apps.count == 1 ? context.scan.apps.first : nil)
            for location in pattern.locations {
                let calls = context.scan.dependencies.filter { $0.file == location.file }
                // One client serves every HTTP call of the module: its timeout covers all their endpoints.
                let routes = calls.filter { $0.kind == .http }.flatMap(\.routes)
                let seconds = RecipeWriter.timeoutSeconds(baselineP99Us: context.baselineP99(routes.isEmpty ? pattern.endpoints : routes))
                let reuse = context.file(location.file).map {
                    RecipeWriter.reuseClient(
                        line: location.line, calls: calls, seconds: seconds, app: app, appFile: app.flatMap { context.file($0.file) },
                        in: $0)
                }
                // The edits may span two files (the client's module and the app's lifespan).
                out.append(
                    Draft(
                        recipe: .reuseHTTPClient, title: "Reuse one HTTP client in \(location.function) instead of one per call",
                        patterns: [pattern.id], file: location.file, line: location.line, impact: pattern.impact,
                        evidence: pattern.evidenceKind, applicability: .unsafe,
                        rationale: "\(location.function) builds a new HTTP client for every call, so no connection is reused: "
                            + "each call pays a TCP connect (and a TLS context) and under load the app churns ephemeral ports. "
                            + (reuse?.shape ?? "chaos-test writes no diff: the file could not be read."),
                        effect: "Lower latency and CPU per call, fewer connect errors under load.",
                        rescues: Recipe.reuseHTTPClient.rescues, edits: reuse?.edits ?? [:]))
            }
        case .nonIdempotentWrite:
            for location in pattern.locations {
                if let call = context.dependency(file: location.file, line: location.line), call.kind == .http {
                    // Only with a key that is the same on every retry: the inbound request's.
                    guard let edits = context.file(location.file).flatMap({ RecipeWriter.idempotencyKey(call, in: $0) })
                    else { continue }
                    let method = call.httpMethod?.uppercased() ?? "POST"
                    draft(
                        .idempotencyKey, "Forward the client's idempotency key with the \(method) `\(call.callee)`",
                        at: location, .unsafe,
                        "`\(call.callee)` is a \(method) that a retry would repeat, so no retry is proposed for it. "
                            + "The handler's request carries the client's `Idempotency-Key`, the same on each of its "
                            + "retries; forwarding it lets the receiver drop a repeat.",
                        "Client retries of this write no longer duplicate it downstream, once the receiver honours the key.",
                        edits: edits)
                } else if let file = context.file(location.file),
                    let function = file.module.definitions.first(where: { $0.isFunction && $0.line == location.line })
                {
                    draft(
                        .idempotencyKey, "Accept an Idempotency-Key in \(function.name) before writing", at: location,
                        .unsafe,
                        "\(function.name) writes on every POST, so a client or proxy that retries after a timeout "
                            + "writes twice. The handler should read an `Idempotency-Key` header "
                            + "and return the stored result of a key it has seen. That needs a store shared by every "
                            + "worker, so chaos-test writes no diff for it.",
                        "Client retries of this POST no longer create duplicates.", edits: nil)
                }
            }
        case .threadPoolExhaustion:
            // The slow synchronous calls the saturated endpoints make: each gets a bulkhead.
            let pool: Int
            if case .int(let size)? = pattern.evidence["pool_size"] { pool = size } else { pool = 40 }
            // Not around a local SQLite file: there is no backend whose capacity a limit protects.
            let calls = context.scan.dependencies.filter { call in
                call.awaited != true && [.http, .database, .cache].contains(call.kind) && !call.isLocal
                    && !Set(call.routes).isDisjoint(with: pattern.endpoints)
            }
            var seen: Set<String> = []
            for call in calls where seen.insert(call.library).inserted {
                let location = SourceLocation(file: call.file, line: call.line, function: call.function)
                let limit = max(1, pool / 2)
                draft(
                    .bulkhead, "Bound the \(call.library) calls in flight from thread-pool endpoints", at: location, .unsafe,
                    "Synchronous endpoints run in a pool of \(pool) threads; while \(call.library) is slow, its calls hold "
                        + "them until none is left and every `def` endpoint queues. A bulkhead of \(limit) slots keeps half "
                        + "the pool for other work: a call that cannot get a slot within a second fails at once with "
                        + "\(call.library)'s own error. Review the limit against the dependency's real capacity.",
                    "Endpoints that do not use \(call.library) keep their latency while it is slow; excess calls to it "
                        + "fail fast instead of queueing.",
                    edits: context.file(call.file).flatMap { RecipeWriter.bulkhead(call, limit: limit, in: $0) })
            }
        case .failureBurst:
            // A dependency down for a while: a retry only adds load to it; stop calling it instead.
            // A breaker guards a remote backend; a local file or SQLite database has none to protect.
            guard let dependency = pattern.evidence["dependency"]?.stringValue, !dependency.isEmpty,
                let location = pattern.locations.first,
                let call = context.dependency(file: location.file, line: location.line), !call.isLocal
            else { break }
            let library = call.dependencyName
            let package = call.isAsync ? "aiobreaker" : "pybreaker"
            var longest = 0
            if case .int(let value)? = pattern.evidence["longest_burst"] { longest = value }
            draft(
                .circuitBreaker, "Put a circuit breaker around \(library) calls", at: location, .unsafe,
                "`\(call.callee)` in \(call.function) failed in bursts: \(longest) requests in a row failed while other "
                    + "times it answered, which is a dependency down for a while rather than one that drops a call now "
                    + "and then. Every request in a burst still waits for its own failed call, and a retry would only add "
                    + "load to it. A circuit breaker opens after a run of failures, fails calls at once for a cool-down, "
                    + "then lets one through to test recovery. It needs a library (`\(package)`) and values tuned to the "
                    + "dependency (failures before opening, cool-down), so chaos-test writes no diff for it.",
                "During an outage of \(library), requests fail in microseconds instead of waiting, and it gets time to recover.",
                edits: nil)
        case .resetAfterError:
            // The cure is to stop the 500s themselves: the dependency-error patterns of those
            // endpoints carry the exception handler and the retries.
            break
        case .testFailsUnderChaos:
            // A test broken by chaos names the points that fired in it; the load's patterns at
            // those points carry the recipes, so it adds no proposal of its own.
            break
        }
        // A dependency whose failures break several endpoints at once: stop calling it for a while.
        if pattern.kind == .cascade, case .int(let failing)? = pattern.evidence["endpoints_failing"], failing >= 2,
            let dependency = pattern.evidence["dependency"]?.stringValue, let location = pattern.locations.first,
            context.dependency(file: location.file, line: location.line)?.isLocal != true
        {
            let call = context.dependency(file: location.file, line: location.line)
            let library = DependencyCall.dependencyName(library: dependency, kind: call?.kind)
            let isAsync = call?.isAsync ?? false
            let package = isAsync ? "aiobreaker" : "pybreaker"
            draft(
                .circuitBreaker, "Put a circuit breaker around \(library) calls", at: location, .unsafe,
                "When \(library) fails, \(failing) endpoints fail with it, and every request still waits for its own "
                    + "failed call. A circuit breaker opens after a run of failures and fails calls at once for a cool-down, "
                    + "then lets one through to test recovery. It needs a library (`\(package)`) and values tuned to the "
                    + "dependency (failures before opening, cool-down), so chaos-test writes no diff for it.",
                "While \(library) is down, its calls fail in microseconds instead of waiting, and it gets time to recover.",
                edits: nil)
        }
        // A SQLAlchemy engine whose connections fail: pre-ping them and bound the wait for one.
        if [.unhandledDependencyError, .noTimeout, .cascade].contains(pattern.kind),
            (pattern.evidence["library"]?.stringValue ?? pattern.evidence["dependency"]?.stringValue)?.hasPrefix("sqlalchemy") == true
        {
            let files = Set(context.scan.dependencies.filter { $0.library.hasPrefix("sqlalchemy") }.map(\.file))
                .union(context.scan.apps.map(\.file)).sorted()
            for path in files {
                guard let file = context.file(path) else { continue }
                let seconds = RecipeWriter.timeoutSeconds(baselineP99Us: context.baselineP99(pattern.endpoints))
                guard let (line, edits) = RecipeWriter.sqlalchemyPool(in: file, timeout: seconds) else { continue }
                draft(
                    .sqlalchemyPool, "Pre-ping pooled SQLAlchemy connections and bound the wait for one",
                    at: SourceLocation(file: path, line: line, function: ""), .unsafe,
                    "SQLAlchemy hands out pooled connections without checking them, so a connection the database "
                        + "dropped fails the request that gets it; with every connection busy a request waits 30 s for "
                        + "one. `pool_pre_ping=True` tests each connection before use and replaces a dead one; "
                        + "`pool_timeout=\(seconds)` bounds the wait. Review the timeout against your pool size.",
                    "Requests no longer fail on connections the database dropped; a saturated pool fails fast.",
                    edits: edits)
                break
            }
        }
        return out
    }

    static func percent(_ value: Double?) -> String? {
        value.map { String(format: "%.1f%%", $0 * 100) }
    }

    static func ms(_ us: Int) -> String { String(format: "%.0f ms", Double(us) / 1000) }
}

extension JSONValue {
    var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
}
