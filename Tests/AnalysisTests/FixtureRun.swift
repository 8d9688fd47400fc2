import Analysis
import Artifacts
import Foundation

/// A run folder written from literal records, so each test states exactly what happened.
/// Times are milliseconds from the start of the run.
struct FixtureRun {
    static let startNs = 1_750_000_000_000_000_000

    var appRoot = "/srv/app"
    var scan = ScanResult()
    var points: [ChaosConfig.Point] = []
    var files: [ChaosConfig.File] = []
    var records: [LoadRecord] = []
    var events: [ChaosEvent] = []
    var logs: [String: String] = [:]
    var model: LoadModel = .closed
    private var nextId = 0

    static func ns(_ ms: Double) -> Int { startNs + Int(ms * 1_000_000) }

    /// Adds a request; returns its id.
    @discardableResult
    mutating func request(
        _ endpoint: String, phase: String = "chaos", at sentMs: Double, latencyMs: Double, status: Int? = 200,
        error: LoadErrorKind? = nil, id: String? = nil
    ) -> String {
        nextId += 1
        let requestId = id ?? "r\(nextId)"
        let transport: LoadErrorKind? = error ?? ((status ?? 0) >= 500 ? .http5xx : nil)
        records.append(
            LoadRecord(
                id: requestId, phase: phase, endpoint: endpoint, step: nil, scheduledUnixNs: Self.ns(sentMs),
                sentUnixNs: Self.ns(sentMs), latencyUs: Int((latencyMs * 1000).rounded()), status: status, error: transport,
                bytes: 10))
        return requestId
    }

    /// Records a fault the runtime fired.
    mutating func fire(
        _ point: String, in requestId: String?, at ms: Double, fault: String, delayMs: Double = 0,
        exception: String? = nil
    ) {
        events.append(
            ChaosEvent(
                timeUnixNs: Self.ns(ms), point: point, fault: fault, requestId: requestId,
                delayUs: Int((delayMs * 1000).rounded()), exception: exception, pid: 4242))
    }

    mutating func addRoute(
        _ method: String, _ path: String, function: String, file: String, line: Int, isAsync: Bool,
        framework: Framework = .fastapi
    ) {
        scan.routes.append(
            Route(
                app: "app.main:app", methods: [method], path: path, rawPath: path, function: function,
                qualname: function, file: file, line: line, isAsync: isAsync, framework: framework))
    }

    /// Adds a dependency call to the scan and, with `point`, the hook inject put on it.
    mutating func addDependency(
        _ kind: DependencyKind, library: String, callee: String, file: String, line: Int, function: String,
        routes: [String], point: String? = nil, httpMethod: String? = nil, hasTimeout: Bool? = nil,
        awaited: Bool? = true, clientScope: String? = nil, clientLine: Int? = nil, reachedVia: [ReachedVia]? = nil
    ) {
        var call = DependencyCall(
            kind: kind, library: library, callee: callee, file: file, line: line, column: 5, function: function,
            qualname: function, isAsync: awaited == true, routes: routes)
        call.httpMethod = httpMethod
        call.hasTimeout = hasTimeout
        call.awaited = awaited
        call.clientScope = clientScope
        call.clientLine = clientLine
        call.reachedVia = reachedVia
        scan.dependencies.append(call)
        if let point {
            points.append(
                ChaosConfig.Point(
                    id: point, short: String(point.suffix(8)), kind: .dependency, routes: routes, file: file,
                    line: line, function: function,
                    fault: .init(faults: [.latency, .dependency], library: library, callee: callee),
                    patch: "patches/001-app.patch", insertedLines: []))
        }
    }

    /// Writes the run folder and analyzes it.
    func analyze(thresholds: AnalysisThresholds = AnalysisThresholds()) throws -> FailurePatterns {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("analysis-\(UUID().uuidString)")
        try write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try Analyzer.analyze(runFolder: folder, thresholds: thresholds)
    }

    func write(to folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let run = RunRecord(appRoot: appRoot, appId: "app.main:app", options: [:], seed: 7, startUnixNs: Self.startNs)
        try ArtifactJSON.encode(run).write(to: folder.appendingPathComponent("run.json"))
        try ArtifactJSON.encode(scan).write(to: folder.appendingPathComponent("scan.json"))
        let config = ChaosConfig(
            app: "app.main:app", seed: 7,
            defaults: .init(rate: 0.1, delayUs: [100_000, 2_000_000], faults: [.latency, .dependency], status: 503),
            points: points, files: files)
        try ArtifactJSON.encode(config).write(to: folder.appendingPathComponent("chaos-config.json"))
        let phases = Set(records.map(\.phase)).sorted().map {
            LoadPhase(name: $0, startUnixNs: Self.startNs, endUnixNs: Self.startNs + 60_000_000_000)
        }
        let results = LoadResults(
            meta: LoadMeta(
                target: "http://127.0.0.1:8000", model: model, seed: 7, plan: "scan:scan.json",
                startUnixNs: Self.startNs, partial: false, generatorCpuUs: 1000),
            phases: phases, records: records, summary: [:])
        try ArtifactJSON.encode(results).write(to: folder.appendingPathComponent("load-results.json"))
        var lines = Data()
        for event in events {
            lines.append(try JSONEncoder().encode(event))
            lines.append(0x0A)
        }
        try lines.write(to: folder.appendingPathComponent("events.jsonl"))
        for (name, text) in logs {
            try Data(text.utf8).write(to: folder.appendingPathComponent("logs").appendingPathComponent(name))
        }
    }
}

extension FailurePatterns {
    func patterns(_ kind: PatternKind) -> [Pattern] { patterns.filter { $0.kind == kind } }
}

extension Pattern {
    func evidenceInt(_ key: String) -> Int? {
        if case .int(let value) = evidence[key] { return value }
        return nil
    }

    func evidenceDouble(_ key: String) -> Double? {
        switch evidence[key] {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
}
