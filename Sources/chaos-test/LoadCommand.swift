import ArgumentParser
import Artifacts
import Dispatch
import Foundation
import LoadGen

#if canImport(Glibc)
    import Glibc
#endif

/// `chaos-test load`: drive HTTP load at a loopback app and write load-results.json.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send HTTP load to an app on this machine and record every request.",
        discussion: """
            Without --plan or --openapi the plan is the app's /openapi.json if it serves one,
            else the parameterless GET routes of --app-dir's scan.json.
            --concurrency C is the closed model; --rps R the open model, where latency counts
            from each request's scheduled instant (with --concurrency capping requests in flight).
            Ctrl-C stops sending and still writes the results, marked partial.
            """
    )

    @Option(help: "The app's base URL, on loopback (127.0.0.0/8, ::1, localhost).")
    var url: String

    @Option(help: "A YAML or JSON plan file.")
    var plan: String?

    @Flag(help: "Build the plan from the app's /openapi.json.")
    var openapi = false

    @Option(help: "The app's source folder, for a plan from its scanned routes.")
    var appDir: String?

    @Option(help: "Requests to send (flow steps count one each). Default 1000 when --duration is not given.")
    var requests: Int?

    @Option(help: "Seconds to send for.")
    var duration: Double?

    @Option(help: "Requests in flight (closed model; with --rps, the cap on requests in flight).")
    var concurrency: Int?

    @Option(help: "Requests per second (open model).")
    var rps: Double?

    @Option(help: "Seconds before a request counts as a timeout.")
    var timeout: Double = 10

    @Option(help: "Unrecorded requests to send first.")
    var warmup: Int = 0

    @Option(help: "Where to write the results.")
    var out: String = "load-results.json"

    @Option(help: "Seed for picking requests and values.")
    var seed: Int = 1

    @Flag(help: "Print the summary as JSON on stdout.")
    var json = false

    @Flag(help: "Allow a target that is not on loopback. Only for servers you own.")
    var allowRemote = false

    // Issue 8: Locust as the engine, for load beyond what one generator process sends.
    @Option(help: "The engine: chaos-test (built in) or locust (Locust's own master and --workers, from --python).")
    var engine: LoadEngine = .chaosTest

    @Option(help: "Locust workers to start (with --engine locust).")
    var workers: Int = 1

    @Option(help: "The Python interpreter that has Locust (with --engine locust).")
    var python: String = "python3"

    func validate() throws {
        if let requests, requests < 1 { throw ValidationError("--requests must be at least 1.") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be above 0 seconds.") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
        if let rps, rps <= 0 { throw ValidationError("--rps must be above 0.") }
        if timeout <= 0 { throw ValidationError("--timeout must be above 0 seconds.") }
        if warmup < 0 { throw ValidationError("--warmup cannot be negative.") }
        if seed < 0 { throw ValidationError("--seed cannot be negative.") }
        if plan != nil && openapi { throw ValidationError("--plan and --openapi both choose the plan; give one.") }
        try validateEngine()
    }

    func run() async throws {
        do {
            try await execute()
        } catch let error as LoadError {
            FileHandle.standardError.write(Data("chaos-test load: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        } catch let error as PlanError {
            FileHandle.standardError.write(Data("chaos-test load: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func execute() async throws {
        // The target is checked before anything else, so a refused target never sees a packet.
        let target = try TargetGuard.check(url, allowRemote: allowRemote)
        let source: PlanResolver.Source =
            if let plan { .file(plan) } else if openapi { .openAPI } else { .automatic(appDirectory: appDir) }
        let loadPlan = try await PlanResolver.resolve(
            source, target: target, timeoutSeconds: timeout, seed: UInt64(seed), allowRemote: allowRemote)
        for entry in loadPlan.unsynthesized {
            FileHandle.standardError.write(Data("not planned: \(entry)\n".utf8))
        }
        if engine == .locust { return try await runLocust(target: target, plan: loadPlan) }
        let shape: LoadShape =
            if let rps { .open(rps: rps, maxInFlight: concurrency ?? 256) } else { .closed(concurrency: concurrency ?? 10) }
        let connections: Int =
            switch shape {
            case .closed(let concurrency): concurrency
            case .open(_, let maxInFlight): maxInFlight
            }
        let configuration = LoadConfiguration(
            target: target, plan: loadPlan, timeoutSeconds: timeout, seed: UInt64(seed), maxConnections: connections,
            allowRemote: allowRemote)
        let options = LoadSession.Options(
            configuration: configuration, shape: shape,
            requests: requests ?? (duration == nil ? 1000 : nil), durationSeconds: duration,
            warmupRequests: warmup, out: URL(fileURLWithPath: out))

        let stop = StopSignal()
        let interrupts = Self.handleInterrupts(stop)
        defer { interrupts.cancel() }
        let live = isatty(STDERR_FILENO) == 1
        let progress: (@Sendable (LoadProgress, Double) -> Void)? = live ? Self.printProgress : nil
        let outcome = try await LoadSession.run(options, stop: stop, progress: progress)
        if live { FileHandle.standardError.write(Data("\n".utf8)) }
        report(outcome)
        if let refused = outcome.phase.refused {
            throw CLIFailure(
                message: "the load could not start: \(refused). Check the credentials and the plan's login: and setup: steps.",
                code: .badInput)
        }
        if outcome.meta.partial { throw ExitCode(130) }
    }

    private func report(_ outcome: LoadSession.Outcome) {
        if json {
            struct Printed: Encodable {
                var out: String
                var meta: LoadMeta
                var summary: [String: EndpointSummary]
                var notes: [String]
            }
            let printed = Printed(
                out: outcome.out.path, meta: outcome.meta, summary: outcome.phase.summary, notes: outcome.phase.notes)
            if let data = try? ArtifactJSON.encode(printed) { FileHandle.standardOutput.write(data) }
            return
        }
        var text = SummaryTable.render(outcome.phase.summary) + "\n"
        let total = outcome.phase.summary[EndpointSummary.overallKey]?.count ?? 0
        let cpu = total > 0 ? outcome.meta.generatorCpuUs / total : 0
        text += "\(total) requests recorded in \(outcome.out.path); generator CPU \(cpu) µs per request"
        text += outcome.meta.partial ? " (interrupted: partial results)\n" : "\n"
        for note in outcome.phase.notes { text += "note: \(note)\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    @Sendable private static func printProgress(_ snapshot: LoadProgress, _ elapsed: Double) {
        let rate = elapsed > 0 ? Double(snapshot.requests) / elapsed : 0
        let line =
            "\r\(snapshot.requests) requests  \(Int(rate.rounded())) req/s  \(snapshot.errors) errors  "
            + "p99 \(SummaryTable.milliseconds(snapshot.p99Us))   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The first Ctrl-C stops sending and lets the results be written; a second one exits at once.
    private static func handleInterrupts(_ stop: StopSignal) -> DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if stop.isStopped { Glibc.exit(130) }
            FileHandle.standardError.write(Data("\nstopping: waiting briefly for requests in flight…\n".utf8))
            stop.stop()
        }
        source.resume()
        return source
    }
}
