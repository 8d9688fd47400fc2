import Foundation
import XML

/// Reads JUnit XML: a `testsuites` root or a single `testsuite` root, nested suites (flattened),
/// and the elements pytest, surefire and jest write. Unknown elements are ignored.
public enum JUnitReader {
    public static func read(contentsOf url: URL, limits: XMLLimits = .default) throws(XMLError) -> JUnitReport {
        try read(try XMLDocument(contentsOf: url, limits: limits))
    }

    public static func read(data: Data, source: String = "<memory>") throws(XMLError) -> JUnitReport {
        try read(try XMLDocument(data: data, source: source))
    }

    public static func read(_ document: XMLDocument) throws(XMLError) -> JUnitReport {
        let root = document.root
        switch root.name {
        case "testsuites":
            var suites: [JUnitSuite] = []
            for child in root.children(named: "testsuite") { collect(child, into: &suites) }
            return JUnitReport(name: root.attribute("name"), suites: suites)
        case "testsuite":
            var suites: [JUnitSuite] = []
            collect(root, into: &suites)
            return JUnitReport(name: nil, suites: suites)
        default:
            throw XMLError(
                kind: .unexpected, source: document.source, line: root.line,
                message: "the root element is <\(root.name)>, not <testsuites> or <testsuite>; is this a JUnit XML file?")
        }
    }

    /// A suite and, depth first, the suites nested in it.
    private static func collect(_ element: XMLElement, into suites: inout [JUnitSuite]) {
        var suite = JUnitSuite(
            name: element.attribute("name") ?? "",
            declaredTests: element.attribute("tests").flatMap { Int($0) },
            declaredFailures: element.attribute("failures").flatMap { Int($0) },
            declaredErrors: element.attribute("errors").flatMap { Int($0) },
            declaredSkipped: (element.attribute("skipped") ?? element.attribute("skips")).flatMap { Int($0) },
            timeSeconds: element.attribute("time").flatMap(seconds),
            timestamp: element.attribute("timestamp"),
            hostname: element.attribute("hostname"))
        var nested: [XMLElement] = []
        for child in element.children {
            switch child.name {
            case "testcase": suite.cases.append(testCase(child))
            case "properties": suite.properties = properties(child)
            case "system-out": suite.systemOut = child.text
            case "system-err": suite.systemErr = child.text
            case "testsuite": nested.append(child)
            default: break
            }
        }
        suites.append(suite)
        for child in nested { collect(child, into: &suites) }
    }

    private static func testCase(_ element: XMLElement) -> JUnitCase {
        var result = JUnitCase(
            name: element.attribute("name") ?? "",
            className: element.attribute("classname"),
            file: element.attribute("file"),
            line: element.attribute("line").flatMap { Int($0) },
            timeSeconds: element.attribute("time").flatMap(seconds))
        for child in element.children {
            switch child.name {
            // The first failure or error decides; a later one (pytest writes an error for a
            // teardown after a failure) does not hide the failure.
            case "failure" where !result.outcome.isProblem: result.outcome = .failed(problem(child))
            case "error" where !result.outcome.isProblem: result.outcome = .error(problem(child))
            case "skipped" where result.outcome == .passed: result.outcome = .skipped(message: child.attribute("message"))
            case "properties": result.properties = properties(child)
            case "system-out": result.systemOut = child.text
            case "system-err": result.systemErr = child.text
            default: break
            }
        }
        return result
    }

    private static func problem(_ element: XMLElement) -> JUnitProblem {
        JUnitProblem(message: element.attribute("message"), type: element.attribute("type"), text: element.text)
    }

    private static func properties(_ element: XMLElement) -> [JUnitProperty] {
        element.children(named: "property").map {
            JUnitProperty(name: $0.attribute("name") ?? "", value: $0.attribute("value") ?? $0.text)
        }
    }

    /// Seconds, as written by runners: "0.123", and by some "1,234.5".
    private static func seconds(_ text: String) -> Double? {
        if let value = Double(text) { return value }
        return Double(text.replacingOccurrences(of: ",", with: ""))
    }
}
