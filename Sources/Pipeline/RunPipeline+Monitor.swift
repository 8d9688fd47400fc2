import Artifacts
import Foundation
import LoadGen
import Monitor

extension RunPipeline {
    /// Issue 8: starts the live monitor over this run's load, when `run` was asked for one:
    /// the recorder's running figures, events.jsonl and every log in the run folder's logs/.
    func startMonitor(recorder: LoadRecorder, settings: RunSettings, runFolder: URL) -> MonitorSession? {
        guard let output = options.monitor else { return nil }
        var names: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: runFolder.appendingPathComponent("chaos-config.json").path),
            let config = try? ArtifactJSON.decode(ChaosConfig.self, from: data)
        {
            for point in config.points { names[point.id] = "\(point.short) \(point.file):\(point.line)" }
        }
        let monitor = LiveMonitor(
            output: output,
            snapshot: {
                guard let phase = recorder.phases.last?.name else { return nil }
                return (phase, recorder.summary(of: phase))
            },
            logsFolder: runFolder.appendingPathComponent("logs"), eventsFile: runFolder.appendingPathComponent("events.jsonl"),
            thresholds: LiveMonitor.Thresholds(
                maxErrorRate: settings.maxErrorRate, maxP99Us: settings.maxP99.map { Int(($0 * 1_000_000).rounded()) }),
            pointNames: names)
        return monitor.start()
    }
}
