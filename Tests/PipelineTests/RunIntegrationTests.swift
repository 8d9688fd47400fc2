import Artifacts
import Foundation
import Pipeline
import Testing

/// `run` end to end on both samples, on loopback, each on a copy with WEAKNESSES.md and all
/// comments removed. The load is short; the suite is serialized because it starts servers.
@Suite(.serialized) struct RunIntegrationTests {
    static let samples = ["orbital-travel-planner", "flask-inventory"]

    func options(for copy: SampleCopy, sample: String) throws -> RunOptions {
        try runOptions(for: copy, sample: sample)
    }

    @Test(arguments: samples) func runFindsEveryPlantedWeaknessAndLeavesNoTrace(sample: String) async throws {
        let copy = try SampleCopy(sample: sample)
        let before = try copy.snapshot()
        let outcome = try await RunPipeline(options: try options(for: copy, sample: sample)) { _ in }.run()
        let folder = outcome.runFolder

        // The five files exist and parse.
        func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            try ArtifactJSON.decode(type, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
        let config = try load(ChaosConfig.self, "chaos-config.json")
        #expect(!config.points.isEmpty)
        let results = try load(LoadResults.self, "load-results.json")
        #expect(results.phases.map(\.name) == ["baseline", "chaos"])
        #expect(results.records.filter { $0.phase == "chaos" }.count >= 30)
        let patterns = try load(FailurePatterns.self, "failure-patterns.json")
        let proposals = try load(FixProposals.self, "fix-proposals.json")
        #expect(!proposals.proposals.isEmpty)
        let report = try String(contentsOf: folder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        for section in ["Summary", "Chaos Configuration", "Load Test Results", "Failure Patterns", "Fix Proposals", "Phase timings"] {
            #expect(report.contains("## \(section)"), "the report has no \(section) section")
        }

        // Every planted weakness shows up at its file and line, measured or static.
        let found = Set(patterns.patterns.flatMap { pattern in pattern.locations.map { "\($0.file):\($0.line)" } })
        for weakness in try Weakness.table(of: sample) {
            #expect(found.contains("\(weakness.file):\(weakness.line)"), "\(sample) \(weakness.id) at \(weakness.file):\(weakness.line) was not found; found \(found.sorted())")
        }

        // The source is byte-identical, and nothing the run started is still running.
        #expect(try copy.snapshot() == before)
        #expect(processes(in: copy.root).isEmpty)
        #expect(outcome.record.phases.contains { $0.group == "prepare" && $0.name == "inject" })
    }

    @Test func killingTheAppMidLoadEndsWithAPartialReportAndARevertedTree() async throws {
        let sample = "orbital-travel-planner"
        let copy = try SampleCopy(sample: sample)
        let before = try copy.snapshot()
        var options = try options(for: copy, sample: sample)
        options.duration = 20
        options.deadline = 40
        let pipeline = RunPipeline(options: options) { _ in }
        let run = Task { try await pipeline.run() }
        // Wait for the chaos phase to be under way (faults are firing), then kill the app (not
        // the provider).
        let events = copy.root.appendingPathComponent(".chaos-test/runs/latest/events.jsonl")
        var killed: Int32?
        for _ in 0..<600 where killed == nil {
            try await Task.sleep(nanoseconds: 100_000_000)
            let data = FileHandle(forReadingAtPath: events.path)?.readDataToEndOfFile() ?? Data()
            let lines = data.filter { $0 == 0x0A }.count
            guard lines > 5 else { continue }
            let app = processes(in: copy.root).filter { pid in
                // /proc files report a size of 0: read to the end rather than by size.
                let commandLine = FileHandle(forReadingAtPath: "/proc/\(pid)/cmdline").map {
                    String(decoding: $0.readDataToEndOfFile().map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                }
                return commandLine?.contains("app.main:app") ?? false
            }
            if let pid = app.first {
                kill(pid, SIGKILL)
                killed = pid
            }
        }
        let outcome = try await run.value
        #expect(killed != nil)
        #expect(outcome.record.partial.contains { $0.contains("the app exited during the load") })
        let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: outcome.runFolder.appendingPathComponent("load-results.json")))
        #expect(results.meta.partial)
        #expect(results.records.contains { $0.error == .refused || $0.error == .reset })
        let report = try String(contentsOf: outcome.runFolder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        #expect(report.contains("the app exited during the load"))
        #expect(try copy.snapshot() == before)
        #expect(processes(in: copy.root).isEmpty)
    }
}
