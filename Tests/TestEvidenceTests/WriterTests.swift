import Artifacts
import Foundation
import Patching
import Testing
import XML

@testable import TestEvidence

@Suite struct SLOJUnitWriterTests {
    static func figures(count: Int, errors: Int, p99Us: Int) -> EndpointSummary {
        EndpointSummary(
            count: count, ok: count - errors, errors: errors, clientErrors: 0, errorRate: Double(errors) / Double(count),
            p50Us: 1_000, p90Us: 2_000, p95Us: 3_000, p99Us: p99Us, p999Us: p99Us, maxUs: p99Us)
    }

    @Test func oneSuitePerEndpointWithEvidenceOnFailures() throws {
        let summary: [String: EndpointSummary] = [
            "*": Self.figures(count: 300, errors: 40, p99Us: 2_500_000),
            "GET /healthz": Self.figures(count: 100, errors: 0, p99Us: 4_000),
            "POST /api/search": Self.figures(count: 100, errors: 40, p99Us: 2_500_000),
            "GET /api/bookings/{booking_id}": Self.figures(count: 100, errors: 1, p99Us: 50_000),
        ]
        let pattern = Pattern(
            id: "unhandled-dependency-error-1", kind: .unhandledDependencyError, title: "client.get errors surface as 500 responses",
            severity: .critical, impact: 0.5, endpoints: ["POST /api/search"], points: [],
            locations: [SourceLocation(file: "app/provider_client.py", line: 11, function: "list_routes")], evidenceKind: .measured,
            evidence: [:])
        let data = try SLOJUnitWriter.render(chaos: summary, patterns: [pattern], thresholds: SLOThresholds())
        let report = try JUnitReader.read(data: data, source: "slo.xml")
        #expect(report.suites.map(\.name) == ["GET /api/bookings/{booking_id}", "GET /healthz", "POST /api/search"])
        #expect(report.cases.count == 6)
        #expect(report.suites.allSatisfy { $0.declaredTests == 2 && $0.cases.count == 2 })
        let failed = report.cases.filter { $0.outcome.isProblem }
        #expect(failed.count == 2)
        #expect(failed.allSatisfy { $0.className == "chaos-test.POST /api/search" })
        guard case .failed(let problem) = failed[0].outcome else { Issue.record("not a failure"); return }
        #expect(problem.message == "error rate 0.400 > 0.010: 40 of 100 requests failed under chaos")
        #expect(problem.type == "SLOBreach")
        #expect(problem.text.contains("app/provider_client.py:11 (list_routes)"))
        #expect(problem.text.contains("requests: 100, ok: 60, errors: 40"))
        guard case .failed(let latency) = failed[1].outcome else { Issue.record("not a failure"); return }
        #expect(latency.message?.hasPrefix("p99 2.500 s > 2.000 s") == true)
        let search = try #require(report.suites.first { $0.name == "POST /api/search" })
        #expect(search.declaredFailures == 2)
        #expect(search.properties.contains(JUnitProperty(name: "requests", value: "100")))
        // The 1% boundary: 1 error in 100 is not over 0.01.
        #expect(report.suites[0].cases.allSatisfy { $0.outcome == .passed })
    }
}

@Suite struct SARIFWriterTests {
    @Test func proposalsAndFindingsBecomeResultsWithFixesThatApply() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-sarif-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let app = root.appendingPathComponent("app")
        let run = root.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: app.appendingPathComponent("app"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: run.appendingPathComponent("fixes"), withIntermediateDirectories: true)
        let before = "import httpx\n\n\nasync def list_routes(url):\n    async with httpx.AsyncClient() as client:\n        resp = await client.get(url)\n    return resp\n"
        let after = "import httpx\n\n\nasync def list_routes(url):\n    async with httpx.AsyncClient(timeout=2.0) as client:\n        resp = await client.get(url)\n    return resp\n"
        try Data(before.utf8).write(to: app.appendingPathComponent("app/client.py"))
        let patch = FilePatch.make(path: "app/client.py", old: Array(before.utf8), new: Array(after.utf8))
        try Data(patch.render()).write(to: run.appendingPathComponent("fixes/001-add-timeout.patch"))

        let proposals = FixProposals(proposals: [
            FixProposal(
                id: "fix-001", recipe: "add-timeout", title: "Give the outbound call an explicit timeout (app/client.py:6)",
                patterns: ["no-timeout-1"], file: "app/client.py", line: 6, applicability: .unsafe, priority: 1, impact: 0.9,
                rationale: "why", expectedEffect: "Latency is capped.", evidence: .measured, patch: "fixes/001-add-timeout.patch"),
            FixProposal(
                id: "fix-002", recipe: "reuse-http-client", title: "Reuse one HTTP client (app/client.py:5)", patterns: ["client-per-request-1"],
                file: "app/client.py", line: 5, applicability: .unsafe, priority: 2, impact: 0.2, rationale: "why",
                expectedEffect: "Lower latency.", evidence: .static, patch: nil),
        ])
        let unanswered = Pattern(
            id: "blocking-call-in-async-1", kind: .blockingCallInAsync, title: "time.sleep in an async handler", severity: .high, impact: 0.1,
            endpoints: [], points: [], locations: [SourceLocation(file: "app/client.py", line: 7, function: "list_routes")],
            evidenceKind: .static, evidence: [:])
        let patterns = FailurePatterns(endpoints: [:], points: [:], tracebacks: [], patterns: [unanswered])
        let input = SARIFWriter.Input(proposals: proposals, patterns: patterns, scan: nil, runFolder: run, appRoot: app)
        let data = try SARIFWriter.encode(try SARIFWriter.log(input))

        // Parses back as our model, and carries the fields SARIF 2.1.0 requires.
        let log = try JSONDecoder().decode(SARIFLog.self, from: data)
        #expect(log.version == "2.1.0")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "chaos-test")
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for result in results {
            #expect((result["message"] as? [String: Any])?["text"] is String)
            #expect(result["ruleId"] is String)
        }
        let sarifRun = log.runs[0]
        #expect(sarifRun.tool.driver.rules.map(\.id) == ["add-timeout", "reuse-http-client", "chaos-test/blocking-call-in-async"])
        #expect(sarifRun.results.map(\.ruleIndex) == [0, 1, 2])
        #expect(sarifRun.results.map(\.level) == ["error", "warning", "warning"])
        let region = try #require(sarifRun.results[0].locations[0].physicalLocation.region)
        #expect(region.startLine == 6 && region.startColumn == 9)
        #expect(sarifRun.results[1].fixes == nil)
        #expect(sarifRun.originalUriBaseIds?[SARIFWriter.sourceRoot]?.uri.hasPrefix("file:///") == true)

        // Applying the fix's replacements to the original gives the patched file.
        let change = try #require(sarifRun.results[0].fixes?.first?.artifactChanges.first)
        #expect(change.artifactLocation.uri == "app/client.py")
        #expect(Self.apply(change.replacements, to: before) == after)
    }

    @Test func aMissingPatchIsAnError() throws {
        let proposals = FixProposals(proposals: [
            FixProposal(
                id: "fix-001", recipe: "add-timeout", title: "t", patterns: [], file: "a.py", line: 1, applicability: .safe, priority: 1,
                impact: 0, rationale: "", expectedEffect: "", evidence: .static, patch: "fixes/001-add-timeout.patch")
        ])
        let error = try #require(throws: SARIFError.self) {
            try SARIFWriter.log(.init(proposals: proposals, runFolder: FileManager.default.temporaryDirectory.appendingPathComponent("none")))
        }
        #expect(error.message.contains("001-add-timeout.patch is missing"))
    }

    /// Whole-line replacements (column 1 to column 1), applied bottom-up.
    static func apply(_ replacements: [SARIFLog.Replacement], to text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if lines.last == "\n" { lines.removeLast() }
        for replacement in replacements.sorted(by: { $0.deletedRegion.startLine > $1.deletedRegion.startLine }) {
            let start = replacement.deletedRegion.startLine - 1
            let end = (replacement.deletedRegion.endLine ?? replacement.deletedRegion.startLine) - 1
            lines.replaceSubrange(start..<end, with: [replacement.insertedContent?.text ?? ""])
        }
        return lines.joined()
    }
}
