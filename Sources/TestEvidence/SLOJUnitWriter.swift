import Artifacts
import Foundation
import XML

/// The run's SLO checks as JUnit XML, so a CI system shows a breach as a failed test: one
/// `testsuite` per endpoint key, two `testcase`s each (error rate, p99), and a failure whose
/// message gives the measured figure and whose text gives the evidence: the counts and the
/// failure patterns that involve the endpoint.
public enum SLOJUnitWriter {
    public static let errorRateCase = "error rate"
    public static let p99Case = "p99 latency"

    public static func render(
        chaos summary: [String: EndpointSummary], patterns: [Pattern], thresholds: SLOThresholds, name: String = "chaos-test"
    ) throws(XMLError) -> Data {
        let endpoints = summary.keys.filter { $0 != EndpointSummary.overallKey }.sorted()
        var checks: [(endpoint: String, cases: [Check])] = []
        for endpoint in endpoints {
            let figures = summary[endpoint]!
            let related = patterns.filter { $0.endpoints.contains(endpoint) }
            checks.append((endpoint, [errorRate(figures, related, thresholds), p99(figures, related, thresholds)]))
        }
        let failures = checks.reduce(0) { $0 + $1.cases.filter { $0.failure != nil }.count }
        let tests = checks.reduce(0) { $0 + $1.cases.count }

        let writer = XMLWriter()
        writer.startElement("testsuites")
        writer.attribute("name", name)
        writer.attribute("tests", "\(tests)")
        writer.attribute("failures", "\(failures)")
        writer.attribute("errors", "0")
        for (endpoint, cases) in checks {
            writer.startElement("testsuite")
            writer.attribute("name", endpoint)
            writer.attribute("tests", "\(cases.count)")
            writer.attribute("failures", "\(cases.filter { $0.failure != nil }.count)")
            writer.attribute("errors", "0")
            writer.attribute("skipped", "0")
            writer.startElement("properties")
            let figures = summary[endpoint]!
            for (key, value) in [
                ("requests", "\(figures.count)"), ("errors", "\(figures.errors)"), ("client_errors", "\(figures.clientErrors)"),
                ("error_rate", format(figures.errorRate)), ("p99_us", "\(figures.p99Us)"),
            ] {
                writer.element("property", attributes: [("name", key), ("value", value)])
            }
            writer.endElement()
            for check in cases {
                writer.startElement("testcase")
                writer.attribute("classname", "\(name).\(endpoint)")
                writer.attribute("name", check.name)
                writer.attribute("time", "0")
                if let failure = check.failure {
                    writer.element("failure", attributes: [("message", failure.message), ("type", "SLOBreach")], text: failure.evidence)
                }
                writer.endElement()
            }
            writer.endElement()
        }
        writer.endElement()
        return try writer.finish()
    }

    struct Check {
        var name: String
        var failure: (message: String, evidence: String)?
    }

    private static func errorRate(_ figures: EndpointSummary, _ patterns: [Pattern], _ thresholds: SLOThresholds) -> Check {
        let name = "\(errorRateCase) <= \(format(thresholds.maxErrorRate))"
        guard figures.errorRate > thresholds.maxErrorRate else { return Check(name: name) }
        let message = "error rate \(format(figures.errorRate)) > \(format(thresholds.maxErrorRate)): \(figures.errors) of \(figures.count) requests failed under chaos"
        return Check(name: name, failure: (message, evidence(figures, patterns)))
    }

    private static func p99(_ figures: EndpointSummary, _ patterns: [Pattern], _ thresholds: SLOThresholds) -> Check {
        let name = "\(p99Case) <= \(seconds(thresholds.maxP99Us)) s"
        guard figures.p99Us > thresholds.maxP99Us else { return Check(name: name) }
        let message = "p99 \(seconds(figures.p99Us)) s > \(seconds(thresholds.maxP99Us)) s under chaos (max \(seconds(figures.maxUs)) s)"
        return Check(name: name, failure: (message, evidence(figures, patterns)))
    }

    private static func evidence(_ figures: EndpointSummary, _ patterns: [Pattern]) -> String {
        var lines = [
            "requests: \(figures.count), ok: \(figures.ok), errors: \(figures.errors), client errors: \(figures.clientErrors)",
            "latency: p50 \(seconds(figures.p50Us)) s, p95 \(seconds(figures.p95Us)) s, p99 \(seconds(figures.p99Us)) s, max \(seconds(figures.maxUs)) s",
        ]
        if patterns.isEmpty {
            lines.append("no failure pattern names this endpoint")
        } else {
            lines.append("failure patterns:")
            for pattern in patterns.sorted(by: { $0.impact > $1.impact }) {
                let location = pattern.locations.first.map { " at \($0.file):\($0.line) (\($0.function))" } ?? ""
                lines.append("- [\(pattern.severity.rawValue)] \(pattern.title)\(location); impact \(format(pattern.impact)), \(pattern.evidenceKind.rawValue)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String { String(format: "%.3f", value) }
    static func seconds(_ us: Int) -> String { String(format: "%.3f", Double(us) / 1e6) }
}
