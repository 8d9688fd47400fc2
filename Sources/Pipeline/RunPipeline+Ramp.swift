import Artifacts
import Foundation
import Injection
import LoadGen
import Patching

extension RunPipeline {
    /// After the chaos phase: sets each ramp rate in settings.json (the runtime re-reads it on
    /// its next hook call, so the app keeps running), holds the load for one step as phase
    /// `ramp-<rate>`, and writes ramp.json with each step's figures and the breaking point.
    func runRamp(
        _ ramp: RampPlan, runner: LoadRunner, recorder: LoadRecorder, shape: LoadShape, settings: RunSettings,
        appRoot: AppRoot, runFolder: URL
    ) async throws -> RampResult {
        let maxP99Us = settings.maxP99.map { Int(($0 * 1_000_000).rounded()) }
        var steps: [RampResult.Step] = []
        let eventsURL = runFolder.appendingPathComponent("events.jsonl")
        for rate in ramp.rates {
            guard !stop.isStopped else {
                note(partial: "ramp: stopped before fault rate \(rate)")
                break
            }
            let live: ChaosSettings
            do {
                _ = try LiveControl.apply(.rate(rate, point: nil), root: appRoot)
                live = try LiveControl.apply(.on, root: appRoot)
            } catch {
                throw RunError.environment("ramp: cannot set fault rate \(rate) in settings.json: \(error)")
            }
            let settingsJSON = (try? JSONDecoder().decode(JSONValue.self, from: ArtifactJSON.encode(live))) ?? .null
            let name = RampResult.phaseName(rate: rate)
            let spec = PhaseSpec(name: name, settings: settingsJSON, shape: shape, durationSeconds: ramp.stepSeconds)
            let result = await phase("ramp \(rate)") {
                await runner.run(spec, recorder: recorder, stop: stop)
            }
            let window = recorder.phases.last { $0.name == name }
            let fired = (try? ChaosEvent.read(eventsURL).events.filter { event in
                guard event.point != nil, let window else { return false }
                return event.timeUnixNs >= window.startUnixNs && event.timeUnixNs <= window.endUnixNs
            }.count) ?? 0
            let overall = result.summary[EndpointSummary.overallKey]
            let step = RampResult.Step(
                rate: rate, phase: name, requests: overall?.count ?? 0, errors: overall?.errors ?? 0,
                errorRate: overall?.errorRate ?? 0, p99Us: overall?.p99Us ?? 0, faultsFired: fired,
                maxErrorRate: settings.maxErrorRate, maxP99Us: maxP99Us)
            say(String(
                format: "  ramp %@: %d requests, error rate %.3f, p99 %.1f ms, %d faults%@", "\(rate)", step.requests,
                step.errorRate, Double(step.p99Us) / 1000, step.faultsFired,
                step.breached.isEmpty ? "" : " — breached: " + step.breached.joined(separator: ", ")))
            steps.append(step)
        }
        let result = RampResult(
            stepUs: Int((ramp.stepSeconds * 1_000_000).rounded()), maxErrorRate: settings.maxErrorRate, maxP99Us: maxP99Us,
            steps: steps)
        say("  ramp: \(result.verdict)")
        try write(result, to: runFolder.appendingPathComponent(RampResult.fileName))
        return result
    }
}
