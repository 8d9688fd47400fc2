import Artifacts
import Discovery
import Foundation
import Injection
import LoadGen
import Patching
import Reports

/// What a finished run left behind.
public struct RunOutcome: Sendable {
    public var runFolder: URL
    public var record: RunRecord
    /// CONTRACTS.md: 0 success, 1 an SLO was breached.
    public var exitStatus: Int32
    public var verdict: String
    /// `"exercised 11 of 44 routes with a 2xx (25%); not reached: 30 never planned, 3 redirected"`,
    /// from failure-patterns.json; nil when the analysis did not run.
    public var coverage: String? = nil
}

/// `chaos-test run`: scan, inject and start the services side by side; start the app; a
/// baseline load with chaos off, then a chaos load; analyze, propose, report. Whatever
/// happens, the processes it started are stopped and the source is reverted.
public final class RunPipeline: @unchecked Sendable {
    let options: RunOptions
    let say: @Sendable (String) -> Void
    /// Set by Ctrl-C or SIGTERM: the load stops, and the run finishes with what it has.
    public let stop = StopSignal()
    private let lock = NSLock()
    private var timings: [PhaseTiming] = []
    private var partial: [String] = []
    /// The services that are up, by name: `--pause-service` signals them by PID.
    private var servicePIDs: [String: Int32] = [:]

    public init(options: RunOptions, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.say = say
    }

    /// Called from a signal handler: stop sending load, keep everything else orderly.
    public func interrupt(_ reason: String) {
        note(partial: "interrupted by \(reason): the load stopped early and the results are partial")
        stop.stop()
    }

    func servicePID(_ name: String) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        return servicePIDs[name]
    }

    func setServicePID(_ name: String, _ pid: Int32?) {
        lock.lock()
        servicePIDs[name] = pid
        lock.unlock()
    }

    func note(partial reason: String) {
        lock.lock()
        partial.append(reason)
        lock.unlock()
    }

    /// Times one phase and records it in run.json.
    func phase<T>(_ name: String, group: String? = nil, _ body: () async throws -> T) async rethrows -> T {
        let start = WallClock.nowUnixNs()
        say("• \(name)…")
        do {
            let value = try await body()
            record(PhaseTiming(name: name, group: group, startUnixNs: start, endUnixNs: WallClock.nowUnixNs(), status: "ok"))
            return value
        } catch {
            record(PhaseTiming(name: name, group: group, startUnixNs: start, endUnixNs: WallClock.nowUnixNs(), status: "failed", note: "\(error)"))
            throw error
        }
    }

    private func recorded() -> ([PhaseTiming], [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (timings.sorted { $0.startUnixNs < $1.startUnixNs }, partial)
    }

    func record(_ timing: PhaseTiming) {
        lock.lock()
        timings.append(timing)
        lock.unlock()
    }

    // MARK: - The run

    public func run() async throws(RunError) -> RunOutcome {
        let root = options.appRoot.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .badInput("\(root.path) is not a folder: pass the folder that holds the app's source")
        }
        let appRoot: AppRoot
        do { appRoot = try AppRoot(root.path) } catch { throw .badInput("\(error)") }
        let experiment = try Experiment.load(appRoot: root) ?? Experiment()
        let settings = try RunSettings.resolve(options, experiment: experiment, root: root)
        let runFolder = try makeRunFolder(root: root, appRoot: appRoot)
        say("chaos-test run: \(root.path) → \(runFolder.path)")
        let startNs = WallClock.nowUnixNs()
        var runRecord = RunRecord(appRoot: root.path, appId: "", options: settings.recordedOptions, seed: Int(settings.seed), startUnixNs: startNs)

        // Scan first: inject, the plan and the serve command all need it.
        let scan: ScanResult
        do {
            scan = try await phase("scan") { try Scanner.scan(ScanOptions(root: root)) }
        } catch {
            throw .badInput("\(error)")
        }
        try write(scan, to: runFolder.appendingPathComponent("scan.json"))
        let app = try settings.chooseApp(scan)
        runRecord.appId = app.id

        var load: LoadOutcome?
        var failure: RunError?
        var injected: ChaosConfig?
        // Inject runs beside the services' start-up: neither needs the other (unless a service is
        // injected too: then the services wait for it; see RunPipeline+Services.swift).
        let serviceChaos = ServiceChaos()
        let injection = Task {
            let config = try await self.phase("inject", group: "prepare") {
                try self.inject(appRoot: appRoot, scan: scan, app: app, settings: settings, runFolder: runFolder)
            }
            await self.injectServices(settings: settings, appRoot: appRoot, runFolder: runFolder, into: serviceChaos)
            return config
        }
        do {
            try await awaitServiceInjection(injection, settings: settings, chaos: serviceChaos)
            let planTask = Task { () throws -> LoadPlan? in
                guard let path = settings.planFile else { return nil }
                return try await self.phase("plan", group: "prepare") {
                    do { return try PlanParser.load(path: path) } catch { throw RunError.badInput("\(error)") }
                }
            }
            load = try await withServices(settings.services, settings: settings, runFolder: runFolder) { serviceEnvironment in
                let config = try await injection.value
                injected = config
                let planFromFile = try await planTask.value
                return try await self.withApp(app: app, settings: settings, environment: serviceEnvironment, runFolder: runFolder, root: root) { running in
                    try await self.runLoad(
                        running: running, plan: planFromFile, scan: scan, settings: settings, appRoot: appRoot, runFolder: runFolder)
                }
            }
        } catch {
            failure = RunError.wrap(error)
        }
        // The injection may have finished even when a service failed to start.
        if injected == nil, case .success(let config) = await injection.result { injected = config }

        // Revert before anything else can go wrong.
        if let config = injected {
            runRecord.originalSha256 = Dictionary(
                uniqueKeysWithValues: config.files.compactMap { file in file.sha256Before.map { (file.path, $0) } })
            if settings.keepChaos {
                say("• keeping chaos injected (--keep-chaos); `chaos-test revert \(root.path)` removes it")
            } else {
                do {
                    try await phase("revert") { try self.revert(appRoot: appRoot, config: config) }
                } catch {
                    failure = failure ?? RunError.wrap(error)
                }
            }
        }
        // Issue 8.5b: the injected service folders, reverted after the app.
        do {
            let hashes = try await revertServices(serviceChaos, keep: settings.keepChaos)
            runRecord.originalSha256.merge(hashes) { app, _ in app }
        } catch {
            failure = failure ?? error
        }

        // Analysis and the report work from the run folder alone, whatever was collected.
        let (status, verdict) = failure.map { ($0.exitStatus, "the run failed: \($0.description)") } ?? sloVerdict(load: load, settings: settings)
        runRecord.exitStatus = Int(status)
        // Analysis and the report work from the run folder alone, whatever was collected.
        if load != nil || failure == nil {
            await finish(runFolder: runFolder) {
                // The report reads run.json: give it everything known before the report itself.
                (runRecord.phases, runRecord.partial) = self.recorded()
                runRecord.endUnixNs = WallClock.nowUnixNs()
                try? self.write(runRecord, to: runFolder.appendingPathComponent("run.json"))
            }
        }
        if failure == nil, load != nil, options.verifyFixes > 0 {
            await verifyFixes(count: options.verifyFixes, runFolder: runFolder, root: root, settings: settings)
            (runRecord.phases, runRecord.partial) = recorded()
            try? write(runRecord, to: runFolder.appendingPathComponent("run.json"))
            await phase("report") {
                do { try AnalysisStage.report(runFolder: runFolder) } catch { note(partial: "report: \(error)") }
            }
        }
        if load != nil || failure == nil { await writeCIFiles(runFolder: runFolder, settings: settings) }  // issue 7
        (runRecord.phases, runRecord.partial) = recorded()
        runRecord.endUnixNs = WallClock.nowUnixNs()
        try? write(runRecord, to: runFolder.appendingPathComponent("run.json"))
        if let failure { throw failure }
        return RunOutcome(
            runFolder: runFolder, record: runRecord, exitStatus: status, verdict: verdict,
            coverage: Self.coverageLine(runFolder: runFolder))
    }

    // MARK: - Phases

    func makeRunFolder(root: URL, appRoot: AppRoot) throws(RunError) -> URL {
        do { try StateDirectory.ensure(appRoot) } catch { throw .environment("cannot create \(root.path)/.chaos-test: \(error)") }
        let runs = root.appendingPathComponent(".chaos-test/runs")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var folder = options.out ?? runs.appendingPathComponent(formatter.string(from: Date()))
        if options.out == nil {
            var suffix = 1
            while FileManager.default.fileExists(atPath: folder.path) {
                suffix += 1
                folder = runs.appendingPathComponent(formatter.string(from: Date()) + "-\(suffix)")
            }
        }
        do {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
            let latest = runs.appendingPathComponent("latest")
            try? FileManager.default.removeItem(at: latest)
            try FileManager.default.createSymbolicLink(atPath: latest.path, withDestinationPath: folder.standardizedFileURL.path)
        } catch {
            throw .environment("cannot create the run folder \(folder.path): \(error)")
        }
        return folder
    }

    func inject(appRoot: AppRoot, scan: ScanResult, app: AppObject, settings: RunSettings, runFolder: URL) throws(RunError) -> ChaosConfig {
        let report: Injector.InjectReport
        do {
            report = try Injector.inject(root: appRoot, scan: scan, options: settings.injectOptions(app: app.id), dryRun: false)
        } catch {
            throw error.kind == .environment ? RunError.environment(error.description) : RunError.badInput(error.description)
        }
        if report.alreadyInjected {
            throw RunError.badInput(
                "chaos is already injected in \(appRoot.path) (by an earlier inject or a --keep-chaos run); "
                    + "run `chaos-test revert \(appRoot.path)` first, so this run measures its own hooks")
        }
        for diagnostic in report.diagnostics { say("  note: \(diagnostic)") }
        // Baseline first: the hooks are in, but quiet.
        do { _ = try LiveControl.apply(.off, root: appRoot) } catch { throw RunError.environment(error.description) }
        try write(report.config, to: runFolder.appendingPathComponent("chaos-config.json"))
        say("  \(report.config.points.count) injection points in \(report.config.files.count) files")
        return report.config
    }

    func revert(appRoot: AppRoot, config: ChaosConfig) throws(RunError) {
        do {
            let report = try Injector.revert(root: appRoot)
            if !report.merged.isEmpty {
                say("  files edited during the run kept their edits; only the hooks were removed: \(report.merged.joined(separator: ", "))")
            }
        } catch {
            throw RunError.environment("revert failed: \(error.description); run `chaos-test revert \(appRoot.path)`")
        }
        // The promise is byte-identical source: check it.
        for file in config.files {
            let path = appRoot.path + "/" + file.path
            let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) }
            let now = bytes.map(SHA256Digest.hex)
            if now != file.sha256Before, !(now == nil && file.sha256Before == nil) {
                say("  warning: \(file.path) differs from its original bytes after revert (edited during the run?)")
            }
        }
    }

    func finish(runFolder: URL, beforeReport: () -> Void) async {
        // Analysis reads run.json too (the app root, to recognize app frames in tracebacks).
        beforeReport()
        await phase("analyze") {
            do { try AnalysisStage.analyze(runFolder: runFolder) } catch { note(partial: "analyze: \(error)") }
        }
        await phase("propose") {
            do { try AnalysisStage.propose(runFolder: runFolder) } catch { note(partial: "propose: \(error)") }
        }
        beforeReport()
        await phase("report") {
            do { try AnalysisStage.report(runFolder: runFolder) } catch { note(partial: "report: \(error)") }
        }
    }

    /// The plan-coverage line the run prints, read back from what the analysis wrote.
    static func coverageLine(runFolder: URL) -> String? {
        guard let data = try? Data(contentsOf: runFolder.appendingPathComponent("failure-patterns.json")),
            let patterns = try? ArtifactJSON.decode(FailurePatterns.self, from: data), let coverage = patterns.planCoverage
        else { return nil }
        var reasons: [PlanCoverage.Outcome: Int] = [:]
        for entry in coverage.entries where entry.outcome != .exercised { reasons[entry.outcome, default: 0] += 1 }
        let missed = PlanCoverage.Outcome.allCases.compactMap { outcome in
            reasons[outcome].map { "\($0) \(outcome.rawValue.replacingOccurrences(of: "_", with: " "))" }
        }
        return coverage.summary + (missed.isEmpty ? "" : "; not reached: " + missed.joined(separator: ", "))
    }

    func sloVerdict(load: LoadOutcome?, settings: RunSettings) -> (Int32, String) {
        let verdict = Report.Verdict.judge(
            chaos: load?.chaosSummary?[EndpointSummary.overallKey], maxErrorRate: settings.maxErrorRate,
            maxP99Us: settings.maxP99.map { Int(($0 * 1_000_000).rounded()) })
        return (verdict.exitStatus, verdict.statement)
    }

    func write<T: Encodable>(_ value: T, to url: URL) throws(RunError) {
        do { try ArtifactJSON.encode(value).write(to: url, options: .atomic) } catch {
            throw .environment("cannot write \(url.path): \(error)")
        }
    }
}
