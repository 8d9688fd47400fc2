import Foundation
import Testing
import XML

@testable import TestEvidence

@Suite struct JUnitReaderTests {
    @Test func readsATestsuitesRootWithEveryOutcome() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites name="pytest tests">
              <testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4" time="1.25" timestamp="2026-11-26T23:00:00" hostname="ci">
                <properties><property name="python" value="3.11.7"/></properties>
                <testcase classname="tests.test_api" name="test_ok" file="tests/test_api.py" line="3" time="0.010">
                  <properties><property name="request_id" value="r-1"/></properties>
                  <system-out>hello</system-out>
                </testcase>
                <testcase classname="tests.test_api" name="test_fails" time="0.020"><failure message="assert 500 == 200">tests/test_api.py:9: AssertionError</failure></testcase>
                <testcase classname="tests.test_api" name="test_errors" time="0.030"><error message="fixture failed" type="RuntimeError">Traceback</error></testcase>
                <testcase classname="tests.test_api" name="test_skipped" time="0"><skipped type="pytest.skip" message="no network">skip reason</skipped></testcase>
                <system-out>suite out</system-out>
                <system-err>suite err</system-err>
              </testsuite>
            </testsuites>
            """
        let report = try JUnitReader.read(data: Data(xml.utf8), source: "report.xml")
        #expect(report.name == "pytest tests")
        let suite = try #require(report.suites.first)
        #expect(suite.name == "pytest")
        #expect(suite.declaredTests == 4 && suite.declaredFailures == 1 && suite.declaredErrors == 1 && suite.declaredSkipped == 1)
        #expect(suite.timeSeconds == 1.25)
        #expect(suite.hostname == "ci")
        #expect(suite.properties == [JUnitProperty(name: "python", value: "3.11.7")])
        #expect(suite.systemOut == "suite out" && suite.systemErr == "suite err")
        #expect(suite.cases.count == 4)
        let ok = suite.cases[0]
        #expect(ok.outcome == .passed)
        #expect(ok.identifier == "tests.test_api::test_ok")
        #expect(ok.file == "tests/test_api.py" && ok.line == 3 && ok.timeSeconds == 0.01)
        #expect(ok.properties == [JUnitProperty(name: "request_id", value: "r-1")])
        #expect(ok.systemOut == "hello")
        #expect(suite.cases[1].outcome == .failed(JUnitProblem(message: "assert 500 == 200", type: nil, text: "tests/test_api.py:9: AssertionError")))
        #expect(suite.cases[2].outcome == .error(JUnitProblem(message: "fixture failed", type: "RuntimeError", text: "Traceback")))
        #expect(suite.cases[3].outcome == .skipped(message: "no network"))
    }

    @Test func readsASingleTestsuiteRootAndNestedSuites() throws {
        let xml = """
            <testsuite name="outer" tests="2">
              <testcase name="a"/>
              <testsuite name="inner" tests="1"><testcase name="b"><failure>boom</failure></testcase></testsuite>
            </testsuite>
            """
        let report = try JUnitReader.read(data: Data(xml.utf8))
        #expect(report.suites.map(\.name) == ["outer", "inner"])
        #expect(report.cases.map(\.name) == ["a", "b"])
        #expect(report.cases[1].outcome == .failed(JUnitProblem(message: nil, type: nil, text: "boom")))
    }

    @Test func aFailureFollowedByATeardownErrorStaysAFailure() throws {
        let xml = #"<testsuite name="s"><testcase name="t"><failure message="f">x</failure><error message="teardown">y</error></testcase></testsuite>"#
        let report = try JUnitReader.read(data: Data(xml.utf8))
        #expect(report.cases[0].outcome == .failed(JUnitProblem(message: "f", type: nil, text: "x")))
    }

    @Test func anotherRootIsRefusedWithItsLine() throws {
        let error = try #require(throws: XMLError.self) { try JUnitReader.read(data: Data("\n<coverage/>".utf8), source: "c.xml") }
        #expect(error.kind == .unexpected)
        #expect(error.description.hasPrefix("c.xml:2: the root element is <coverage>"))
    }
}
