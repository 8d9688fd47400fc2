import Artifacts
import Foundation
import Monitor
import Pipeline
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `run --ramp` on the orbital sample: the fault rate is stepped up live through settings.json
/// while the app keeps running, each step is a `ramp-<rate>` phase, and the report names the
/// breaking point with a table and a chart.
@Suite(.serialized) struct RampTests {
    @Test func rampStepsTheFaultRateLiveAndNamesTheBreakingPoint() async throws {
        let sample = "orbital-travel-planner"
        let copy = try SampleCopy(sample: sample)
        let before = try copy.snapshot()
        let python = repositoryRoot.appendingPathComponent("Samples/\(sample)/.venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run .ci/setup-python first")
        var options = RunOptions(appRoot: copy.root)
        options.python = python.path
        options.duration = 4
        options.deadline = 20
        options.minRequests = 30
        // The sample fails some requests with no fault at all (a stale itinerary id in its plan,
        // about a quarter of them): the SLO sits above that, so only chaos can break it.
        let rates = [0.0, 0.05, 0.9]
        options.ramp = rates
        options.rampStepSeconds = 4
        options.maxErrorRate = 0.6
        options.maxP99 = 5
        let lines = LineLog()
        // The live monitor, as when stdout is not a terminal: alerts only, as plain lines.
        let monitorLines = LineLog()
        options.monitor = LiveMonitor.Output(isTerminal: false) { monitorLines.append($0) }
        let outcome = try await RunPipeline(options: options) { lines.append($0) }.run()
        let folder = outcome.runFolder

        let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: folder.appendingPathComponent("load-results.json")))
        #expect(results.phases.map(\.name) == ["baseline", "chaos", "ramp-0.0", "ramp-0.05", "ramp-0.9"])
        // Each ramp phase records the settings in force, with its own rate.
        for (phase, rate) in zip(results.phases.suffix(3), rates) {
            guard case .object(let settings) = phase.settings, case .object(let profile)? = settings["default"] else {
                Issue.record("phase \(phase.name) has no settings")
                continue
            }
            #expect(profile["rate"] == .double(rate) || profile["rate"] == .int(Int(rate)))
        }

        let ramp = try ArtifactJSON.decode(RampResult.self, from: Data(contentsOf: folder.appendingPathComponent("ramp.json")))
        #expect(ramp.steps.map(\.rate) == rates)
        #expect(ramp.steps.allSatisfy { $0.requests > 10 })
        // The runtime picked the new rate up without a restart: no fault at 0, many at 0.9, and
        // the error rate follows.
        #expect(ramp.steps[0].faultsFired == 0)
        #expect(ramp.steps[0].breached.isEmpty)
        #expect(ramp.steps[2].faultsFired > ramp.steps[1].faultsFired)
        #expect(ramp.steps[2].errorRate > 0.6)
        #expect(ramp.steps[2].errorRate > ramp.steps[0].errorRate)
        // The breaking point is the first step over --max-error-rate or --max-p99.
        let first = ramp.steps.first { $0.errorRate > 0.6 || $0.p99Us > 5_000_000 }
        #expect(ramp.breakingPoint == first?.rate)
        #expect(ramp.breakingPoint != nil)
        #expect(ramp.steps.allSatisfy { $0.breached.isEmpty == !($0.errorRate > 0.6 || $0.p99Us > 5_000_000) })
        // Recomputed from the records, each step's error rate agrees with ramp.json.
        for step in ramp.steps {
            let records = results.records.filter { $0.phase == step.phase }
            #expect(records.count == step.requests)
            #expect(records.filter { $0.error != nil }.count == step.errors)
        }

        let report = try String(contentsOf: folder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        #expect(report.contains("### Ramp to the breaking point"))
        #expect(report.contains("**Breaking point: fault rate \(ramp.breakingPoint.map { "\($0)" } ?? "?")"))
        #expect(report.contains("| 0.9 | ramp-0.9 |"))
        #expect(report.contains("](charts/ramp.svg)"))
        let svg = try Data(contentsOf: folder.appendingPathComponent("charts/ramp.svg"))
        #expect(XMLParser(data: svg).parse(), "charts/ramp.svg is not well-formed XML")
        #expect(String(decoding: svg, as: UTF8.self).contains("breaks at"))
        #expect(lines.all.contains { $0.contains("ramp: breaks at fault rate") })

        // The monitor read the app's log as it was written and saw the error rate cross the SLO.
        let alerts = monitorLines.all.joined()
        #expect(!alerts.contains("\u{1B}"), "the plain monitor wrote a terminal escape")
        #expect(alerts.split(separator: "\n").allSatisfy { $0.hasPrefix("ALERT [") })
        #expect(alerts.contains("ALERT [new-exception] app: new exception type "), "\(alerts)")
        #expect(alerts.contains("ALERT [error-rate] all endpoints: error rate "), "\(alerts)")

        // Still reverted and stopped, as every run.
        #expect(try copy.snapshot() == before)
        #expect(processes(in: copy.root).isEmpty)
    }

    @Test func badRampRatesAreRefusedBeforeAnythingStarts() async throws {
        let copy = try SampleCopy(sample: "orbital-travel-planner")
        var options = RunOptions(appRoot: copy.root)
        options.python = "python3"
        options.ramp = [0.1, 1.5]
        await #expect {
            _ = try await RunPipeline(options: options) { _ in }.run()
        } throws: { error in
            guard let error = error as? RunError, case .badInput(let message) = error else { return false }
            return message.contains("--ramp 1.5")
        }
    }
}

/// The lines a pipeline said, collected from any thread.
final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
