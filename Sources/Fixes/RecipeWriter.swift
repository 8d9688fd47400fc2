import Artifacts
import PythonSource

/// Writes one recipe at one place as source edits. Each function returns nil when the code there
/// is not in a shape it can change safely; the caller then proposes the recipe without a diff.
enum RecipeWriter {
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]

    /// The exception a transient failure of an HTTP client raises: what a retry catches.
    static func transientErrors(_ library: String) -> (clause: String, imports: [String])? {
        switch library {
        case "httpx": ("httpx.TransportError", ["import httpx"])
        case "requests": ("(requests.ConnectionError, requests.Timeout)", ["import requests"])
        case "aiohttp": ("(aiohttp.ClientConnectionError, asyncio.TimeoutError)", ["import aiohttp", "import asyncio"])
        default: nil
        }
    }

    /// What a 503 handler catches for a library (see ``ErrorMapping``): its first class names it.
    static func failureClass(_ library: String) -> (name: String, imports: [String])? {
        ErrorMapping.of(library).map { ($0.handled[0], $0.imports) }
    }

    static func importEdits(_ lines: [String], in file: EditableFile) -> [SourceEdit] {
        let missing = lines.filter { line in
            let words = line.split(separator: " ").map(String.init)
            if words.count == 2, words[0] == "import", file.importsModule(words[1]) { return false }
            if words.count == 4, words[0] == "from", file.imports(words[3], from: words[1]) { return false }
            return true
        }
        // All at once: two imports opening the same section share its blank line.
        return file.addImports(missing)
    }

    // MARK: retry

    /// Wraps the statement holding an idempotent outbound call in a bounded retry loop with
    /// exponential backoff and jitter, catching only the client's transient errors.
    static func retry(_ call: DependencyCall, in file: EditableFile) -> [SourceEdit]? {
        guard let method = call.httpMethod?.uppercased(), idempotentMethods.contains(method),
            let errors = transientErrors(call.library),
            let logical = file.logicalLine(covering: call.line),
            let function = file.enclosingFunction(ofLine: call.line)
        else { return nil }
        let statement = file.module.logicalLines[logical]
        guard !statement.isCompoundHeader else { return nil }
        let lines = statement.firstLine...statement.lastLine
        guard !file.hasMultilineString(in: lines) else { return nil }
        let counter = file.uses("attempt", in: function) ? "retry_attempt" : "attempt"
        guard !file.uses(counter, in: function) else { return nil }
        let indent = String(decoding: file.indentation(ofLine: statement.firstLine), as: UTF8.self)
        let unit = String(decoding: file.indentUnit, as: UTF8.self)
        let nl = String(decoding: file.newline, as: UTF8.self)
        let sleep = function.isAsync ? "await asyncio.sleep" : "time.sleep"
        let first = file.module.code[statement.range.lowerBound]
        let returns = file.module.isName(statement.range.lowerBound, "return") && first.kind == .name
        var text = indent + "for \(counter) in range(3):  # chaos-test fix: retry this idempotent \(method) on transient errors" + nl
        text += indent + unit + "try:" + nl
        var bytes = Array(text.utf8)
        bytes += file.reindented(lines, by: Array((unit + unit).utf8))
        var tail = ""
        if !returns { tail += indent + unit + unit + "break" + nl }
        tail += indent + unit + "except \(errors.clause):" + nl
        tail += indent + unit + unit + "if \(counter) == 2:" + nl
        tail += indent + unit + unit + unit + "raise" + nl
        tail += indent + unit + unit + "\(sleep)(0.1 * 2**\(counter) * (1 + random.random()))" + nl
        bytes += Array(tail.utf8)
        let range = file.lineRange(statement.firstLine).lowerBound..<file.lineRange(statement.lastLine).upperBound
        var imports = errors.imports + ["import random"]
        imports.append(function.isAsync ? "import asyncio" : "import time")
        return [SourceEdit(range: range, replacement: bytes)] + importEdits(imports, in: file)
    }

    // MARK: timeout

    /// The ladder of timeouts a proposal picks from, so reruns give the same diff.
    static let timeoutLadder = [1, 2, 5, 10, 30]

    /// Three times the slowest baseline p99 of the endpoints that reach the call, rounded up to
    /// the ladder; 5 s (httpx's own default) when there is no baseline.
    static func timeoutSeconds(baselineP99Us: Int?) -> Int {
        guard let p99 = baselineP99Us else { return 5 }
        let wanted = Double(p99) * 3 / 1_000_000
        return timeoutLadder.first { Double($0) >= wanted } ?? timeoutLadder.last!
    }

    static func timeout(_ call: DependencyCall, seconds: Int, in file: EditableFile) -> [SourceEdit]? {
        guard call.kind == .http, call.hasTimeout != true, let found = file.call(onLine: call.line, callee: call.callee),
            found.keyword("timeout") == nil, !found.arguments.contains(where: { $0.stars == 2 })
        else { return nil }
        switch call.library {
        case "httpx", "requests":
            return [file.addKeyword("timeout", value: "\(seconds).0", to: found)]
        case "aiohttp":
            return [file.addKeyword("timeout", value: "aiohttp.ClientTimeout(total=\(seconds))", to: found)]
                + importEdits(["import aiohttp"], in: file)
        default:
            return nil
        }
    }

    // MARK: offload

    static let builtins: Set<String> = [
        "len", "str", "int", "float", "bool", "dict", "list", "tuple", "set", "print", "isinstance", "abs", "min",
        "max", "sum", "sorted", "range", "enumerate", "zip", "round", "repr", "getattr", "hasattr", "type", "super",
    ]

    /// Runs the blocking call on the line in a worker thread: `f(a, b)` becomes
    /// `await asyncio.to_thread(f, a, b)`. Only inside an `async def`, only for a plain call.
    static func offload(line: Int, in file: EditableFile) -> [SourceEdit]? {
        guard let function = file.enclosingFunction(ofLine: line), function.isAsync else { return nil }
        let code = file.module.code
        guard
            let call = file.calls(onLine: line).first(where: { call in
                !call.isAwaited && call.chain.allSatisfy { if case .name = $0 { true } else { false } }
                    && !builtins.contains(call.callee) && !call.callee.hasPrefix("asyncio.")
            })
        else { return nil }
        guard !file.calls(onLine: line).contains(where: { $0.callee == "asyncio.to_thread" }) else { return nil }
        let after = call.close + 1
        let needsParens = after < code.count && (file.module.isOp(after, ".") || file.module.isOp(after, "(") || file.module.isOp(after, "["))
        let start = file.range(ofCode: call.calleeStart).lowerBound
        var edits = [SourceEdit(range: start..<start, replacement: Array((needsParens ? "(await asyncio.to_thread(" : "await asyncio.to_thread(").utf8))]
        let open = file.range(ofCode: call.open)
        if call.arguments.isEmpty {
            edits.append(SourceEdit(range: open.lowerBound..<file.range(ofCode: call.close).upperBound, replacement: Array(")".utf8)))
        } else {
            let next = open.upperBound < file.raw.count ? file.raw[open.upperBound] : 0
            let breaks = next == 0x0A || next == 0x0D
            edits.append(SourceEdit(range: open, replacement: Array((breaks ? "," : ", ").utf8)))
        }
        if needsParens {
            let close = file.range(ofCode: call.close).upperBound
            edits.append(SourceEdit(range: close..<close, replacement: [0x29]))
        }
        return edits + importEdits(["import asyncio"], in: file)
    }

    // MARK: 503

    /// Registers an error handler on the app that answers the library's failures with 503 and
    /// Retry-After. FastAPI, Starlette and Flask; for a factory, inside it before `return app`.
    static func mapError(library: String, app: AppObject, in file: EditableFile) -> [SourceEdit]? {
        guard let mapping = ErrorMapping.of(library) else { return nil }
        let root = library.split(separator: ".").first.map(String.init) ?? library
        let handler = "\(root)_unavailable"
        let nl = String(decoding: file.newline, as: UTF8.self)
        let unit = String(decoding: file.indentUnit, as: UTF8.self)
        let attr = String(app.id.split(separator: ":").last ?? "app").replacingOccurrences(of: "()", with: "")
        var variable = attr
        var indent = ""
        var at: Int
        if app.factory {
            guard let factory = file.module.definitions.first(where: { $0.name == attr && $0.parent == nil && $0.isFunction }),
                let ret = factory.body.lines.last(where: { index in
                    let line = file.module.logicalLines[index]
                    return line.depth == file.module.logicalLines[factory.header].depth + 1
                        && file.module.isName(line.range.lowerBound, "return")
                        && line.range.filter { file.module.code[$0].kind != .newline }.count == 2
                })
            else { return nil }
            let line = file.module.logicalLines[ret]
            variable = file.module.text(line.range.lowerBound + 1)
            indent = String(decoding: file.indentation(ofLine: line.firstLine), as: UTF8.self)
            at = file.lineRange(line.firstLine).lowerBound
        } else {
            at = file.raw.count
        }
        if file.definesTopLevel(handler) { return nil }
        var sentence = "chaos-test fix: a transient \(root) failure answers 503"
        if mapping.timeout != nil { sentence += " (504 on a timeout)" }
        sentence += " instead of a bare 500, and its traceback is logged."
        if mapping.answered != nil { sentence += " An upstream 4xx keeps its status; an upstream Retry-After is kept." }
        let why = wrapComment(sentence, width: 76).map { unit + "# " + $0 }
        var lines: [String] = []
        var imports = mapping.imports
        switch app.framework {
        case .fastapi, .starlette:
            imports.append("import logging")
            imports.append(app.framework == .fastapi ? "from fastapi.responses import JSONResponse" : "from starlette.responses import JSONResponse")
            let log = [
                "logging.getLogger(__name__).error(",
                unit + "\"dependency failed: %s %s\", request.method, request.url.path, exc_info=exc",
                ")",
            ]
            lines = ["async def \(handler)(request, exc):"] + why
            lines += mapping.body(error: "exc", unit: unit, log: log) { status, detail, headers in
                var out = ["return JSONResponse(", unit + "status_code=\(status),", unit + "content={\"detail\": \"\(detail)\"},"]
                if let headers {
                    out.append(
                        unit + (headers == "retry_after"
                            ? "headers={\"Retry-After\": retry_after} if retry_after else None,"
                            : "headers={\"Retry-After\": \(headers)},"))
                }
                return out + [")"]
            }.map { unit + $0 }
            lines += [""]
            lines += mapping.handled.map { "\(variable).add_exception_handler(\($0), \(handler))" }
        case .flask:
            let log = ["\(variable).logger.error(\"a dependency failed\", exc_info=error)"]
            lines = ["def \(handler)(error):"] + why
            lines += mapping.body(error: "error", unit: unit, log: log) { status, detail, headers in
                guard let headers else { return ["return {\"error\": \"\(detail)\"}, \(status)"] }
                return [
                    "return (", unit + "{\"error\": \"\(detail)\"},", unit + "\(status),",
                    unit + (headers == "retry_after"
                        ? "{\"Retry-After\": retry_after} if retry_after else {}," : "{\"Retry-After\": \(headers)},"),
                    ")",
                ]
            }.map { unit + $0 }
            lines += [""]
            lines += mapping.handled.map { "\(variable).register_error_handler(\($0), \(handler))" }
        case .django:
            return nil
        }
        var text = ""
        if app.factory {
            // Inside the factory: no blank-line pairs, the function's own indentation.
            text += nl
            for line in lines { text += line.isEmpty ? nl : indent + line + nl }
        } else {
            // Two blank lines around the top-level function, as PEP 8 and ruff's E30x want.
            if let last = file.raw.last, last != 0x0A { text += nl }
            let blankBefore = lines.firstIndex(of: "").map { lines[..<$0] } ?? lines[...]
            let after = lines.firstIndex(of: "").map { lines[($0 + 1)...] } ?? []
            text += nl + nl + blankBefore.joined(separator: nl) + nl + nl + nl + after.joined(separator: nl) + nl
        }
        let insertion = SourceEdit(range: at..<at, replacement: Array(text.utf8))
        return [insertion] + importEdits(imports, in: file)
    }

    /// Words of a comment in lines of at most `width` characters.
    static func wrapComment(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    // MARK: client reuse

    /// One client instead of one per call. An `httpx.AsyncClient` in a `with` block is opened and
    /// closed in the app's lifespan (see `lifespanClient`); a sync client (`httpx.Client`,
    /// `requests.Session`, or the per-call `httpx.get(...)`) becomes one module-level client with a
    /// timeout, which these libraries allow sharing across threads. Only for clients built without
    /// arguments that name local values.
    static func reuseClient(
        line: Int, calls: [DependencyCall], seconds: Int, app: AppObject?, appFile: EditableFile?, in file: EditableFile
    ) -> ClientReuse {
        let syncShape =
            "A sync client stays at module level (httpx.Client and requests.Session are safe to share across "
            + "threads) with a \(seconds) s timeout; its pooled sockets close when the process exits."
        let none = ClientReuse(edits: nil, shape: "chaos-test writes no diff: the client is built in a shape it cannot move safely.")
        // A `with` header that builds the client.
        if let logical = file.logicalLine(startingOn: line), file.module.logicalLines[logical].keyword == .with,
            let block = file.block(ofHeader: logical)
        {
            let header = file.module.logicalLines[logical]
            let words = (header.range.lowerBound..<header.range.upperBound).map { file.module.text($0) }
            // [async] with <ctor> ( args ) as <name> :
            guard let asIndex = words.firstIndex(of: "as"), asIndex + 2 < words.count, words[asIndex + 2] == ":",
                asIndex + 3 == words.count - 1 || asIndex + 3 == words.count
            else { return none }
            let name = words[asIndex + 1]
            let start = header.isAsync ? 2 : 1
            let constructor = words[start..<asIndex].joined()
            if constructor == "httpx.AsyncClient()" {
                return lifespanClient(header: logical, block: block, name: name, seconds: seconds, app: app, appFile: appFile, in: file)
            }
            let shared: String
            switch true {
            case constructor.hasPrefix("httpx.Client("): shared = "_HTTPX_CLIENT"
            case constructor.hasPrefix("requests.Session("): shared = "_REQUESTS_SESSION"
            default: return none  // an AsyncClient with arguments, aiohttp (needs a running loop), others
            }
            // Arguments may only be keywords and constants: a local value cannot move to module level.
            let headerStart = header.range.lowerBound
            var hasTimeout = false
            if let open = (headerStart..<(headerStart + asIndex)).first(where: { file.module.isOp($0, "(") }) {
                let close = Int(file.module.matchingBracket[open])
                for index in (open + 1)..<max(open + 1, close) where file.module.code[index].kind == .name {
                    let isKeyword = file.module.isOp(index + 1, "=")
                    if isKeyword && file.module.text(index) == "timeout" { hasTimeout = true }
                    if !isKeyword && !["True", "False", "None"].contains(file.module.text(index)) { return none }
                }
            }
            guard !file.hasMultilineString(in: block), let body = file.dedented(block) else { return none }
            let nl = String(decoding: file.newline, as: UTF8.self)
            let indent = String(decoding: file.indentation(ofLine: header.firstLine), as: UTF8.self)
            var replacement = Array((indent + "\(name) = \(shared)" + nl).utf8)
            replacement += body
            let range = file.lineRange(header.firstLine).lowerBound..<file.lineRange(block.upperBound).upperBound
            // requests.Session takes no timeout of its own; its calls keep theirs.
            var built = constructor
            if shared == "_HTTPX_CLIENT" && !hasTimeout {
                let inner = String(constructor.dropFirst("httpx.Client(".count).dropLast())
                built = "httpx.Client(" + (inner.isEmpty ? "" : inner + ", ") + "timeout=httpx.Timeout(\(seconds).0))"
            }
            let definition = [
                "# chaos-test fix: one client for the module reuses connections (safe to share across threads).",
                "\(shared) = \(built)",
            ]
            let edits = [SourceEdit(range: range, replacement: replacement), file.addModuleLevel(definition)]
                + importEdits([constructor.hasPrefix("requests") ? "import requests" : "import httpx"], in: file)
            return ClientReuse(edits: [file.path: edits], shape: syncShape)
        }
        // A helper that opens a client per call: `httpx.get(...)`.
        guard let call = calls.first(where: { $0.line == line && $0.clientScope == "call" }),
            let found = file.call(onLine: line, callee: call.callee)
        else { return none }
        let parts = call.callee.split(separator: ".")
        guard parts.count == 2 else { return none }
        let shared: String
        let constructor: String
        var edits: [SourceEdit] = []
        switch parts[0] {
        case "httpx": (shared, constructor) = ("_HTTPX_CLIENT", "httpx.Client(timeout=httpx.Timeout(\(seconds).0))")
        case "requests":
            (shared, constructor) = ("_REQUESTS_SESSION", "requests.Session()")
            // A Session has no timeout of its own: the call gets it.
            if found.keyword("timeout") == nil, !found.arguments.contains(where: { $0.stars == 2 }) {
                edits.append(file.addKeyword("timeout", value: "\(seconds).0", to: found))
            }
        default: return none
        }
        guard !file.definesTopLevel(shared), !file.uses(shared) else { return none }
        let libraryToken = file.range(ofCode: found.calleeStart)
        let definition = [
            "# chaos-test fix: one client for the module reuses connections (safe to share across threads).",
            "\(shared) = \(constructor)",
        ]
        edits = [SourceEdit(range: libraryToken, replacement: Array(shared.utf8))] + edits + [file.addModuleLevel(definition)]
        return ClientReuse(edits: [file.path: edits], shape: syncShape)
    }

    // MARK: bulkhead

    /// The error a full bulkhead raises: the dependency's own, so the app's handling (and a 503
    /// handler) treats it like the dependency being unavailable.
    static func unavailableError(_ library: String) -> (expression: String, imports: [String]) {
        switch library.split(separator: ".").first.map(String.init) ?? library {
        case "requests": ("requests.ConnectionError", ["import requests"])
        case "httpx": ("httpx.ConnectError", ["import httpx"])
        case "sqlite3": ("sqlite3.OperationalError", ["import sqlite3"])
        case "redis": ("redis.exceptions.ConnectionError", ["import redis.exceptions"])
        case "sqlalchemy": ("sqlalchemy.exc.TimeoutError", ["import sqlalchemy.exc"])
        default: ("RuntimeError", [])
        }
    }

    /// Bounds the calls in flight to a slow dependency from synchronous handlers: at most `limit`
    /// at once, and a call that cannot get a slot within a second fails fast instead of holding a
    /// worker thread.
    static func bulkhead(_ call: DependencyCall, limit: Int, in file: EditableFile) -> [SourceEdit]? {
        guard let logical = file.logicalLine(covering: call.line), let function = file.enclosingFunction(ofLine: call.line),
            !function.isAsync
        else { return nil }
        let statement = file.module.logicalLines[logical]
        guard !statement.isCompoundHeader else { return nil }
        let lines = statement.firstLine...statement.lastLine
        guard !file.hasMultilineString(in: lines) else { return nil }
        let root = (call.library.split(separator: ".").first.map(String.init) ?? call.library).uppercased()
        let name = "_\(root)_BULKHEAD"
        let error = unavailableError(call.library)
        let indent = String(decoding: file.indentation(ofLine: statement.firstLine), as: UTF8.self)
        let unit = String(decoding: file.indentUnit, as: UTF8.self)
        let nl = String(decoding: file.newline, as: UTF8.self)
        var bytes = Array(
            (indent + "if not \(name).acquire(timeout=1.0):  # chaos-test fix: at most \(limit) \(call.library) calls in flight" + nl
                + indent + unit + "raise \(error.expression)(\"too many concurrent \(call.library) calls; try again\")" + nl
                + indent + "try:" + nl).utf8)
        bytes += file.reindented(lines, by: Array(unit.utf8))
        bytes += Array((indent + "finally:" + nl + indent + unit + "\(name).release()" + nl).utf8)
        let range = file.lineRange(statement.firstLine).lowerBound..<file.lineRange(statement.lastLine).upperBound
        let definition = [
            "# chaos-test fix: slots for \(call.library) calls, so a slow \(call.library) cannot take every worker thread.",
            "\(name) = threading.BoundedSemaphore(\(limit))",
        ]
        return [SourceEdit(range: range, replacement: bytes), file.addModuleLevel(definition)]
            + importEdits(["import threading"] + error.imports, in: file)
    }

    // MARK: SQLAlchemy pool

    /// `create_engine(...)` gains `pool_pre_ping=True` (a connection the database dropped is
    /// replaced before use instead of failing the request) and a `pool_timeout`.
    static func sqlalchemyPool(in file: EditableFile, timeout: Int) -> (line: Int, edits: [SourceEdit])? {
        guard
            let call = file.module.calls.first(where: {
                ($0.callee == "create_engine" || $0.callee.hasSuffix(".create_engine")) && $0.keyword("pool_pre_ping") == nil
                    && !$0.arguments.contains { $0.stars == 2 }
            })
        else { return nil }
        var edits = [file.addKeyword("pool_pre_ping", value: "True", to: call)]
        if call.keyword("pool_timeout") == nil,
            !(call.arguments.first.map { file.module.text($0.value).contains("sqlite") } ?? false)
        {
            // Both keywords go in one edit at the same place.
            let first = edits.removeFirst()
            let second = file.addKeyword("pool_timeout", value: "\(timeout)", to: call)
            edits = [SourceEdit(range: first.range, replacement: first.replacement + second.replacement)]
        }
        return (call.line, edits)
    }

    // MARK: response status

    /// The response variable read on `line` (`resp.json()`), when it holds the answer of an HTTP
    /// call made earlier in the same function that never checks the status.
    static func uncheckedResponse(line: Int, calls: [DependencyCall], in file: EditableFile) -> (name: String, call: DependencyCall)? {
        guard let function = file.enclosingFunction(ofLine: line),
            let read = file.calls(onLine: line).first(where: { $0.callee.hasSuffix(".json") || $0.callee.hasSuffix(".text") }),
            case .name(let name)? = read.chain.first, read.chain.count == 2
        else { return nil }
        guard !file.uses("raise_for_status", in: function) else { return nil }
        for call in calls where call.kind == .http && call.function == function.name && call.line < line {
            guard let logical = file.logicalLine(covering: call.line) else { continue }
            let statement = file.module.logicalLines[logical]
            if file.module.isName(statement.range.lowerBound, name), file.module.isOp(statement.range.lowerBound + 1, "=") {
                return (name, call)
            }
        }
        return nil
    }

    /// Checks the status right after the call, so an error answer raises the client's own error
    /// (which a 503 handler can map) instead of failing later on a body that is not there.
    static func checkStatus(line: Int, calls: [DependencyCall], in file: EditableFile) -> [SourceEdit]? {
        guard let (name, _) = uncheckedResponse(line: line, calls: calls, in: file),
            let logical = file.logicalLine(covering: line)
        else { return nil }
        let statement = file.module.logicalLines[logical]
        let indent = String(decoding: file.indentation(ofLine: statement.firstLine), as: UTF8.self)
        return [
            file.insertLines(
                [indent + "\(name).raise_for_status()  # chaos-test fix: an error answer raises here, not on a missing field"],
                before: statement.firstLine)
        ]
    }

    // MARK: idempotency key

    /// The expression reading the inbound `Idempotency-Key` header in the function holding the
    /// call: a FastAPI/Starlette `request: Request` parameter. (Flask's global `request` is not
    /// used: a helper may run outside a request.) A key minted here, a fresh uuid4 per call,
    /// differs on every retry of the client's request, so the receiver could not drop a repeat;
    /// only the client's own key is the same each time.
    static func inboundKey(in function: Definition, file: EditableFile) -> String? {
        for parameter in function.parameters where parameter.stars == 0 {
            guard let annotation = parameter.annotation else { continue }
            let type = file.module.text(annotation)
            if type == "Request" || type.hasSuffix(".Request") { return "\(parameter.name).headers.get(\"Idempotency-Key\")" }
        }
        return nil
    }

    /// Forwards the client's `Idempotency-Key` with an outbound write, so the receiver drops a
    /// repeat of it. Nil when no inbound request is in scope: then no key is stable across retries.
    static func idempotencyKey(_ call: DependencyCall, in file: EditableFile) -> [SourceEdit]? {
        guard call.kind == .http, let found = file.call(onLine: call.line, callee: call.callee),
            found.keyword("headers") == nil, !found.arguments.contains(where: { $0.stars == 2 }),
            let logical = file.logicalLine(covering: call.line),
            let function = file.enclosingFunction(ofLine: call.line), !file.uses("idempotency_key", in: function),
            let key = inboundKey(in: function, file: file)
        else { return nil }
        let statement = file.module.logicalLines[logical]
        guard !statement.isCompoundHeader else { return nil }
        let indent = String(decoding: file.indentation(ofLine: statement.firstLine), as: UTF8.self)
        let line = indent + "idempotency_key = \(key)  # chaos-test fix: the client's key, the same on each retry"
        return [
            file.insertLines([line], before: statement.firstLine),
            file.addKeyword(
                "headers", value: "{\"Idempotency-Key\": idempotency_key} if idempotency_key else None", to: found),
        ]
    }
}

extension EditableFile {
    /// True when the module already defines a top-level name.
    func definesTopLevel(_ name: String) -> Bool {
        module.definitions.contains { $0.parent == nil && $0.name == name }
    }
}
