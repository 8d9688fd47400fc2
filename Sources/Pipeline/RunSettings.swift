import Artifacts
import Foundation
import Injection

/// The run's settings after flags, chaos-test.yaml and defaults are merged (flags win).
struct RunSettings: Sendable {
    var root: URL
    var appID: String?
    var serve: String?
    var python: String
    var healthPaths: [String]
    var services: [ServiceSpec]
    var startupTimeout: Double
    var planFile: String?
    var environment: [String: String]
    var faultRate: Double
    var faults: [FaultKind]?
    var resources = ChaosSettings.Resources()
    var delayUs: ClosedRange<Int>
    var routes: String?
    var seed: UInt64
    var rps: Double?
    var concurrency: Int
    var duration: Double
    var timeout: Double
    var deadline: Double
    var minRequests: Int
    var keepChaos: Bool
    var maxErrorRate: Double?
    var maxP99: Double?
    var ramp: RampPlan?
    var pauses: [ServicePause] = []
    var recordedOptions: [String: JSONValue]

    static func resolve(_ options: RunOptions, experiment: Experiment, root: URL) throws(RunError) -> RunSettings {
        func inRoot(_ path: String) -> String { path.hasPrefix("/") ? path : root.appendingPathComponent(path).path }
        let python: String
        // A flag is read as the shell gave it, relative to the working folder; a path in the
        // experiment file, which lives in the app, is relative to the app.
        if let given = options.python {
            python = given.contains("/") && !given.hasPrefix("/")
                ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(given).standardized.path
                : given
        } else if let given = experiment.python {
            python = given.contains("/") ? inRoot(given) : given
        } else if let venv = [".venv/bin/python", "venv/bin/python"].map(inRoot).first(where: FileManager.default.isExecutableFile) {
            python = venv
        } else {
            python = "python3"
        }
        if python.contains("/"), !FileManager.default.isExecutableFile(atPath: python) {
            throw .environment("the Python interpreter \(python) does not exist; pass --python PATH, or create the app's .venv")
        }
        let rate = options.faultRate ?? experiment.faults?.rate ?? 0.1
        guard (0...1).contains(rate) else { throw .badInput("--fault-rate \(rate): a probability must be between 0 and 1") }
        let delayText = options.delay ?? experiment.faults?.delay ?? "0.1-2.0"
        let delay: ClosedRange<Int>
        do { delay = try InjectOptions.parseDelay(delayText) } catch { throw .badInput(error.description) }
        var faults: [FaultKind]?
        if let text = options.faults ?? experiment.faults?.kinds?.joined(separator: ",") {
            do { faults = try InjectOptions.parseFaults(text) } catch { throw .badInput(error.description) }
        }
        var resources = ChaosSettings.Resources()
        if let section = experiment.faults {
            if let value = section.memoryMb { resources.memoryMb = value }
            if let value = section.memoryCapMb { resources.memoryCapMb = value }
            if let value = section.memoryHold { resources.holdUs = Int(value * 1e6) }
            if let value = section.cpuBurn { resources.cpuUs = Int(value * 1e6) }
            guard resources.memoryMb >= 0, resources.memoryCapMb >= 0, resources.holdUs >= 0, (0...5_000_000).contains(resources.cpuUs) else {
                throw .badInput(
                    "\(Experiment.fileName) faults: memory_mb, memory_cap_mb and memory_hold take non-negative numbers, cpu_burn 0 to 5 seconds")
            }
        }
        let load = experiment.load
        let rps = options.rps ?? (options.concurrency == nil ? load?.rps : nil)
        let concurrency = options.concurrency ?? load?.concurrency ?? 4
        guard concurrency >= 1 else { throw .badInput("--concurrency \(concurrency): give at least 1") }
        if let rps, rps <= 0 { throw .badInput("--rps \(rps): give a positive rate") }
        let duration = options.duration ?? load?.duration ?? 10
        guard duration > 0 else { throw .badInput("--duration \(duration): give a positive number of seconds") }
        guard options.deadline > 0 else { throw .badInput("--deadline \(options.deadline): give a positive number of seconds") }
        var plan = options.plan ?? experiment.plan
        if let given = plan {
            plan = inRoot(given)
            guard FileManager.default.fileExists(atPath: plan!) else {
                throw .badInput("the load plan \(plan!) does not exist (from \(options.plan != nil ? "--plan" : Experiment.fileName))")
            }
        }
        var healthPaths = ["/healthz", "/"]
        if let health = options.health ?? experiment.health { healthPaths = [health] }
        var services = experiment.services ?? []
        for service in options.services {
            services.removeAll { $0.name == service.name }
            services.append(service)
        }
        if options.injectServices {
            for index in services.indices where services[index].inject == nil { services[index].inject = true }
        }
        let maxErrorRate = options.maxErrorRate ?? experiment.slo?.maxErrorRate
        let maxP99 = options.maxP99 ?? experiment.slo?.maxP99
        var recorded: [String: JSONValue] = [
            "python": .string(python), "fault_rate": .double(rate), "delay": .string(delayText),
            "concurrency": .int(concurrency), "duration": .double(duration), "timeout": .double(options.timeout),
            "deadline": .double(options.deadline), "seed": .int(Int(options.seed)),
            "services": .array(services.map { .string($0.name) }),
        ]
        // Service name → its folder: analysis names a service's source files from the app folder.
        let injected = services.filter { $0.inject == true }
        if !injected.isEmpty {
            recorded["inject_services"] = .object(Dictionary(injected.map { ($0.name, JSONValue.string($0.cwd ?? ".")) }, uniquingKeysWith: { first, _ in first }))
        }
        if let rps { recorded["rps"] = .double(rps) }
        if let faults { recorded["faults"] = .array(faults.map { .string($0.rawValue) }) }
        if let plan { recorded["plan"] = .string(plan) }
        if let maxErrorRate { recorded["max_error_rate"] = .double(maxErrorRate) }
        if let maxP99 { recorded["max_p99"] = .double(maxP99) }
        if let routes = options.routes { recorded["routes"] = .string(routes) }
        let ramp = try RampPlan(rates: options.ramp, stepSeconds: options.rampStepSeconds)
        if let ramp { recorded["ramp"] = ramp.recorded }
        for pause in options.pauses where !services.contains(where: { $0.name == pause.service }) {
            throw .badInput(
                "--pause-service \(pause.recorded): the run has no service named \(pause.service)"
                    + (services.isEmpty
                        ? "; declare it with --service or under `services:` in \(Experiment.fileName)"
                        : "; its services are \(services.map(\.name).joined(separator: ", "))"))
        }
        if !options.pauses.isEmpty { recorded["pause_services"] = .array(options.pauses.map { .string($0.recorded) }) }
        var settings = RunSettings(
            root: root, appID: options.app ?? experiment.app, serve: options.serve ?? experiment.serve, python: python,
            healthPaths: healthPaths, services: services, startupTimeout: options.startupTimeout, planFile: plan,
            environment: experiment.env ?? [:], faultRate: rate, faults: faults, delayUs: delay, routes: options.routes,
            seed: options.seed, rps: rps, concurrency: concurrency, duration: duration, timeout: options.timeout,
            deadline: options.deadline, minRequests: options.minRequests ?? load?.minRequests ?? 100,
            keepChaos: options.keepChaos, maxErrorRate: maxErrorRate, maxP99: maxP99, ramp: ramp, recordedOptions: recorded)
        settings.resources = resources
        settings.pauses = options.pauses
        return settings
    }

    func injectOptions(app: String) -> InjectOptions {
        var options = InjectOptions(faults: faults, rate: faultRate, delayUs: delayUs, routes: routes, app: app, seed: seed)
        options.resources = resources
        return options
    }

    /// The app to run: the one named, else the only app outside the service folders.
    func chooseApp(_ scan: ScanResult) throws(RunError) -> AppObject {
        if let appID {
            guard let app = scan.apps.first(where: { $0.id == appID || $0.id == appID + "()" }) else {
                throw .badInput("--app \(appID): no such app; the scan found \(scan.apps.map(\.id).joined(separator: ", "))")
            }
            return app
        }
        let serviceFolders = services.compactMap { $0.cwd.map { $0.hasSuffix("/") ? $0 : $0 + "/" } }
        let candidates = scan.apps.filter { app in !serviceFolders.contains { app.file.hasPrefix($0) } }
        guard candidates.count == 1, let app = candidates.first else {
            if scan.apps.isEmpty {
                throw .badInput("no web app found in \(root.path): chaos-test looks for FastAPI, Starlette, Flask and Django apps")
            }
            throw .badInput(
                "the scan found several apps (\(candidates.map(\.id).joined(separator: ", "))): choose one with --app ID or `app:` in \(Experiment.fileName)")
        }
        return app
    }

    /// The command that serves the app, by framework, unless `serve` says otherwise.
    func serveCommand(app: AppObject, port: Int) throws(RunError) -> [String] {
        let values = ["python": python, "port": String(port)]
        if let serve { return try CommandLineWords.split(CommandLineWords.substitute(serve, values)) }
        let target = app.id
        switch app.framework {
        case .fastapi, .starlette:
            let factory = target.hasSuffix("()")
            let name = factory ? String(target.dropLast(2)) : target
            return [python, "-m", "uvicorn", name, "--host", "127.0.0.1", "--port", String(port)] + (factory ? ["--factory"] : [])
        case .flask:
            return [python, "-m", "flask", "--app", target, "run", "--host", "127.0.0.1", "--port", String(port), "--no-reload"]
        case .django:
            return [python, "manage.py", "runserver", "127.0.0.1:\(port)", "--noreload"]
        }
    }
}
