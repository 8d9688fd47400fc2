import Artifacts
import Foundation
import Testing

@testable import LoadGen

/// Runs one recorded phase against `target` and returns the results file read back.
func runLoad(
    target: URL, plan: LoadPlan, shape: LoadShape, requests: Int? = nil, duration: Double? = nil,
    timeout: Double = 5, directory: URL
) async throws -> LoadResults {
    let out = directory.appendingPathComponent("load-results.json")
    let configuration = LoadConfiguration(
        target: target, plan: plan, timeoutSeconds: timeout, seed: 7, maxConnections: 32)
    let options = LoadSession.Options(
        configuration: configuration, shape: shape, requests: requests, durationSeconds: duration, out: out)
    _ = try await LoadSession.run(options, stop: StopSignal())
    return try LoadResultsReader(url: out).readAll()
}

@Suite(.serialized) struct LoadRunnerTests {
    @Test func recordsExactlyTheRequestedCountWithRequestIds() async throws {
        let directory = try temporaryDirectory()
        let log = directory.appendingPathComponent("server.log")
        let server = try TestServer(mode: "json", arguments: ["--log", log.path])
        defer { server.stop() }
        let plan = LoadPlan(
            source: "test",
            params: ["item": [.int(1), .int(2), .int(3)]],
            requests: [
                PlanRequest(name: "root", method: "GET", path: "/hello", weight: 2),
                PlanRequest(method: "POST", path: "/items/{item}", json: .object(["n": .string("{item}")])),
            ])
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 8), requests: 300, directory: directory)

        #expect(results.records.count == 300)
        #expect(Set(results.records.map(\.id)).count == 300)
        #expect(results.summary["baseline"]?["*"]?.count == 300)
        #expect(results.summary["baseline"]?["*"]?.ok == 300)
        #expect(Set(results.records.map(\.endpoint)) == ["GET /hello", "POST /items/{item}"])
        #expect(results.meta.model == .closed)
        #expect(results.meta.partial == false)
        #expect(results.meta.generatorCpuUs > 0)
        #expect(results.phases.map(\.name) == ["baseline"])
        // The server saw every record id in X-Chaos-Request-Id, and nothing else.
        let seen = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        #expect(Set(seen) == Set(results.records.map(\.id)))
        #expect(seen.count == 300)
        for record in results.records {
            #expect(record.status == 200)
            #expect(record.error == nil)
            #expect(record.bytes > 0)
            #expect(record.sentUnixNs >= results.meta.startUnixNs)
            #expect(record.scheduledUnixNs == record.sentUnixNs)
        }
    }

    /// The runtime draws faults from the request id, so `compare` can pair two runs' requests by
    /// id only if an id names the same logical request in both: same endpoint, same parameters, same
    /// flow step, whatever order eight virtual users happen to finish in.
    @Test func oneSeedGivesEachLogicalRequestTheSameIdInEveryRun() async throws {
        let plan = try PlanParser.parse(
            """
            params: {item: [1, 2, 3, 4, 5, 6, 7]}
            requests:
              - {method: GET, path: "/items/{item}", weight: 3}
              - {method: POST, path: "/items/{item}", json: {n: "{item}"}}
            flows:
              - name: trip
                steps:
                  - {name: search, method: POST, path: /api/search, json: {to: Mars}, extract: {itinerary: /results/0/id}}
                  - {name: book, method: POST, path: /api/bookings, json: {itinerary_id: "{itinerary}"}}
            """, file: "ids.yaml")
        var runs: [[String: String]] = []
        for _ in 0..<2 {
            let directory = try temporaryDirectory()
            let log = directory.appendingPathComponent("server.log")
            let server = try TestServer(mode: "json", arguments: ["--log", log.path])
            defer { server.stop() }
            let results = try await runLoad(
                target: server.url, plan: plan, shape: .closed(concurrency: 8), requests: 200, directory: directory)
            #expect(Set(results.records.map(\.id)).count == results.records.count)
            // id -> what the server saw: method and path.
            let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
            runs.append(Dictionary(lines.map { line in
                let words = line.split(separator: " ", maxSplits: 1)
                return (String(words[0]), String(words[1]))
            }, uniquingKeysWith: { a, _ in a }))
        }
        let shared = Set(runs[0].keys).intersection(runs[1].keys)
        #expect(shared.count >= 180, "only \(shared.count) ids in common")
        let differing = shared.filter { runs[0][$0] != runs[1][$0] }.sorted()
        #expect(differing.isEmpty, "ids naming different requests: \(differing.prefix(5).map { "\($0): \(runs[0][$0]!) / \(runs[1][$0]!)" })")
        #expect(shared.contains { $0.hasSuffix(".2") }, "a flow's second step has its own id")
    }

    @Test func percentilesMatchNearestRankFromRawRecords() async throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        defer { server.stop() }
        let plan = LoadPlan(
            source: "test",
            requests: [
                PlanRequest(method: "GET", path: "/a"), PlanRequest(method: "POST", path: "/api/search", json: .object([:])),
            ])
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 4), requests: 600, directory: directory)
        let phase = try #require(results.summary["baseline"])
        var byEndpoint: [String: [Int]] = ["*": []]
        for record in results.records {
            byEndpoint[record.endpoint, default: []].append(record.latencyUs)
            byEndpoint["*"]!.append(record.latencyUs)
        }
        #expect(Set(phase.keys) == Set(byEndpoint.keys))
        for (endpoint, values) in byEndpoint {
            let sorted = values.sorted()
            let summary = try #require(phase[endpoint])
            #expect(summary.count == sorted.count)
            let pairs: [(Int, Double)] = [
                (summary.p50Us, 50), (summary.p90Us, 90), (summary.p95Us, 95), (summary.p99Us, 99), (summary.p999Us, 99.9),
            ]
            for (reported, percentile) in pairs {
                let exact = nearestRank(sorted, percentile)
                // 3 significant digits: within 0.1% of the value (plus the 1 µs unit).
                #expect(abs(reported - exact) <= exact / 1000 + 1, "\(endpoint) p\(percentile): \(reported) vs \(exact)")
            }
            #expect(summary.maxUs == sorted.last!)
        }
    }

    @Test func flowsChainValuesByJSONPointer() async throws {
        let directory = try temporaryDirectory()
        let log = directory.appendingPathComponent("server.log")
        let server = try TestServer(mode: "json", arguments: ["--log", log.path])
        defer { server.stop() }
        let plan = try PlanParser.parse(
            """
            flows:
              - name: trip
                steps:
                  - {name: search, method: POST, path: /api/search, json: {to: Mars}, extract: {itinerary: /results/0/id}}
                  - {name: book, method: POST, path: /api/bookings, json: {itinerary_id: "{itinerary}"}, extract: {booking: /id}}
                  - {name: confirm, method: POST, path: "/api/bookings/{booking}/confirm"}
            """, file: "flow.yaml")
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 3), requests: 30, directory: directory)
        #expect(results.records.count == 30)
        #expect(results.records.filter { $0.step == "trip/book" }.allSatisfy { $0.status == 201 })
        #expect(results.records.allSatisfy { $0.error == nil && (200..<300).contains($0.status ?? 0) })
        // 30 requests are exactly 10 flows of 3 steps only if no flow is cut off by the request
        // count; with 3 virtual users, up to 2 flows can be left unfinished at the end.
        let confirmed = results.records.filter { $0.step == "trip/confirm" }.count
        #expect((8...10).contains(confirmed))
        #expect(results.records.contains { $0.endpoint == "POST /api/bookings/{booking}/confirm" })
        // The confirm paths carry the booking ids the book step returned.
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let confirms = lines.filter { $0.hasSuffix("/confirm") }
        #expect(confirms.count == confirmed)
        #expect(confirms.allSatisfy { $0.range(of: #"/api/bookings/\d+/confirm$"#, options: .regularExpression) != nil })
    }

    @Test func refusedConnectionsAreRecordedWithoutCrashing() async throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        let target = server.url
        server.stop()
        let plan = LoadPlan(source: "test", requests: [PlanRequest(method: "GET", path: "/")])
        let results = try await runLoad(
            target: target, plan: plan, shape: .closed(concurrency: 4), requests: 40, directory: directory)
        #expect(results.records.count == 40)
        #expect(results.records.allSatisfy { $0.error == .refused && $0.status == nil })
        #expect(results.summary["baseline"]?["*"]?.errors == 40)
        #expect(results.summary["baseline"]?["*"]?.errorRate == 1)
    }

    @Test func misbehavingServerErrorsAreRecordedByKind() async throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "misbehave")
        defer { server.stop() }
        let plan = LoadPlan(
            source: "test",
            requests: ["/reset", "/malformed", "/slow", "/fail", "/status/404", "/fine"].map {
                PlanRequest(method: "GET", path: $0)
            })
        let results = try await runLoad(
            target: server.url, plan: plan, shape: .closed(concurrency: 6), requests: 60, timeout: 0.5,
            directory: directory)
        #expect(results.records.count == 60)
        let expected: [String: LoadErrorKind?] = [
            "GET /reset": .reset, "GET /malformed": .malformed, "GET /slow": .timeout, "GET /fail": .http5xx,
            "GET /status/404": nil, "GET /fine": nil,
        ]
        for record in results.records {
            #expect(record.error == expected[record.endpoint]!, "\(record.endpoint): \(String(describing: record.error))")
        }
        let phase = try #require(results.summary["baseline"])
        #expect(phase["GET /status/404"].map { $0.clientErrors == $0.count && $0.errors == 0 } == true)
        #expect(phase["GET /fail"].map { $0.errors == $0.count } == true)
        #expect(results.records.filter { $0.endpoint == "GET /slow" }.allSatisfy { $0.latencyUs >= 450_000 })
    }

    @Test func openModelSeesTheStallThatTheClosedModelHides() async throws {
        let plan = LoadPlan(source: "test", requests: [PlanRequest(method: "GET", path: "/")])
        let closedServer = try TestServer(mode: "stall")
        defer { closedServer.stop() }
        let closed = try await runLoad(
            target: closedServer.url, plan: plan, shape: .closed(concurrency: 1), duration: 3.5,
            directory: try temporaryDirectory())
        let openServer = try TestServer(mode: "stall")
        defer { openServer.stop() }
        let open = try await runLoad(
            target: openServer.url, plan: plan, shape: .open(rps: 200, maxInFlight: 64), duration: 3.5,
            directory: try temporaryDirectory())
        let closedAll = try #require(closed.summary["baseline"]?["*"])
        let openAll = try #require(open.summary["baseline"]?["*"])
        // Both runs met a 1 s stall...
        #expect(closedAll.maxUs >= 900_000)
        #expect(openAll.maxUs >= 900_000)
        // ...but only the open model, timing from the scheduled instant, lets it reach p99.
        #expect(closedAll.p99Us < 200_000, "closed p99 \(closedAll.p99Us) µs")
        #expect(openAll.p99Us >= 800_000, "open p99 \(openAll.p99Us) µs")
        #expect(open.meta.model == .open)
        #expect(open.records.allSatisfy { $0.scheduledUnixNs <= $0.sentUnixNs })
        // Scheduled instants are 5 ms apart whatever the server did.
        let scheduled = open.records.map(\.scheduledUnixNs).sorted()
        #expect(abs((scheduled[100] - scheduled[0]) - 500_000_000) < 2_000_000)
    }

    @Test func stopSignalEndsThePhaseAsInterrupted() async throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        defer { server.stop() }
        let plan = LoadPlan(source: "test", requests: [PlanRequest(method: "GET", path: "/")])
        let configuration = LoadConfiguration(target: server.url, plan: plan, timeoutSeconds: 5, seed: 1)
        let stop = StopSignal()
        let recorder = try LoadRecorder(sidecar: directory.appendingPathComponent("r.jsonl"))
        let result = try await LoadRunner.withRunner(configuration) { runner in
            async let phase = runner.run(
                PhaseSpec(name: "chaos", shape: .closed(concurrency: 2), durationSeconds: 30), recorder: recorder,
                stop: stop)
            try await Task.sleep(for: .milliseconds(700))
            stop.stop()
            return await phase
        }
        #expect(result.interrupted)
        #expect(result.completed > 0)
        // A phase started after the stop sends nothing, and still has its zero summary.
        let after = try await LoadRunner.withRunner(configuration) { runner in
            await runner.run(PhaseSpec(name: "late", shape: .closed(concurrency: 2), requests: 10), recorder: recorder, stop: stop)
        }
        #expect(after.completed == 0)
        #expect(recorder.summary(of: "late")["*"]?.count == 0)
        #expect(recorder.summary(of: "chaos")["*"]?.count == result.completed)
    }

    @Test func severalPhasesGoIntoOneFile() async throws {
        let directory = try temporaryDirectory()
        let server = try TestServer(mode: "json")
        defer { server.stop() }
        let plan = LoadPlan(source: "test", requests: [PlanRequest(method: "GET", path: "/x")])
        let configuration = LoadConfiguration(target: server.url, plan: plan, timeoutSeconds: 5, seed: 1)
        let recorder = try LoadRecorder(sidecar: directory.appendingPathComponent("r.jsonl"))
        let stop = StopSignal()
        try await LoadRunner.withRunner(configuration) { runner in
            _ = await runner.run(PhaseSpec(name: "baseline", shape: .closed(concurrency: 2), requests: 20), recorder: recorder, stop: stop)
            _ = await runner.run(
                PhaseSpec(name: "chaos", settings: .object(["enabled": .bool(true)]), shape: .closed(concurrency: 2), requests: 15),
                recorder: recorder, stop: stop)
            _ = await runner.run(PhaseSpec(name: "ramp-50", shape: .open(rps: 50, maxInFlight: 8), requests: 10), recorder: recorder, stop: stop)
        }
        let out = directory.appendingPathComponent("load-results.json")
        try recorder.finish(
            meta: LoadMeta(target: server.url.absoluteString, model: .closed, seed: 1, plan: "test", startUnixNs: 1, partial: false, generatorCpuUs: 1),
            to: out)
        let results = try LoadResultsReader(url: out).readAll()
        #expect(results.phases.map(\.name) == ["baseline", "chaos", "ramp-50"])
        #expect(results.phases[1].settings == .object(["enabled": .bool(true)]))
        #expect(results.summary["baseline"]?["*"]?.count == 20)
        #expect(results.summary["chaos"]?["*"]?.count == 15)
        #expect(results.summary["ramp-50"]?["*"]?.count == 10)
        #expect(results.records.filter { $0.phase == "chaos" }.allSatisfy { $0.id.hasPrefix("chaos-") })
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.jsonl").path))
    }
}
