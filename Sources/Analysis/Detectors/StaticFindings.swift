import Artifacts

/// Findings read off scan.json alone, each at the line to fix. Their impact is the traffic share
/// of the routes that reach them in this run, times a weight that keeps them below measured
/// patterns of the same reach: 0.5 for a missing timeout and a blocking call in `async def`, 0.25
/// for a client per request and a non-idempotent write.
enum StaticFindings {
    static let weights: [PatternKind: Double] = [
        .missingTimeout: 0.5, .blockingCallInAsync: 0.5, .clientPerRequest: 0.25, .nonIdempotentWrite: 0.25,
    ]

    /// Module-level helpers of these libraries build a client (and a connection pool) per call.
    static let perCallClientLibraries: Set<String> = ["requests", "httpx"]
    static let perCallClientVerbs: Set<String> = [
        "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
    ]
    static let writeMethods: Set<String> = ["POST", "PATCH"]
    /// Method names that write to a database, cache or queue.
    static let writeCallees: Set<String> = [
        "commit", "executemany", "executescript", "insert", "insert_one", "insert_many", "update", "update_one",
        "update_many", "delete", "delete_one", "delete_many", "replace_one", "add", "add_all", "save", "create",
        "bulk_create", "bulk_update", "merge", "flush", "set", "hset", "mset", "setex", "incr", "lpush", "rpush",
        "sadd", "zadd", "xadd", "publish", "put_item", "write",
    ]
    /// Words of a function's name (split at `_`) that mark its generic `execute` as a write.
    static let writeWords: Set<String> = ["insert", "update", "delete", "create", "save", "write", "add", "set", "put", "remove", "upsert", "store"]

    static func detect(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        findings += missingTimeouts(context)
        findings += blockingCalls(context)
        findings += clientsPerRequest(context)
        findings += nonIdempotentWrites(context)
        return findings
    }

    private static func finding(
        _ kind: PatternKind, _ title: String, routes: Set<String>, locations: [SourceLocation],
        evidence: [String: JSONValue], context: AnalysisContext
    ) -> Finding {
        let endpoints = routes.reduce(into: Set<Int>()) { $0.formUnion(context.endpoints(forRouteKey: $1)) }
        let impact = (weights[kind] ?? 0.25) * context.trafficShare(endpoints)
        return Finding(
            kind: kind, title: title, impact: impact, endpoints: routes.sorted(), points: [],
            locations: locations.uniqued(), evidenceKind: .static, evidence: evidence)
    }

    private static func missingTimeouts(_ context: AnalysisContext) -> [Finding] {
        context.scan.dependencies.filter { $0.kind == .http && $0.hasTimeout == false }.map { call in
            finding(
                .missingTimeout, "\(call.callee) in \(call.function) has no timeout", routes: Set(call.routes),
                locations: [SourceLocation(file: call.file, line: call.line, function: call.function)],
                evidence: ["library": .string(call.library), "callee": .string(call.callee)], context: context)
        }
    }

    private static func blockingCalls(_ context: AnalysisContext) -> [Finding] {
        let routeByKey = routesByKey(context.scan)
        // Location → the routes and calls that block there.
        var byLocation: [SourceLocation: (routes: Set<String>, calls: Set<String>)] = [:]
        for call in context.scan.dependencies where call.awaited == false {
            for key in call.routes {
                guard let route = routeByKey[key], route.isAsync else { continue }
                let location: SourceLocation
                if let vias = call.reachedVia {
                    guard let via = vias.first(where: { $0.route == key }), !via.offloaded else { continue }
                    location = SourceLocation(file: via.file, line: via.line ?? call.line, function: route.function)
                } else if call.file == route.file && call.function == route.function {
                    location = SourceLocation(file: call.file, line: call.line, function: call.function)
                } else {
                    continue
                }
                byLocation[location, default: ([], [])].routes.insert(key)
                byLocation[location, default: ([], [])].calls.insert("\(call.callee) (\(call.file):\(call.line))")
            }
        }
        return byLocation.map { location, found in
            finding(
                .blockingCallInAsync, "a blocking call in async \(location.function) holds the event loop",
                routes: found.routes, locations: [location],
                evidence: ["calls": .strings(found.calls.sorted())], context: context)
        }
    }

    private static func clientsPerRequest(_ context: AnalysisContext) -> [Finding] {
        var byLocation: [SourceLocation: (routes: Set<String>, calls: Set<String>)] = [:]
        for call in context.scan.dependencies where call.kind == .http && !call.routes.isEmpty {
            let location: SourceLocation
            if let scope = call.clientScope, scope == "call" || scope == "function", let line = call.clientLine {
                location = SourceLocation(file: call.file, line: line, function: call.function)
            } else if isPerCallHelper(call) {
                location = SourceLocation(file: call.file, line: call.line, function: call.function)
            } else {
                continue
            }
            byLocation[location, default: ([], [])].routes.formUnion(call.routes)
            byLocation[location, default: ([], [])].calls.insert("\(call.callee) (\(call.file):\(call.line))")
        }
        return byLocation.map { location, found in
            finding(
                .clientPerRequest, "a new HTTP client for every call in \(location.function)", routes: found.routes,
                locations: [location], evidence: ["calls": .strings(found.calls.sorted())], context: context)
        }
    }

    /// `requests.get(...)`, `httpx.post(...)`: the module-level helpers that open a client per call.
    static func isPerCallHelper(_ call: DependencyCall) -> Bool {
        let parts = call.callee.split(separator: ".")
        return parts.count == 2 && perCallClientLibraries.contains(String(parts[0]))
            && perCallClientVerbs.contains(String(parts[1]))
    }

    private static func nonIdempotentWrites(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for call in context.scan.dependencies where call.kind == .http && !call.routes.isEmpty {
            guard let method = call.httpMethod?.uppercased(), writeMethods.contains(method) else { continue }
            findings.append(
                finding(
                    .nonIdempotentWrite, "\(call.callee) sends a \(method) that a retry would repeat",
                    routes: Set(call.routes),
                    locations: [SourceLocation(file: call.file, line: call.line, function: call.function)],
                    evidence: ["callee": .string(call.callee), "http_method": .string(method)], context: context))
        }
        // POST routes that reach the database: each retry writes again.
        let stores: Set<DependencyKind> = [.database, .cache, .queue]
        for route in context.scan.routes where route.methods.contains("POST") {
            let key = "POST \(route.path)"
            let calls = context.scan.dependencies.filter { stores.contains($0.kind) && $0.routes.contains(key) }
            guard !calls.isEmpty else { continue }
            let writes = calls.filter(isWrite)
            var locations: [SourceLocation] = []
            for call in writes.isEmpty ? calls : writes {
                if let via = call.reachedVia?.first(where: { $0.route == key }), let line = via.line {
                    locations.append(SourceLocation(file: via.file, line: line, function: route.function))
                } else if call.file == route.file && call.function == route.function {
                    locations.append(SourceLocation(file: call.file, line: call.line, function: call.function))
                }
            }
            locations.sort { ($0.file, $0.line) < ($1.file, $1.line) }
            // The handler is where an idempotency key would be read.
            locations.append(SourceLocation(file: route.file, line: route.line, function: route.function))
            findings.append(
                finding(
                    .nonIdempotentWrite, "POST \(route.path) writes on every call, with no idempotency key",
                    routes: [key], locations: locations,
                    evidence: [
                        "writes": .strings((writes.isEmpty ? calls : writes).map { "\($0.callee) (\($0.file):\($0.line))" }.sorted()),
                        "write_recognized": .bool(!writes.isEmpty),
                    ], context: context))
        }
        return findings
    }

    /// A call that writes: a writing method, or a generic `execute` in a function named for a write.
    static func isWrite(_ call: DependencyCall) -> Bool {
        let method = String(call.callee.split(separator: ".").last ?? "").lowercased()
        if writeCallees.contains(method) { return true }
        guard method.hasPrefix("execute") else { return false }
        let words = call.function.lowercased().split(separator: "_").map(String.init)
        return words.contains { writeWords.contains($0) }
    }

    private static func routesByKey(_ scan: ScanResult) -> [String: Route] {
        var routes: [String: Route] = [:]
        for route in scan.routes {
            for key in route.endpointKeys where routes[key] == nil { routes[key] = route }
        }
        return routes
    }
}
