import ArgumentParser
import Artifacts
import Foundation
import LoadGen
import Locust

/// Which engine `chaos-test load` drives.
enum LoadEngine: String, ExpressibleByArgument, CaseIterable {
    case chaosTest = "chaos-test"
    case locust
}

extension LoadCommand {
    /// Locust runs by time in the closed model: refuse what it cannot honour instead of ignoring it.
    func validateEngine() throws {
        guard engine == .locust else {
            if workers != 1 { throw ValidationError("--workers is for --engine locust; the built-in engine is one process.") }
            return
        }
        if workers < 1 { throw ValidationError("--workers must be at least 1.") }
        if rps != nil { throw ValidationError("--engine locust runs the closed model: give --concurrency (users), not --rps.") }
        if requests != nil { throw ValidationError("--engine locust stops by time: give --duration, not --requests.") }
        if warmup > 0 { throw ValidationError("--engine locust has no unrecorded warm-up; drop --warmup.") }
    }

    func runLocust(target: URL, plan: LoadPlan) async throws {
        let options = LocustEngine.Options(
            target: target, plan: plan, users: concurrency ?? 10, workers: workers, durationSeconds: duration ?? 10,
            timeoutSeconds: timeout, seed: UInt64(seed), python: python, out: URL(fileURLWithPath: out),
            allowRemote: allowRemote)
        let stop = StopSignal()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { stop.stop() }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
        let outcome = try await LocustEngine.run(options, stop: stop)
        if json {
            struct Printed: Encodable {
                var out: String
                var meta: LoadMeta
                var summary: [String: EndpointSummary]
                var notes: [String]
            }
            let printed = Printed(out: outcome.out.path, meta: outcome.meta, summary: outcome.summary, notes: outcome.notes)
            if let data = try? ArtifactJSON.encode(printed) { FileHandle.standardOutput.write(data) }
        } else {
            var text = SummaryTable.render(outcome.summary) + "\n"
            let total = outcome.summary[EndpointSummary.overallKey]?.count ?? 0
            text += "\(total) requests by Locust (\(workers) workers) recorded in \(outcome.out.path); "
                + "Locust's CPU \(total > 0 ? outcome.meta.generatorCpuUs / total : 0) µs per request; "
                + "locustfile and logs in \(outcome.workFolder.path)\n"
            for note in outcome.notes { text += "note: \(note)\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if outcome.meta.partial { throw ExitCode(130) }
    }
}
