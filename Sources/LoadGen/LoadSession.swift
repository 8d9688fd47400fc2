import Artifacts
import Foundation

/// One `chaos-test load` run: an optional unrecorded warm-up, one recorded `baseline` phase and
/// the results file. The `run` pipeline composes its own phases with ``LoadRunner`` instead.
public enum LoadSession {
    public struct Options: Sendable {
        public var configuration: LoadConfiguration
        public var shape: LoadShape
        public var requests: Int?
        public var durationSeconds: Double?
        public var warmupRequests: Int
        public var out: URL
        public var phaseName: String

        public init(
            configuration: LoadConfiguration, shape: LoadShape, requests: Int?, durationSeconds: Double?,
            warmupRequests: Int = 0, out: URL, phaseName: String = "baseline"
        ) {
            self.configuration = configuration
            self.shape = shape
            self.requests = requests
            self.durationSeconds = durationSeconds
            self.warmupRequests = warmupRequests
            self.out = out
            self.phaseName = phaseName
        }
    }

    public struct Outcome: Sendable {
        public var meta: LoadMeta
        public var phase: PhaseResult
        public var out: URL
    }

    /// Runs the session and writes `options.out`, also when `stop` interrupts it (then `partial`).
    /// `progress` is called about twice a second while the recorded phase runs.
    public static func run(
        _ options: Options, stop: StopSignal,
        progress: (@Sendable (_ progress: LoadProgress, _ elapsedSeconds: Double) -> Void)? = nil
    ) async throws -> Outcome {
        let configuration = options.configuration
        let sidecar = options.out.deletingLastPathComponent()
            .appendingPathComponent(options.out.lastPathComponent + ".records.jsonl")
        let recorder = try LoadRecorder(sidecar: sidecar)
        let startUnixNs = WallClock.nowUnixNs()
        let cpuBefore = WallClock.processCPUTimeUs()
        let phase = PhaseSpec(
            name: options.phaseName, shape: options.shape, requests: options.requests,
            durationSeconds: options.durationSeconds)
        let result = try await LoadRunner.withRunner(configuration) { runner -> PhaseResult in
            if options.warmupRequests > 0 {
                let concurrency: Int
                switch options.shape {
                case .closed(let value): concurrency = value
                case .open(_, let maxInFlight): concurrency = min(maxInFlight, 10)
                }
                let warmup = PhaseSpec(
                    name: "warmup", shape: .closed(concurrency: concurrency), requests: options.warmupRequests)
                _ = await runner.run(warmup, recorder: nil, stop: stop)
            }
            let started = WallClock.monotonicNs()
            return await withTaskGroup(of: PhaseResult?.self) { group in
                if let progress {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .milliseconds(500))
                            if Task.isCancelled { break }
                            progress(recorder.progress(of: phase.name), Double(WallClock.monotonicNs() - started) / 1e9)
                        }
                        return nil
                    }
                }
                group.addTask { await runner.run(phase, recorder: recorder, stop: stop) }
                var phaseResult: PhaseResult?
                for await value in group {
                    if let value {
                        phaseResult = value
                        group.cancelAll()
                    }
                }
                return phaseResult!
            }
        }
        let meta = LoadMeta(
            target: configuration.target.absoluteString, model: options.shape.model, seed: Int(configuration.seed),
            plan: configuration.plan.source, startUnixNs: startUnixNs,
            partial: result.interrupted || stop.isStopped,
            generatorCpuUs: WallClock.processCPUTimeUs() - cpuBefore)
        try recorder.finish(meta: meta, to: options.out)
        return Outcome(meta: meta, phase: result, out: options.out)
    }
}
