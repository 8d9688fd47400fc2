import Artifacts
import Foundation
import LoadGen
import Testing

@testable import Locust

/// `load --engine locust` against the orbital sample on loopback: Locust's master and two
/// workers send the committed plan at an app with chaos injected and switched on, and the
/// records land in load-results.json in the built-in engine's format, joined by request id with
/// the faults the runtime logged.
@Suite(.serialized) struct LocustEngineTests {
    @Test func twoWorkersFillTheSameLoadResultsAndJoinWithTheRuntimesEvents() async throws {
        try await OrbitalUnderChaos.with { app, folder in
            let plan = try PlanParser.load(path: OrbitalUnderChaos.sample.appendingPathComponent("load-plan.yaml").path)
            let out = folder.appendingPathComponent("load-results.json")
            let options = LocustEngine.Options(
                target: app.url, plan: plan, users: 4, workers: 2, durationSeconds: 8, timeoutSeconds: 10, seed: 3,
                python: OrbitalUnderChaos.python.path, out: out)
            let outcome = try await LocustEngine.run(options, stop: StopSignal())

            // Master and two workers were started, and none is left running.
            #expect(outcome.pids.count == 3)
            for pid in outcome.pids { #expect(kill(pid, 0) != 0, "locust pid \(pid) is still running") }

            let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: out))
            #expect(results.meta.model == .closed)
            #expect(results.meta.generatorCpuUs > 0)
            #expect(results.phases.map(\.name) == ["baseline"])
            // The phase spans the requests, not Locust's start-up.
            #expect(results.phases[0].startUnixNs == results.records.map(\.sentUnixNs).min())
            #expect(results.phases[0].endUnixNs == results.records.map { $0.sentUnixNs + $0.latencyUs * 1000 }.max())
            #expect(results.records.count > 20)
            #expect(Set(results.records.map(\.id)).count == results.records.count, "record ids are not unique")
            // Both workers sent requests: ids are locust-w<worker>-u<user>-<unit>[.<step>].
            let senders = Set(results.records.map { $0.id.split(separator: "-")[1] })
            #expect(senders == ["w0", "w1"], "requests came from \(senders)")
            #expect(results.records.allSatisfy { $0.id.range(of: #"^locust-w\d+-u\d+-\d+(\.\d+)?$"#, options: .regularExpression) != nil })
            #expect(results.records.filter { $0.step != nil }.allSatisfy { $0.id.contains(".") })
            // The plan's endpoint keys, its flow steps, and sub-millisecond precision of our own timing.
            let endpoints = Set(results.records.map(\.endpoint))
            #expect(endpoints.isSubset(of: Set(plan.endpoints)))
            #expect(endpoints.contains("POST /api/search"))
            #expect(results.records.contains { $0.step?.hasPrefix("trip/") == true })
            #expect(results.records.contains { $0.latencyUs % 1000 != 0 })
            // The summary agrees with the records.
            let summary = try #require(results.summary["baseline"]?["*"])
            #expect(summary.count == results.records.count)
            #expect(summary.errors == results.records.filter { $0.error != nil }.count)
            #expect(results.records.filter { $0.error == .http5xx }.allSatisfy { ($0.status ?? 0) >= 500 })

            // The X-Chaos-Request-Id header reached the runtime: every fault it logged in a request
            // names a record of ours, and some erroring records are explained by a fault.
            let events = try ChaosEvent.read(folder.appendingPathComponent("events.jsonl")).events.filter { $0.point != nil }
            #expect(events.count > 0, "no fault fired: the app did not run with chaos on")
            let ids = Set(results.records.map(\.id))
            let joined = events.compactMap(\.requestId).filter { $0 != "health" }
            #expect(!joined.isEmpty)
            #expect(joined.allSatisfy(ids.contains), "events name requests that are not in load-results.json")
            let errored = Set(results.records.filter { $0.error != nil }.map(\.id))
            #expect(!errored.isDisjoint(with: joined))
        }
    }

    /// The same seed sends the same logical requests under the same ids, as the built-in engine
    /// does: the runtime then draws the same faults for them, and `compare` can pair two runs.
    @Test func oneSeedGivesTheSameIdsTheSameRequestsInTwoRuns() async throws {
        try await OrbitalUnderChaos.with { app, folder in
            let plan = try PlanParser.load(path: OrbitalUnderChaos.sample.appendingPathComponent("load-plan.yaml").path)
            var runs: [[String: String]] = []
            for run in 0..<2 {
                let out = folder.appendingPathComponent("load-results-\(run).json")
                let options = LocustEngine.Options(
                    target: app.url, plan: plan, users: 3, workers: 1, durationSeconds: 5, timeoutSeconds: 10, seed: 11,
                    python: OrbitalUnderChaos.python.path, out: out)
                _ = try await LocustEngine.run(options, stop: StopSignal())
                let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: out))
                runs.append(Dictionary(results.records.map { ($0.id, "\($0.endpoint) \($0.step ?? "")") }, uniquingKeysWith: { a, _ in a }))
            }
            let shared = Set(runs[0].keys).intersection(runs[1].keys)
            #expect(shared.count >= 10, "only \(shared.count) ids in common")
            let differing = shared.filter { runs[0][$0] != runs[1][$0] }.sorted()
            #expect(differing.isEmpty, "\(differing.prefix(5).map { "\($0): \(runs[0][$0]!) / \(runs[1][$0]!)" })")
        }
    }

    @Test func anInterpreterWithoutLocustIsAnEnvironmentError() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("locust-missing-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = LoadPlan(source: "test", requests: [PlanRequest(method: "GET", path: "/healthz")])
        let options = LocustEngine.Options(
            target: URL(string: "http://127.0.0.1:9")!, plan: plan, users: 1, workers: 2, durationSeconds: 1,
            python: "/usr/bin/python3", out: folder.appendingPathComponent("load-results.json"))
        await #expect {
            _ = try await LocustEngine.run(options, stop: StopSignal())
        } throws: { error in
            guard let error = error as? LoadError else { return false }
            return error.exitCode == 3 && error.message.contains("cannot import locust")
        }
    }

    @Test func theGeneratedLocustfileCompilesAndCarriesThePlan() throws {
        let plan = try PlanParser.load(path: OrbitalUnderChaos.sample.appendingPathComponent("load-plan.yaml").path)
        let text = try LocustfileGenerator.locustfile(for: plan)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("locustfile-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("locustfile.py")
        try Data(text.utf8).write(to: file)
        // Python itself reads PLAN_JSON back into the plan it was made from.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import ast,json,sys; t=open(sys.argv[1]).read(); ast.parse(t); "
                + "m=ast.parse(t).body[0]; p=json.loads(ast.literal_eval(m.value)); "
                + "print(json.dumps([len(p['requests']), len(p['flows']), [s['endpoint'] for s in p['flows'][0]['steps']]]))",
            file.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let expected = "[\(plan.requests.count), \(plan.flows.count), [" + plan.flows[0].steps.map { "\"\($0.endpoint)\"" }.joined(separator: ", ") + "]]"
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}
