import Artifacts
import LoadGen
import Foundation
import Patching

extension RunPipeline {
    /// Starts each service in turn (each on a free loopback port, healthy before the next),
    /// runs `body` with the variables that point the app at them, then stops them in reverse.
    func withServices<Result: Sendable>(
        _ services: [ServiceSpec], settings: RunSettings, runFolder: URL, index: Int = 0, environment: [String: String] = [:],
        _ body: ([String: String]) async throws -> Result
    ) async throws -> Result {
        guard index < services.count else { return try await body(environment) }
        let service = services[index]
        let port = try HealthProbe.freePort()
        let values = ["python": settings.python, "port": String(port), "run": runFolder.path]
        let command = try CommandLineWords.split(CommandLineWords.substitute(service.command, values))
        let cwd = service.cwd.map { settings.root.appendingPathComponent($0).path } ?? settings.root.path
        guard FileManager.default.fileExists(atPath: cwd) else {
            throw RunError.badInput("service \(service.name): its folder \(cwd) does not exist (cwd= in --service or chaos-test.yaml)")
        }
        var serviceEnvironment = Self.childEnvironment(settings.environment, values: values)
        // An injected service's runtime writes its faults into the run's events, tagged with its name.
        serviceEnvironment["CHAOS_TEST_EVENTS"] = runFolder.appendingPathComponent("events.jsonl").path
        serviceEnvironment["CHAOS_TEST_SERVICE"] = service.name
        if service.inject == true {
            // Its own settings, whichever runtime file Python imports: `flask --app main` in a
            // package folder puts the app folder first on sys.path, and the app's runtime with it.
            serviceEnvironment["CHAOS_TEST_SETTINGS"] = URL(fileURLWithPath: cwd).standardizedFileURL.path + "/.chaos-test/settings.json"
        }
        let spec = ProcessSpec(
            name: "service \(service.name)", command: command, workingDirectory: cwd,
            environment: serviceEnvironment,
            log: runFolder.appendingPathComponent("logs/\(service.name).log"), healthPort: port,
            healthPaths: service.health.map { [$0] } ?? ["/healthz", "/"], startupTimeout: settings.startupTimeout)
        let start = WallClock.nowUnixNs()
        say("• service \(service.name) on 127.0.0.1:\(port)…")
        return try await ManagedProcess.with(spec) { running in
            record(PhaseTiming(name: "service \(service.name)", group: "prepare", startUnixNs: start, endUnixNs: WallClock.nowUnixNs(), status: "ok", note: "pid \(running.pid), port \(port)"))
            var next = environment
            if let variable = service.urlEnv { next[variable] = "http://127.0.0.1:\(port)" }
            setServicePID(service.name, running.pid)
            defer {
                setServicePID(service.name, nil)
                // Never stop a service that a pause left stopped: it could not act on SIGTERM.
                ServicePause.signal(SIGCONT, pid: running.pid)
            }
            return try await withServices(services, settings: settings, runFolder: runFolder, index: index + 1, environment: next, body)
        }
    }

    /// Starts the app with chaos injected (and switched off) and runs `body` while it serves.
    func withApp<Result: Sendable>(
        app: AppObject, settings: RunSettings, environment: [String: String], runFolder: URL, root: URL,
        _ body: (RunningProcess) async throws -> Result
    ) async throws -> Result {
        let port = try HealthProbe.freePort()
        let values = ["python": settings.python, "port": String(port), "run": runFolder.path]
        var childEnvironment = Self.childEnvironment(settings.environment, values: values)
        for (key, value) in environment { childEnvironment[key] = value }
        // The runtime writes the faults it fires straight into the run folder.
        childEnvironment["CHAOS_TEST_EVENTS"] = runFolder.appendingPathComponent("events.jsonl").path
        let command = try await coverageCommand(try settings.serveCommand(app: app, port: port), settings: settings, runFolder: runFolder)
        let spec = ProcessSpec(
            name: "app \(app.id)", command: command, workingDirectory: root.path,
            environment: childEnvironment, log: runFolder.appendingPathComponent("logs/app.log"), healthPort: port,
            healthPaths: settings.healthPaths, startupTimeout: settings.startupTimeout)
        let result = try await phase("start app") {
            try await ManagedProcess.with(spec) { running in
                say("  \(app.id) is up on 127.0.0.1:\(port) (pid \(running.pid))")
                return try await body(running)
            }
        }
        // Issue 7: evidence that needs the hooks still in the source, once the app has stopped
        // (coverage.py writes its data on the way out).
        await collectCoverage(settings: settings, runFolder: runFolder)
        if let appRoot = try? AppRoot(root.path) { await runTestSuite(settings: settings, appRoot: appRoot, runFolder: runFolder) }
        return result
    }

    /// What every child gets: unbuffered output (so logs are complete when it is stopped) and
    /// no bytecode files, so the app's tree is left exactly as it was.
    static func childEnvironment(_ experiment: [String: String], values: [String: String]) -> [String: String] {
        var environment = ["PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"]
        for (key, value) in experiment { environment[key] = CommandLineWords.substitute(value, values) }
        return environment
    }
}
