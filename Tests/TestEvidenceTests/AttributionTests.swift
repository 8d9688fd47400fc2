import Artifacts
import Foundation
import Testing

@testable import TestEvidence

@Suite struct ChaosOnlyFailuresTests {
    @Test func nodeIDsMatchJUnitNames() {
        #expect(ChaosOnlyFailures.identifier(nodeID: "tests/test_api.py::test_a") == "tests.test_api::test_a")
        #expect(ChaosOnlyFailures.identifier(nodeID: "tests/sub/test_b.py::TestX::test_y[1-2]") == "tests.sub.test_b.TestX::test_y[1-2]")
    }

    @Test func onlyTestsThatPassedWithoutChaosCountAndCarryTheirFaults() {
        let baseline = JUnitReport(suites: [
            JUnitSuite(name: "pytest", cases: [
                JUnitCase(name: "test_a", className: "tests.test_api"),
                JUnitCase(name: "test_b", className: "tests.test_api"),
                JUnitCase(name: "test_c", className: "tests.test_api", outcome: .failed(JUnitProblem(message: "flaky", type: nil, text: ""))),
            ])
        ])
        let chaos = JUnitReport(suites: [
            JUnitSuite(name: "pytest", cases: [
                JUnitCase(name: "test_a", className: "tests.test_api", outcome: .failed(JUnitProblem(message: "assert 500 == 200", type: nil, text: ""))),
                JUnitCase(name: "test_b", className: "tests.test_api"),
                JUnitCase(name: "test_c", className: "tests.test_api", outcome: .failed(JUnitProblem(message: "flaky", type: nil, text: ""))),
            ])
        ])
        let events = [
            ChaosEvent(timeUnixNs: 1, point: "p1", fault: "latency", requestId: nil, delayUs: 5, exception: nil, pid: 1, test: "tests/test_api.py::test_a"),
            ChaosEvent(timeUnixNs: 2, point: "p2", fault: "exception", requestId: nil, delayUs: 0, exception: "x.ChaosFault", pid: 1, test: "tests/test_api.py::test_a"),
            ChaosEvent(timeUnixNs: 3, point: "p2", fault: "latency", requestId: nil, delayUs: 5, exception: nil, pid: 1, test: "tests/test_api.py::test_a"),
            ChaosEvent(timeUnixNs: 4, point: "p3", fault: "latency", requestId: nil, delayUs: 5, exception: nil, pid: 1, test: "tests/test_api.py::test_b"),
        ]
        let failures = ChaosOnlyFailures.compare(baseline: baseline, chaos: chaos, events: events)
        #expect(failures.count == 1)
        #expect(failures.first?.test == "tests/test_api.py::test_a")
        #expect(failures.first?.message == "assert 500 == 200")
        #expect(failures.first?.points == ["p2", "p1"])
        #expect(failures.first?.faults == ["p1 latency", "p2 exception x.ChaosFault", "p2 latency"])
    }
}

@Suite struct ExerciseAnalysisTests {
    @Test func hookLinesThatRanMarkPointsAndHandlers() throws {
        let config = try JSONDecoder().decode(
            ChaosConfig.self,
            from: Data(
                """
                {"schema": 1, "tool_version": "0", "app": "app.main:app", "seed": 1,
                 "defaults": {"rate": 0.1, "delay_us": [1, 2], "faults": ["latency"], "status": 503},
                 "files": [],
                 "points": [
                  {"id": "h1", "short": "a", "kind": "handler", "routes": ["GET /a"], "file": "app/main.py", "line": 5, "function": "a", "fault": {"faults": ["latency"]}, "patch": "p", "inserted_lines": [7]},
                  {"id": "d1", "short": "b", "kind": "dependency", "routes": ["GET /a", "GET /b"], "file": "app/db.py", "line": 3, "function": "q", "fault": {"faults": ["latency"]}, "patch": "p", "inserted_lines": [4]},
                  {"id": "h2", "short": "c", "kind": "handler", "routes": ["GET /b"], "file": "app/main.py", "line": 9, "function": "b", "fault": {"faults": ["latency"]}, "patch": "p", "inserted_lines": [12]},
                  {"id": "d2", "short": "d", "kind": "dependency", "routes": ["GET /b"], "file": "app/db.py", "line": 8, "function": "r", "fault": {"faults": ["latency"]}, "patch": "p", "inserted_lines": [10]}
                 ]}
                """.utf8))
        let routes = [
            Route(app: "app.main:app", methods: ["GET"], path: "/a", rawPath: "/a", function: "a", qualname: "a", file: "app/main.py", line: 5, isAsync: true, framework: .fastapi),
            Route(app: "app.main:app", methods: ["GET"], path: "/b", rawPath: "/b", function: "b", qualname: "b", file: "app/main.py", line: 9, isAsync: true, framework: .fastapi),
            Route(app: "provider.main:app", methods: ["GET"], path: "/c", rawPath: "/c", function: "c", qualname: "c", file: "provider/main.py", line: 1, isAsync: true, framework: .fastapi),
        ]
        // Line 7 (h1) and line 4 (d1) ran; line 12 (h2) and line 10 (d2) did not.
        let coverage = CoverageReport(sources: ["/app"], files: ["app/main.py": [7: 3, 12: 0, 1: 1], "app/db.py": [4: 3, 10: 0]])
        let report = ExerciseAnalysis.analyze(coverage: coverage, coverageFile: "coverage.xml", config: config, routes: routes, requests: ["GET /a": 3])
        #expect(report.routes.map(\.endpoint) == ["GET /a", "GET /b"])
        #expect(report.routes[0].handlerRan == true && report.routes[0].pointsExercised == ["d1"] && report.routes[0].requests == 3)
        // d1 ran, but not through /b, whose handler never did.
        #expect(report.routes[1].handlerRan == false && report.routes[1].pointsExercised.isEmpty)
        #expect(report.routes[1].pointsNotReached == ["d1", "d2"])
        #expect(report.notExercised.map(\.endpoint) == ["GET /b"])
        #expect(report.pointsNotReached.map(\.id) == ["h2", "d2"])
    }
}
