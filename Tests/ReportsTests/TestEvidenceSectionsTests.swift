import Artifacts
import Foundation
import Testing

@testable import Reports

/// The sections `run --pytest` and `run --coverage` add, from pytest.json and exercise.json.
@Suite struct TestEvidenceSectionsTests {
    private func markdown(_ fixture: RunFolderFixture) throws -> String {
        try fixture.withFolder { folder in
            try String(contentsOf: try ReportWriter.write(runFolder: folder, format: .md), encoding: .utf8)
        }
    }

    @Test func absentWithoutTheirFiles() throws {
        let text = try markdown(.make())
        #expect(!text.contains("## Tests under chaos"))
        #expect(!text.contains("## Not exercised"))
    }

    @Test func testsUnderChaosAndNotExercisedAreShown() throws {
        var fixture = RunFolderFixture.make()
        let tests = TestRunComparison(
            command: ["python", "-m", "pytest"],
            baseline: .init(junit: "pytest/baseline.xml", exitStatus: 0, tests: 3, failed: 0, skipped: 0),
            chaos: .init(junit: "pytest/chaos.xml", exitStatus: 1, tests: 3, failed: 1, skipped: 0),
            chaosOnlyFailures: [
                .init(test: "tests/test_api.py::test_quote", message: "assert 500 == 200", points: ["p1"], faults: ["p1 dependency httpx.ConnectError"])
            ])
        let exercise = ExerciseReport(
            coverage: "coverage.xml",
            routes: [
                .init(endpoint: "GET /quote", file: "app/main.py", line: 10, function: "get_quote", handlerRan: true, requests: 40, pointsExercised: ["p1"], pointsNotReached: []),
                .init(endpoint: "DELETE /admin", file: "app/admin.py", line: 4, function: "wipe", handlerRan: false, requests: 0, pointsExercised: [], pointsNotReached: ["p2"]),
            ],
            pointsNotReached: [.init(id: "p2", file: "app/admin.py", line: 6, function: "wipe")])
        fixture.extraFiles[TestRunComparison.fileName] = String(decoding: try ArtifactJSON.encode(tests), as: UTF8.self)
        fixture.extraFiles[ExerciseReport.fileName] = String(decoding: try ArtifactJSON.encode(exercise), as: UTF8.self)
        let text = try markdown(fixture)
        let tested = try #require(text.range(of: "## Tests under chaos"))
        let missed = try #require(text.range(of: "## Not exercised"))
        let proposals = try #require(text.range(of: "## Fix Proposals"))
        #expect(tested.lowerBound < missed.lowerBound && missed.lowerBound < proposals.lowerBound)
        #expect(text.contains("| chaos on | 3 | 1 | 0 | `pytest/chaos.xml` |"))
        #expect(text.contains("- `tests/test_api.py::test_quote`: assert 500 == 200"))
        #expect(text.contains("`p1 dependency httpx.ConnectError`"))
        let notExercised = String(text[missed.upperBound..<proposals.lowerBound])
        #expect(notExercised.contains("| `DELETE /admin` | `app/admin.py:4` (wipe) | 0 |"))
        #expect(!notExercised.contains("| `GET /quote` | `app/main.py"))
        #expect(notExercised.contains("- `p2` at `app/admin.py:6` (wipe)"))
    }
}
