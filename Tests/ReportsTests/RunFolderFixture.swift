import Artifacts
import Foundation

/// A small, fully deterministic run folder: every artifact the report reads, built in code so
/// each test can change one thing and see what the report does with it.
struct RunFolderFixture {
    static let t0 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    static let second = 1_000_000_000

    var run: RunRecord
    var config: ChaosConfig?
    var load: LoadResults
    var patterns: FailurePatterns?
    var proposals: FixProposals?
    var eventLines: [String]
    /// Relative path → content, written under the run folder.
    var extraFiles: [String: String]

    static func make(requestsPerPhase: Int = 40) -> RunFolderFixture {
        let t0 = Self.t0
        let s = Self.second
        var run = RunRecord(
            appRoot: "/srv/app", appId: "app.main:app",
            options: ["max_error_rate": .double(0.05), "max_p99": .double(0.5), "seed": .int(7)], seed: 7, startUnixNs: t0)
        run.phases = [
            PhaseTiming(name: "inject", group: "prepare", startUnixNs: t0, endUnixNs: t0 + 1_200_000_000, status: "ok"),
            PhaseTiming(name: "services", group: "prepare", startUnixNs: t0 + 100_000_000, endUnixNs: t0 + 900_000_000, status: "ok"),
            PhaseTiming(name: "load", startUnixNs: t0 + 1_200_000_000, endUnixNs: t0 + 9 * s, status: "ok"),
            PhaseTiming(name: "analyze", startUnixNs: t0 + 9 * s, endUnixNs: t0 + 9 * s + 300_000_000, status: "ok"),
            PhaseTiming(name: "propose", startUnixNs: t0 + 9 * s + 300_000_000, endUnixNs: t0 + 9 * s + 400_000_000, status: "ok"),
        ]
        run.endUnixNs = t0 + 10 * s
        run.exitStatus = 1

        let quote = ChaosConfig.Point(
            id: "dependency|app/main.py|get_quote|httpx.get|0", short: "a1b2c3d4", kind: .dependency, routes: ["GET /quote"],
            file: "app/main.py", line: 12, function: "get_quote",
            fault: ChaosConfig.FaultProfile(faults: [.latency, .dependency], library: "httpx", callee: "httpx.get"),
            patch: "patches/001-app-main.py.patch", insertedLines: [12])
        let booking = ChaosConfig.Point(
            id: "handler|app/main.py|create_booking|entry|0", short: "0f9e8d7c", kind: .handler,
            routes: ["POST /bookings"], file: "app/main.py", line: 30, function: "create_booking",
            fault: ChaosConfig.FaultProfile(faults: [.latency, .exception]), patch: "patches/001-app-main.py.patch",
            insertedLines: [32])
        let config = ChaosConfig(
            app: "app.main:app", seed: 7,
            defaults: ChaosConfig.FaultDefaults(rate: 0.1, delayUs: [100_000, 2_000_000], faults: [.latency, .exception, .dependency], status: 503),
            points: [booking, quote], files: [])

        let endpoints = ["GET /quote", "POST /bookings"]
        var records: [LoadRecord] = []
        let phases = [
            LoadPhase(name: "baseline", startUnixNs: t0 + 2 * s, endUnixNs: t0 + 4 * s),
            LoadPhase(name: "chaos", startUnixNs: t0 + 4 * s, endUnixNs: t0 + 8 * s, settings: .object(["enabled": .bool(true)])),
        ]
        for (phaseIndex, phase) in phases.enumerated() {
            let spacing = (phase.endUnixNs - phase.startUnixNs) / requestsPerPhase
            for n in 0..<requestsPerPhase {
                let endpoint = endpoints[n % 2]
                let sent = phase.startUnixNs + n * spacing
                var latency = 2_000 + (n * 37 % 11) * 1_000
                var status: Int? = 200
                var error: LoadErrorKind?
                if phaseIndex == 1 && endpoint == "GET /quote" && n % 8 == 0 {
                    status = 500
                    error = .http5xx
                }
                if phaseIndex == 1 && endpoint == "POST /bookings" && n % 10 == 1 {
                    latency = 1_500_000
                    status = nil
                    error = .timeout
                }
                if phaseIndex == 1 && endpoint == "POST /bookings" && n == 3 { status = 404 }
                records.append(
                    LoadRecord(
                        id: "r\(records.count)", phase: phase.name, endpoint: endpoint, step: nil, scheduledUnixNs: sent,
                        sentUnixNs: sent, latencyUs: latency, status: status, error: error, bytes: 64))
            }
        }
        var summary: LoadSummary = [:]
        for phase in phases {
            let inPhase = records.filter { $0.phase == phase.name }
            summary[phase.name] = [EndpointSummary.overallKey: Self.summarize(inPhase)]
            for endpoint in endpoints {
                summary[phase.name]![endpoint] = Self.summarize(inPhase.filter { $0.endpoint == endpoint })
            }
        }
        let load = LoadResults(
            meta: LoadMeta(
                target: "http://127.0.0.1:8123", model: .closed, seed: 7, plan: "scan:scan.json", toolVersion: "test",
                startUnixNs: t0 + 2 * s, partial: false, generatorCpuUs: 812_345),
            phases: phases, records: records, summary: summary)

        let patterns = FailurePatterns(
            endpoints: [:],
            points: [quote.id: PointEffect(fired: 3, requestsAffected: 3, errorRateAffected: 1, addedLatencyUs: 0)],
            tracebacks: [
                TracebackGroup(
                    exception: "httpx.ConnectError", message: "connection refused | injected", file: "app/main.py", line: 12,
                    function: "get_quote", count: 3, requestIds: ["r40", "r56", "r72"])
            ],
            patterns: [
                Pattern(
                    id: "client-per-request-1", kind: .clientPerRequest, title: "HTTP client created per request",
                    severity: .low, impact: 0.01, endpoints: ["GET /quote"], points: [],
                    locations: [SourceLocation(file: "app/main.py", line: 11, function: "get_quote")], evidenceKind: .static,
                    evidence: ["callee": .string("httpx.Client")]),
                Pattern(
                    id: "no-timeout-1", kind: .noTimeout, title: "No timeout on the booking call",
                    severity: .high, impact: 0.2, endpoints: ["POST /bookings"], points: [booking.id],
                    locations: [SourceLocation(file: "app/main.py", line: 34, function: "create_booking")],
                    evidenceKind: .measured, evidence: ["p99_us": .int(1_500_000), "correlation": .double(0.93)]),
                Pattern(
                    id: "missing-timeout-1", kind: .missingTimeout, title: "httpx.get without a timeout",
                    severity: .critical, impact: 0.1, endpoints: ["GET /quote"], points: [],
                    locations: [SourceLocation(file: "app/main.py", line: 12, function: "get_quote")], evidenceKind: .static,
                    evidence: [:]),
                Pattern(
                    id: "unhandled-dependency-error-1", kind: .unhandledDependencyError,
                    title: "httpx.ConnectError surfaces as 500 | quote", severity: .critical, impact: 0.3,
                    endpoints: ["GET /quote"], points: [quote.id],
                    locations: [SourceLocation(file: "app/main.py", line: 12, function: "get_quote")],
                    evidenceKind: .measured, evidence: ["error_rate": .double(0.25), "requests": .int(20)]),
            ],
            notes: ["3 failed requests have no traceback in logs/app.log"])

        let proposals = FixProposals(proposals: [
            FixProposal(
                id: "fix-2", recipe: "add-timeout", title: "Pass a timeout to the booking call", patterns: ["no-timeout-1"],
                file: "app/main.py", line: 34, applicability: .unsafe, priority: 2, impact: 0.2,
                rationale: "Without a timeout a slow provider holds the worker.", expectedEffect: "p99 bounded by 2 s.",
                evidence: .measured, patch: nil),
            FixProposal(
                id: "fix-1", recipe: "handle-dependency-error", title: "Map httpx errors to 503",
                patterns: ["unhandled-dependency-error-1"], file: "app/main.py", line: 12, applicability: .safe, priority: 1,
                impact: 0.3, rationale: "A provider failure is not a bug of this app.",
                expectedEffect: "500s become 503 with Retry-After.", evidence: .measured, patch: "fixes/001-handle-dependency-error.patch",
                verified: Verification(errorRateBefore: 0.25, errorRateAfter: 0, p99BeforeUs: 12_000, p99AfterUs: 11_000)),
            FixProposal(
                id: "fix-3", recipe: "reuse-client", title: "Reuse one httpx client", patterns: ["client-per-request-1"],
                file: "app/main.py", line: 11, applicability: .safe, priority: 3, impact: 0.01,
                rationale: "A client per request pays a new connection each time.", expectedEffect: "Fewer connects.",
                evidence: .static, patch: "fixes/003-reuse-client.patch"),
        ])

        let diff = """
            --- a/app/main.py
            +++ b/app/main.py
            @@ -10,4 +10,7 @@
             def get_quote():
                 client = httpx.Client()
            -    return client.get(PROVIDER).json()
            +    try:
            +        return client.get(PROVIDER).json()
            +    except httpx.HTTPError:
            +        raise HTTPException(status_code=503)

            """
        let events = [
            #"{"time_unix_ns": \#(t0 + 4 * s), "settings": {"enabled": true}}"#,
            #"{"time_unix_ns": \#(t0 + 4 * s + 10_000_000), "point": "\#(quote.id)", "fault": "dependency", "request_id": "r40", "delay_us": null, "exception": "httpx.ConnectError", "pid": 42}"#,
            #"{"time_unix_ns": \#(t0 + 5 * s), "point": "\#(quote.id)", "fault": "dependency", "request_id": "r56", "delay_us": null, "exception": "httpx.ConnectError", "pid": 42}"#,
            #"{"time_unix_ns": \#(t0 + 6 * s), "point": "\#(booking.id)", "fault": "latency", "request_id": "r61", "delay_us": 1500000, "exception": null, "pid": 42}"#,
        ]
        return RunFolderFixture(
            run: run, config: config, load: load, patterns: patterns, proposals: proposals, eventLines: events,
            extraFiles: ["fixes/001-handle-dependency-error.patch": diff])
    }

    /// Nearest-rank percentiles over the records, as the load stage computes them.
    static func summarize(_ records: [LoadRecord]) -> EndpointSummary {
        let latencies = records.map(\.latencyUs).sorted()
        func rank(_ p: Double) -> Int {
            guard !latencies.isEmpty else { return 0 }
            let index = Int((p * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(index, 0), latencies.count - 1)]
        }
        let errors = records.filter { $0.error != nil }.count
        let clientErrors = records.filter { ($0.status ?? 0) >= 400 && ($0.status ?? 0) < 500 }.count
        return EndpointSummary(
            count: records.count, ok: records.count - errors - clientErrors, errors: errors, clientErrors: clientErrors,
            errorRate: records.isEmpty ? 0 : Double(errors) / Double(records.count), p50Us: rank(0.5), p90Us: rank(0.9),
            p95Us: rank(0.95), p99Us: rank(0.99), p999Us: rank(0.999), maxUs: latencies.last ?? 0)
    }

    func write(to folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        func put(_ name: String, _ data: Data) throws {
            let url = folder.appendingPathComponent(name)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try put("run.json", ArtifactJSON.encode(run))
        if let config { try put("chaos-config.json", ArtifactJSON.encode(config)) }
        try put("load-results.json", ArtifactJSON.encode(load))
        if let patterns { try put("failure-patterns.json", ArtifactJSON.encode(patterns)) }
        if let proposals { try put("fix-proposals.json", ArtifactJSON.encode(proposals)) }
        try put("events.jsonl", Data(eventLines.map { $0 + "\n" }.joined().utf8))
        for (path, text) in extraFiles { try put(path, Data(text.utf8)) }
    }

    /// Writes the fixture into a fresh temporary folder, runs `body`, and removes the folder.
    func withFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("reports-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(to: folder)
        return try body(folder)
    }
}
