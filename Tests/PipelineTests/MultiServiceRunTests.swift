import Artifacts
import Foundation
import Pipeline
import Testing

/// `run --inject-services` on a copy of each sample (issue 8.5b): chaos goes into the app and
/// into its service (orbital's `provider/`, called with httpx; flask-inventory's `supplier/`,
/// called with requests), the request id crosses the hop, a service fault is traced to an app
/// endpoint's 500, and both trees end byte-identical.
@Suite(.serialized) struct MultiServiceRunTests {
    @Test(arguments: [("orbital-travel-planner", "provider"), ("flask-inventory", "supplier")])
    func serviceFaultsAreTracedToAppEndpointErrorsAndBothTreesAreRestored(sample: String, service: String) async throws {
        let copy = try SampleCopy(sample: sample)
        let before = try Self.tree(copy.root)
        let python = repositoryRoot.appendingPathComponent("Samples/\(sample)/.venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run .ci/setup-python first")
        var options = RunOptions(appRoot: copy.root)
        options.python = python.path
        options.duration = 5
        options.deadline = 30
        options.faultRate = 0.2
        options.injectServices = true
        if sample == "flask-inventory" {
            // The sample's plan reaches the supplier only through a flow that first opens a
            // warehouse with one of 120 codes; codes the baseline used answer 409 in the chaos
            // phase and end the flow before the supplier call, so on a slow machine no request
            // reached the supplier under chaos (twice in CI). The same flow with 5,000 codes.
            options.plan = try Self.supplierPlan().path
        }
        let outcome = try await RunPipeline(options: options) { _ in }.run()
        let folder = outcome.runFolder

        // The service was injected, with its own chaos-config.json in the run folder.
        let serviceConfig = try ArtifactJSON.decode(
            ChaosConfig.self, from: Data(contentsOf: folder.appendingPathComponent("services/\(service)/chaos-config.json")))
        #expect(serviceConfig.points.contains { $0.kind == .handler && $0.file == "main.py" })
        #expect(outcome.record.phases.contains { $0.name == "inject \(service)" && $0.status == "ok" })
        #expect(outcome.record.phases.contains { $0.name == "revert \(service)" && $0.status == "ok" })

        // run.json holds the original hash of every file the run touched, in both trees.
        let originalMain = try Data(contentsOf: copy.root.appendingPathComponent("\(service)/main.py"))
        #expect(outcome.record.originalSha256["\(service)/main.py"] == Self.sha256(originalMain))
        #expect(outcome.record.originalSha256.keys.contains { !$0.hasPrefix(service + "/") && $0 != "chaos_test_runtime.py" })

        // The service's faults carry the app's request ids: the header crossed the hop.
        let (events, _) = try ChaosEvent.read(folder.appendingPathComponent("events.jsonl"))
        let providerFaults = events.filter { $0.service == service && $0.point != nil }
        try #require(!providerFaults.isEmpty, "no fault fired in \(service)")
        #expect(providerFaults.allSatisfy { event in serviceConfig.points.contains { $0.id == event.point } })
        let results = try ArtifactJSON.decode(LoadResults.self, from: Data(contentsOf: folder.appendingPathComponent("load-results.json")))
        let records = Dictionary(results.records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(providerFaults.allSatisfy { $0.requestId.flatMap { records[$0] } != nil })

        // Analysis traces a provider fault to an app endpoint's errors, and the records agree.
        let patterns = try ArtifactJSON.decode(
            FailurePatterns.self, from: Data(contentsOf: folder.appendingPathComponent("failure-patterns.json")))
        let cascades = try #require(patterns.crossServiceCascades)
        let raising = try #require(cascades.first { $0.errors > 0 && $0.exception != nil })
        #expect(raising.service == service)
        #expect(raising.location?.file == "\(service)/main.py")
        for id in raising.requestIds {
            let record = try #require(records[id])
            #expect(record.endpoint == raising.endpoint)
            #expect((record.status ?? 0) >= 500 || record.error != nil)
            #expect(providerFaults.contains { $0.requestId == id && $0.point == raising.point && $0.fault == raising.fault })
        }
        // Those requests are not reported as errors no fault explains.
        let unexplained = Set(patterns.attribution?.unattributedFailedRequestIds ?? [])
        #expect(unexplained.isDisjoint(with: raising.requestIds))

        let report = try String(contentsOf: folder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        #expect(report.contains("## Cross-service cascade"))
        #expect(report.contains("`\(service)/main.py:\(raising.location?.line ?? 0)`"))

        // Both trees byte-identical: no hook, no runtime, no provider/.chaos-test left behind.
        #expect(try Self.tree(copy.root) == before)
        #expect(processes(in: copy.root).isEmpty)
    }

    /// flask-inventory's stock flow (load-plan.yaml) with enough warehouse codes that a run
    /// does not run out of new ones.
    static func supplierPlan() throws -> URL {
        let codes = (1...5000).map { "W\($0)" }.joined(separator: ", ")
        let plan = """
            headers: {Accept: application/json}
            params:
              code: [\(codes)]
              sku: [ABC-0001, ABC-0002, XYZ-1234, QRS-0042]
            requests:
              - {name: list-items, method: GET, path: /api/items, weight: 10}
            flows:
              - name: stock
                weight: 90
                steps:
                  - {name: warehouse, method: POST, path: /api/warehouses, json: {code: "{code}", name: "Depot {code}"}, extract: {warehouse_id: /id}}
                  - {name: item, method: POST, path: /api/items, json: {sku: "{sku}", name: "Part {sku}", warehouse_id: "{warehouse_id}", quantity: 5}, extract: {item_id: /id}}
                  - {name: restock, method: POST, path: "/api/items/{item_id}/restock", json: {quantity: 3}}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("supplier-plan-\(UUID().uuidString).yaml")
        try Data(plan.utf8).write(to: url)
        return url
    }

    @Test func serviceSyntaxTakesInject() throws {
        let spec = try ServiceSpec.parse("name=provider,cwd=provider,command={python} -m uvicorn main:app --port {port},inject=true")
        #expect(spec.inject == true)
        #expect(spec.command == "{python} -m uvicorn main:app --port {port}")
        #expect(throws: RunError.self) { try ServiceSpec.parse("name=p,command=x,inject=maybe") }
    }

    /// Every file outside the app's own `.chaos-test` (where the run folders live), by content:
    /// unlike ``SampleCopy/snapshot()``, a `.chaos-test` left in a service folder counts.
    static func tree(_ root: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])!
        while let url = enumerator.nextObject() as? URL {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            if relative == ".chaos-test" {
                enumerator.skipDescendants()
                continue
            }
            if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true {
                files[relative + "/"] = Data()
                continue
            }
            files[relative] = try Data(contentsOf: url)
        }
        return files
    }

    static func sha256(_ data: Data) -> String {
        // sha256sum is on every machine; the test target does not link Crypto.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }
}
