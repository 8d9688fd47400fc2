import Foundation
import Testing
import TestSupport
import XML

@testable import TestEvidence

/// JUnit and Cobertura files from really running the orbital sample's pytest suite under
/// coverage.py (both pinned in its requirements.txt), read back with our readers.
@Suite(.serialized) struct SampleTestRunTests {
    static let sample = repositoryRoot.appendingPathComponent("Samples/orbital-travel-planner")
    static let python = sample.appendingPathComponent(".venv/bin/python").path

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python), "run .ci/setup-python first"))
    func pytestJUnitAndCoverageCoberturaParseBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let junit = folder.appendingPathComponent("junit.xml")
        let data = folder.appendingPathComponent(".coverage")
        let cobertura = folder.appendingPathComponent("coverage.xml")
        let environment = ["COVERAGE_FILE": data.path, "PYTHONDONTWRITEBYTECODE": "1"]
        let (status, output) = try TestSupport.run(
            Self.python,
            ["-m", "coverage", "run", "--source=app", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=\(junit.path)", "tests"],
            in: Self.sample.path, environment: environment)
        #expect(status == 0, "pytest failed: \(output)")
        let (xmlStatus, xmlOutput) = try TestSupport.run(
            Self.python, ["-m", "coverage", "xml", "-o", cobertura.path], in: Self.sample.path, environment: environment)
        #expect(xmlStatus == 0, "coverage xml failed: \(xmlOutput)")

        let report = try JUnitReader.read(contentsOf: junit)
        let names = Set(report.cases.map(\.name))
        #expect(names.isSuperset(of: ["test_healthz", "test_booking_lifecycle", "test_unknown_booking_is_404"]))
        #expect(report.cases.allSatisfy { $0.outcome == .passed })
        #expect(report.cases.allSatisfy { $0.className?.hasPrefix("tests.") == true })
        #expect(report.suites.first?.declaredTests == report.cases.count)

        let coverage = try CoberturaReader.read(contentsOf: cobertura)
        #expect(coverage.sources.contains { $0.hasSuffix("orbital-travel-planner/app") || $0.hasSuffix("orbital-travel-planner") })
        let main = try #require(coverage.files.keys.first { $0.hasSuffix("main.py") })
        // `return {"status": "ok"}` in healthz ran; the module-level lines ran once.
        let mainSource = try String(contentsOf: Self.sample.appendingPathComponent("app/main.py"), encoding: .utf8)
        let returnLine = try #require(mainSource.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(#"return {"status": "ok"}"#) }) + 1
        #expect((coverage.hits(file: main, line: returnLine) ?? 0) >= 1)
        #expect(coverage.hits(file: main, line: 1) == 1)
        // current_total() is only reached by a confirm: the lifecycle test confirms once.
        let client = try #require(coverage.files.keys.first { $0.hasSuffix("provider_client.py") })
        #expect(coverage.ran(file: client, lines: 35...37))
    }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

