import ArgumentParser
import Dispatch
import Foundation
import Monitor
import Pipeline

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole chaos test: scan, inject, load with and without chaos, analyze, propose, report, revert.",
        discussion: """
            Settings come from flags, then the app's chaos-test.yaml, then defaults.
            Exit status: 0 success, 1 an SLO was breached, 2 bad arguments or input, 3 the environment failed.
            """
    )

    @Argument(help: "The folder that holds the app's source.", completion: .directory)
    var appDir: String

    @Option(help: "The app to run (module:attr), when the scan finds several.") var app: String?
    @Option(help: "How to start the app, with {python} and {port} placeholders.") var serve: String?
    @Option(help: "The Python interpreter for the app and its services (default: the app's .venv, else python3).") var python: String?
    @Option(help: "The app's health path (default /healthz, then /).") var health: String?
    @Option(name: .customLong("service"), help: "An extra process: 'name=...,cwd=...,command=...,health=...,url_env=...,inject=true' (repeatable).")
    var services: [String] = []
    @Flag(help: "Inject chaos into every service folder too, not just the app (per service: inject=true).") var injectServices = false
    @Option(
        name: .customLong("pause-service"),
        help: "An outage: NAME:AFTER:FOR stops the service (SIGSTOP) AFTER seconds into the chaos phase for FOR seconds (repeatable).")
    var pauseServices: [String] = []
    @Option(help: "Seconds each process may take to become healthy.") var startupTimeout: Double = 30
    @Option(help: "A load plan file (YAML or JSON).") var plan: String?
    @Option(help: "Probability that a hook fires, per call.") var faultRate: Double?
    @Option(help: "Fault kinds: latency,exception,status,dependency (default), memory,cpu (opt-in).") var faults: String?
    @Option(help: "Injected delay range in seconds, MIN-MAX.") var delay: String?
    @Option(help: "Only inject into routes whose path matches this glob.") var routes: String?
    @Option(help: "Seed for faults and the load plan.") var seed: UInt64 = 1
    @Option(help: "Open model: requests (or flows) per second.") var rps: Double?
    @Option(help: "Closed model: requests in flight.") var concurrency: Int?
    @Option(help: "Seconds of chaos load (at least).") var duration: Double?
    @Option(help: "Per-request timeout in seconds.") var timeout: Double = 10
    @Option(help: "Seconds the whole load phase may take.") var deadline: Double = 60
    @Option(help: "Requests the chaos phase should reach before it may end.") var minRequests: Int?
    @Option(help: "The run folder (default <app>/.chaos-test/runs/<timestamp>).") var out: String?
    @Flag(help: "Leave chaos injected at the end.") var keepChaos = false
    @Option(help: "SLO: highest acceptable error rate under chaos.") var maxErrorRate: Double?
    @Option(help: "SLO: highest acceptable p99 under chaos, in seconds.") var maxP99: Double?
    // Issue 8: the ramp.
    @Option(
        help: "After the chaos phase, step the fault rate up live through these rates (comma-separated) and name the first that breaches the SLO.",
        transform: RunCommand.rates)
    var ramp: [Double]?
    @Option(help: "Seconds of load held at each --ramp rate.") var rampStep: Double = RunOptions.defaultRampStepSeconds
    // Issue 8: the live monitor.
    @Flag(
        inversion: .prefixedNo,
        help: "A live view during the load (req/s, error rate, p99, faults, alerts from the app's log). Default: on when stdout is a terminal; off it, alerts only, as plain lines.")
    var monitor: Bool?
    @Option(help: "After proposing, re-run the same seeded chaos on a scratch copy with each of the top N fixes applied.")
    var verifyFixes: Int = 0
    @Option(help: "Verifications run side by side (default: one per four cores; each runs the app, its services and the load).")
    var verifyJobs: Int?
    @Option(
        help: "Also run the same seeded experiment on a git worktree of this ref (HEAD~1, main) and compare; exit 1 if the working tree is worse.")
    var compareRef: String?

    func validate() throws {
        guard verifyFixes >= 0 else { throw ValidationError("--verify-fixes takes a count >= 0, not \(verifyFixes).") }
        if let verifyJobs, verifyJobs < 1 { throw ValidationError("--verify-jobs takes a count >= 1, not \(verifyJobs).") }
    }

    // CI integration (issue 7).
    @Option(help: "Write the SLO checks per endpoint as JUnit XML to FILE.", completion: .file()) var junit: String?
    @Option(help: "Write the fix proposals and static findings as SARIF 2.1.0 to FILE.", completion: .file()) var sarif: String?
    @Flag(help: "Also run the app's pytest suite with chaos off and on; tests failing only under chaos become failure patterns.")
    var pytest = false
    @Flag(help: "Run the app under coverage.py during the load; the report lists routes and injection points never reached.")
    var coverage = false

    func run() async throws {
        var options = RunOptions(appRoot: URL(fileURLWithPath: appDir))
        options.app = app
        options.serve = serve
        options.python = python
        options.health = health
        do { options.services = try services.map { (text) throws(RunError) in try ServiceSpec.parse(text) } } catch {
            throw CLIFailure(message: error.description, code: .badInput)
        }
        options.startupTimeout = startupTimeout
        options.plan = plan
        options.faultRate = faultRate
        options.faults = faults
        options.delay = delay
        options.routes = routes
        options.seed = seed
        options.rps = rps
        options.concurrency = concurrency
        options.duration = duration
        options.timeout = timeout
        options.deadline = deadline
        options.minRequests = minRequests
        options.out = out.map { URL(fileURLWithPath: $0) }
        options.keepChaos = keepChaos
        options.injectServices = injectServices
        do { options.pauses = try pauseServices.map(ServicePause.parse) } catch {
            throw CLIFailure(message: error.description, code: .badInput)
        }
        options.maxErrorRate = maxErrorRate
        options.maxP99 = maxP99
        options.ramp = ramp
        options.rampStepSeconds = rampStep
        options.monitor = Self.monitorOutput(monitor)
        options.junit = junit.map { URL(fileURLWithPath: $0) }
        options.sarif = sarif.map { URL(fileURLWithPath: $0) }
        options.pytest = pytest
        options.coverage = coverage
        options.verifyFixes = verifyFixes
        options.verifyJobs = verifyJobs
        if let compareRef {
            let say: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            let outcome: RefComparison.Outcome
            do { outcome = try await RefComparison.run(options: options, ref: compareRef, say: say) } catch {
                throw CLIFailure(message: error.description, code: error.exitStatus == 2 ? .badInput : .environment)
            }
            print(outcome.comparison.markdown)
            print("comparison: \(outcome.report.path)")
            if outcome.comparison.regressed { throw ExitCode(1) }
            if outcome.current.exitStatus != 0 { throw ExitCode(outcome.current.exitStatus) }
            return
        }
        let outcome = try await Self.execute(options)
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }

    /// The monitor's output on stdout: a redrawn view on a terminal, plain alert lines otherwise.
    /// `--monitor` / `--no-monitor` decide; by default it is on only when stdout is a terminal.
    static func monitorOutput(_ asked: Bool?) -> LiveMonitor.Output? {
        let terminal = isatty(STDOUT_FILENO) == 1
        guard asked ?? terminal else { return nil }
        return LiveMonitor.Output(isTerminal: terminal) { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    /// `0.05,0.1,0.2` as rates; range checks happen in the pipeline, with the other settings.
    static func rates(_ text: String) throws -> [Double] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let rate = Double(trimmed) else {
                throw ValidationError("--ramp \(text): '\(trimmed)' is not a number; give rates like 0.05,0.1,0.2,0.4")
            }
            return rate
        }
    }

    /// Runs the pipeline with Ctrl-C and SIGTERM turned into an orderly stop: the load ends,
    /// the processes are stopped, the source is reverted, and the partial run is reported.
    static func execute(_ options: RunOptions) async throws -> RunOutcome {
        let pipeline = RunPipeline(options: options) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { pipeline.interrupt(number == SIGINT ? "Ctrl-C" : "SIGTERM") }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        do {
            let outcome = try await pipeline.run()
            if let coverage = outcome.coverage { print("coverage: \(coverage)") }
            print("\(outcome.verdict)")
            print("report: \(outcome.runFolder.appendingPathComponent("chaos-test-report.md").path)")
            return outcome
        } catch {
            throw CLIFailure(message: error.description, code: error.exitStatus == 2 ? .badInput : .environment)
        }
    }
}
