import Artifacts
import Foundation
import Pipeline
import TestEvidence
import Testing

/// `run --pytest --coverage --junit out.xml --sarif out.sarif` on a copy of the orbital sample,
/// with the real pytest and coverage.py from its virtualenv.
@Suite(.serialized) struct CIIntegrationTests {
    @Test func runWithTestSuiteCoverageAndCIFiles() async throws {
        let sample = "orbital-travel-planner"
        let copy = try SampleCopy(sample: sample)
        let before = try copy.snapshot()
        let python = repositoryRoot.appendingPathComponent("Samples/\(sample)/.venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "\(python.path) does not exist: run .ci/setup-python first")
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-ci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        var options = RunOptions(appRoot: copy.root)
        options.python = python.path
        options.duration = 6
        options.deadline = 30
        options.pytest = true
        options.coverage = true
        options.junit = outputs.appendingPathComponent("out.xml")
        options.sarif = outputs.appendingPathComponent("out.sarif")
        let outcome = try await RunPipeline(options: options) { _ in }.run()
        let folder = outcome.runFolder
        func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
            try ArtifactJSON.decode(type, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
        // The load may stop at its deadline; none of the CI steps may have been cut short.
        for flag in ["--pytest", "--coverage", "--junit", "--sarif"] {
            #expect(!outcome.record.partial.contains { $0.contains(flag) }, "\(outcome.record.partial)")
        }

        // --pytest: the suite passed with chaos off; some tests fail only with it on, tied to
        // the faults that fired while they ran, and they are failure patterns.
        let tests = try load(TestRunComparison.self, TestRunComparison.fileName)
        #expect(tests.baseline.tests >= 5 && tests.baseline.failed == 0)
        #expect(tests.chaos.tests == tests.baseline.tests)
        #expect(!tests.chaosOnlyFailures.isEmpty)
        #expect(tests.chaosOnlyFailures.count == tests.chaos.failed)
        #expect(tests.chaosOnlyFailures.contains { !$0.points.isEmpty })
        let config = try load(ChaosConfig.self, "chaos-config.json")
        let pointIDs = Set(config.points.map(\.id))
        #expect(tests.chaosOnlyFailures.allSatisfy { $0.points.allSatisfy(pointIDs.contains) })
        let patterns = try load(FailurePatterns.self, "failure-patterns.json")
        let testPatterns = patterns.patterns.filter { $0.kind == .testFailsUnderChaos }
        #expect(testPatterns.count == tests.chaosOnlyFailures.count)
        #expect(testPatterns.contains { !$0.locations.isEmpty })

        // --coverage: the plan never requests GET /api/bookings/{booking_id}; search runs and
        // reaches its provider call.
        let exercise = try load(ExerciseReport.self, ExerciseReport.fileName)
        let byEndpoint = Dictionary(exercise.routes.map { ($0.endpoint, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byEndpoint["GET /api/bookings/{booking_id}"]?.handlerRan == false)
        #expect(byEndpoint["POST /api/search"]?.handlerRan == true)
        #expect(byEndpoint["POST /api/search"]?.pointsExercised.isEmpty == false)
        #expect(exercise.notExercised.map(\.endpoint).contains("GET /api/bookings/{booking_id}"))
        #expect(!exercise.notExercised.map(\.endpoint).contains("POST /api/bookings"))

        // The report shows both.
        let report = try String(contentsOf: folder.appendingPathComponent("chaos-test-report.md"), encoding: .utf8)
        #expect(report.contains("## Tests under chaos"))
        #expect(report.contains("### Failing only under chaos"))
        for failure in tests.chaosOnlyFailures { #expect(report.contains(failure.test)) }
        let notExercised = try #require(report.range(of: "## Not exercised"))
        #expect(report[notExercised.upperBound...].contains("`GET /api/bookings/{booking_id}`"))

        // --junit: one suite per endpoint of the chaos phase, two checks each, failures where
        // the summary breaches the default SLO (error rate 0.01, p99 2 s).
        let summary = try load(LoadResults.self, "load-results.json").summary["chaos"] ?? [:]
        let endpoints = summary.keys.filter { $0 != EndpointSummary.overallKey }
        let junit = try JUnitReader.read(contentsOf: try #require(options.junit))
        #expect(Set(junit.suites.map(\.name)) == Set(endpoints))
        #expect(junit.cases.count == 2 * endpoints.count)
        let breaches = endpoints.reduce(0) { count, key in
            count + (summary[key]!.errorRate > 0.01 ? 1 : 0) + (summary[key]!.p99Us > 2_000_000 ? 1 : 0)
        }
        #expect(junit.cases.filter(\.outcome.isProblem).count == breaches)
        #expect(breaches > 0)

        // --sarif: parses back, one rule per recipe, a result per proposal with a located region.
        let sarifData = try Data(contentsOf: try #require(options.sarif))
        let sarif = try JSONDecoder().decode(SARIFLog.self, from: sarifData)
        #expect(sarif.version == "2.1.0")
        let json = try #require(try JSONSerialization.jsonObject(with: sarifData) as? [String: Any])
        #expect(json["$schema"] as? String == SARIFLog.schemaURI)
        let proposals = try load(FixProposals.self, "fix-proposals.json")
        let run = try #require(sarif.runs.first)
        let recipes = Set(proposals.proposals.map(\.recipe))
        #expect(Set(run.tool.driver.rules.map(\.id)).isSuperset(of: recipes))
        #expect(run.tool.driver.rules.count == Set(run.tool.driver.rules.map(\.id)).count)
        #expect(run.results.filter { recipes.contains($0.ruleId) }.count == proposals.proposals.count)
        for result in run.results {
            let region = try #require(result.locations.first?.physicalLocation.region)
            #expect(region.startLine >= 1)
            #expect((region.startColumn ?? 1) >= 1)
        }
        // Proposals with a patch carry it as a fix; those without carry none.
        for (proposal, result) in zip(proposals.proposals, run.results) {
            #expect((proposal.patch != nil) == (result.fixes != nil))
        }
        // The orbital sample's proposals carry real diffs: their fixes replace whole lines of
        // files that exist, inside each file.
        let fixed = run.results.compactMap(\.fixes).flatMap { $0 }.flatMap(\.artifactChanges)
        #expect(!fixed.isEmpty)
        for change in fixed {
            let source = try String(contentsOf: copy.root.appendingPathComponent(change.artifactLocation.uri), encoding: .utf8)
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false).count
            for replacement in change.replacements {
                #expect(replacement.deletedRegion.startLine >= 1 && (replacement.deletedRegion.endLine ?? 0) <= lines + 1)
                #expect(replacement.deletedRegion.startColumn == 1 && replacement.deletedRegion.endColumn == 1)
            }
        }

        // The tree is byte-identical (no .pytest_cache, no __pycache__, no .coverage) and nothing is left running.
        #expect(try copy.snapshot() == before)
        #expect(processes(in: copy.root).isEmpty)
    }
}
