import Artifacts
import Discovery
import Foundation
import Injection
import LoadGen
import Patching

/// What the load phase measured.
struct LoadOutcome: Sendable {
    var baselineSummary: [String: EndpointSummary]?
    var chaosSummary: [String: EndpointSummary]?
    /// Issue 8: the `--ramp` steps, when asked for.
    var ramp: RampResult?
}

extension RunPipeline {
    /// Baseline with chaos off, then chaos on until the duration has passed and every endpoint
    /// has its share of requests, or the deadline passes. Results stream into load-results.json.
    func runLoad(
        running: RunningProcess, plan planFromFile: LoadPlan?, scan: ScanResult, settings: RunSettings, appRoot: AppRoot,
        runFolder: URL
    ) async throws -> LoadOutcome {
        let target = URL(string: "http://127.0.0.1:\(running.port)")!
        let plan: LoadPlan
        if let planFromFile {
            plan = planFromFile
        } else {
            plan = try await synthesizePlan(target: target, scan: scan, settings: settings)
        }
        return try await load(
            plan: plan, target: target, running: running, settings: settings, appRoot: appRoot, runFolder: runFolder)
    }

    /// The app's OpenAPI document when it serves one, else the scanned routes.
    func synthesizePlan(target: URL, scan all: ScanResult, settings: RunSettings) async throws -> LoadPlan {
        // The app being run, not every app the folder holds (pygeoapi ships Flask, Starlette
        // and Django apps side by side, with other paths).
        var scan = all
        if let app = try? settings.chooseApp(all) {
            let routes = all.routes.filter { $0.app == app.id }
            if !routes.isEmpty { scan.routes = routes }
        }
        return try await phase("plan") { () async throws -> LoadPlan in
            // The root document first, then those of the mounts the scan saw (prefect serves its
            // API at /api with its own /api/openapi.json; the root one has no operations).
            for path in Self.openAPICandidates(scan: scan) {
                guard let document = try await LoadRunner.fetchDocument(target: target, path: path, timeoutSeconds: 5, allowRemote: false),
                    let json = try? JSONDecoder().decode(JSONValue.self, from: document)
                else { continue }
                var synthesizer = OpenAPIPlanSynthesizer(document: json, source: "openapi:\(target.absoluteString)\(path)", seed: settings.seed)
                if var plan = try? synthesizer.plan() {
                    if let mount = Self.mountMissing(from: plan, scan: scan) { plan.prefixPaths(mount) }
                    return plan
                }
            }
            return ScanPlanSynthesizer.plan(from: scan, source: "scan:scan.json")
        }
    }

    /// The mount the scan puts the document's paths under when the document does not say so:
    /// prefect's root /openapi.json lists `/flows/` for what it serves at `/api/flows/`. Only
    /// when most paths match the scan under that mount and few match as written.
    static func mountMissing(from plan: LoadPlan, scan: ScanResult) -> String? {
        let scanned = Set(scan.routes.map(\.path))
        let paths = Set(plan.endpoints.compactMap { $0.split(separator: " ", maxSplits: 1).last.map(String.init) })
        guard !paths.isEmpty else { return nil }
        func share(_ prefix: String) -> Double { Double(paths.filter { scanned.contains(prefix + $0) }.count) / Double(paths.count) }
        guard share("") < 0.2 else { return nil }
        let mounts = openAPICandidates(scan: scan).dropFirst().map { String($0.dropLast("/openapi.json".count)) }
        return mounts.first { share($0) >= 0.5 }
    }

    /// `/openapi.json`, then `<first segment>/openapi.json` for the first path segments most
    /// scanned routes share (at most three).
    static func openAPICandidates(scan: ScanResult) -> [String] {
        var counts: [String: Int] = [:]
        for route in scan.routes {
            guard let first = route.path.split(separator: "/").first, !first.contains("{") else { continue }
            counts["/" + first, default: 0] += 1
        }
        let mounts = counts.filter { $0.value >= 2 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3).map(\.key)
        return ["/openapi.json"] + mounts.map { $0 + "/openapi.json" }
    }

    func load(
        plan: LoadPlan, target: URL, running: RunningProcess, settings: RunSettings, appRoot: AppRoot, runFolder: URL
    ) async throws -> LoadOutcome {
        let configuration = LoadConfiguration(target: target, plan: plan, timeoutSeconds: settings.timeout, seed: settings.seed)
        let recorder: LoadRecorder
        do { recorder = try LoadRecorder(sidecar: runFolder.appendingPathComponent("load-results.jsonl")) } catch {
            throw RunError.environment("cannot write \(runFolder.path)/load-results.jsonl: \(error)")
        }
        let shape: LoadShape = settings.rps.map { .open(rps: $0, maxInFlight: 64) } ?? .closed(concurrency: settings.concurrency)
        let loadStart = Date()
        let deadline = loadStart.addingTimeInterval(settings.deadline)
        let cpuStart = Self.cpuMicroseconds()
        var outcome = LoadOutcome()
        let monitoring = startMonitor(recorder: recorder, settings: settings, runFolder: runFolder)  // issue 8
        try await LoadRunner.withRunner(configuration) { runner in
            // Baseline: a third of the chaos duration, at least two seconds.
            let baseline = PhaseSpec(
                name: "baseline", settings: .null, shape: shape, durationSeconds: max(2, settings.duration / 3))
            let baselineResult = await self.phase("baseline load") {
                await runner.run(baseline, recorder: recorder, stop: self.stop)
            }
            outcome.baselineSummary = baselineResult.summary
            // Without a session or the setup's data the chaos phase would measure login pages.
            if let refused = baselineResult.refused {
                throw RunError.badInput(
                    "the load could not start: \(refused). Check the credentials and the plan's login: and setup: steps.")
            }
            guard !self.stop.isStopped else { return }
            let chaosSettings: ChaosSettings
            do { chaosSettings = try LiveControl.apply(.on, root: appRoot) } catch { throw RunError.environment("\(error)") }
            let settingsJSON = (try? JSONDecoder().decode(JSONValue.self, from: ArtifactJSON.encode(chaosSettings))) ?? .null
            let remaining = deadline.timeIntervalSinceNow
            let chaos = PhaseSpec(name: "chaos", settings: settingsJSON, shape: shape, durationSeconds: max(1, remaining))
            let phaseStop = StopSignal()
            let endpoints = Set(plan.endpoints)
            let chaosResult = await self.phase("chaos load") {
                await withTaskGroup(of: Void.self) { group in
                    // Ends the phase once the duration has passed and every endpoint has at
                    // least 30 requests (and --min-requests in all), or on a stop signal.
                    group.addTask {
                        let phaseStart = Date()
                        while !phaseStop.isStopped {
                            if self.stop.isStopped { phaseStop.stop(); break }
                            let summary = recorder.summary(of: "chaos")
                            let total = summary[EndpointSummary.overallKey]?.count ?? 0
                            let perEndpoint = endpoints.map { summary[$0]?.count ?? 0 }.min() ?? 0
                            if Date().timeIntervalSince(phaseStart) >= settings.duration, perEndpoint >= 30, total >= settings.minRequests {
                                phaseStop.stop()
                                break
                            }
                            try? await Task.sleep(nanoseconds: 100_000_000)
                        }
                    }
                    if !settings.pauses.isEmpty {
                        group.addTask { await self.runPauses(settings.pauses) { phaseStop.isStopped } }
                    }
                    let result = await runner.run(chaos, recorder: recorder, stop: phaseStop)
                    phaseStop.stop()
                    await group.waitForAll()
                    return result
                }
            }
            outcome.chaosSummary = chaosResult.summary
            let sent = chaosResult.summary[EndpointSummary.overallKey]?.count ?? 0
            if !self.stop.isStopped, Date() >= deadline {
                self.note(partial: "load: the \(Int(settings.deadline)) s deadline passed during the chaos phase after \(sent) requests"
                    + (sent < settings.minRequests ? ", fewer than --min-requests \(settings.minRequests)" : ""))
            }
            for note in chaosResult.notes { self.say("  note: \(note)") }
            // Issue 8: the ramp steps the fault rate up live after the chaos phase.
            if let ramp = settings.ramp, !self.stop.isStopped {
                outcome.ramp = try await self.runRamp(
                    ramp, runner: runner, recorder: recorder, shape: shape, settings: settings, appRoot: appRoot,
                    runFolder: runFolder)
            }
            do { _ = try LiveControl.apply(.off, root: appRoot) } catch {}
        }
        await monitoring?.stop()  // issue 8
        // A killed app can linger for a moment before the kernel marks it dead: ask it too.
        let appGone = !running.isAlive || HealthProbe.status(port: running.port, path: running.healthPath) == nil
        if appGone { note(partial: "the app exited during the load or stopped answering (pid \(running.pid)); see logs/app.log") }
        let meta = LoadMeta(
            target: target.absoluteString, model: shape.model, seed: Int(settings.seed), plan: plan.source,
            startUnixNs: Int(loadStart.timeIntervalSince1970 * 1e9), partial: stop.isStopped || appGone,
            generatorCpuUs: Self.cpuMicroseconds() - cpuStart)
        do { try recorder.finish(meta: meta, to: runFolder.appendingPathComponent("load-results.json")) } catch {
            throw RunError.environment("cannot write load-results.json: \(error)")
        }
        if let overall = outcome.chaosSummary?[EndpointSummary.overallKey] {
            say(String(format: "  chaos: %d requests, %d errors, p99 %.1f ms", overall.count, overall.errors, Double(overall.p99Us) / 1000))
        }
        return outcome
    }

    static func cpuMicroseconds() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }
}
