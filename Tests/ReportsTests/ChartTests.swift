import Artifacts
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Reports

@Suite struct ChartTests {
    /// Parses `data` as XML and returns the element names in document order.
    private func elements(_ data: Data) throws -> [String] {
        final class Collector: NSObject, XMLParserDelegate {
            var names: [String] = []
            func parser(
                _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) { names.append(elementName) }
        }
        let parser = XMLParser(data: data)
        let collector = Collector()
        parser.delegate = collector
        let parsed = parser.parse()
        #expect(parsed, "not well-formed XML: \(String(describing: parser.parserError))")
        return collector.names
    }

    @Test func chartsAreWellFormedSVGLinkedFromTheReport() throws {
        var fixture = RunFolderFixture.make()
        // Text that must be escaped, in an endpoint key and in a phase name.
        let nasty = "GET /a<b>&\"c\"|'d'"
        fixture.load.records[0].endpoint = nasty
        fixture.load.summary["baseline"]![nasty] = RunFolderFixture.summarize([fixture.load.records[0]])
        try fixture.withFolder { folder in
            let report = try String(contentsOf: ReportWriter.write(runFolder: folder, format: .md), encoding: .utf8)
            for path in ["charts/latency.svg", "charts/error-rate.svg"] {
                #expect(report.contains("](\(path))"))
                let names = try elements(Data(contentsOf: folder.appendingPathComponent(path)))
                #expect(names.first == "svg")
            }
            let errorRate = try String(contentsOf: folder.appendingPathComponent("charts/error-rate.svg"), encoding: .utf8)
            #expect(errorRate.contains("GET /a&lt;b&gt;&amp;&quot;c&quot;|&apos;d&apos;"))
        }
    }

    @Test func latencyChartDrawsEveryRequestAndEachFaultFiring() throws {
        try RunFolderFixture.make().withFolder { folder in
            _ = try ReportWriter.write(runFolder: folder, format: .md)
            let svg = try String(contentsOf: folder.appendingPathComponent("charts/latency.svg"), encoding: .utf8)
            let names = try elements(Data(svg.utf8))
            // 80 requests: 71 answered (dots; a 404 is an answer), 9 errors (squares with a black stroke).
            #expect(names.filter { $0 == "circle" }.count == 71)
            #expect(svg.components(separatedBy: "stroke=\"#000000\" stroke-width=\"0.5\"").count - 1 == 9)
            // Three fault firings at distinct moments; the settings line is not a firing.
            #expect(svg.components(separatedBy: "stroke=\"#d62728\" stroke-opacity").count - 1 == 3)
        }
    }

    @Test func latencyChartCapsPointsDeterministically() throws {
        let fixture = RunFolderFixture.make(requestsPerPhase: 6_000)
        let first = try fixture.withFolder { folder -> String in
            _ = try ReportWriter.write(runFolder: folder, format: .md)
            return try String(contentsOf: folder.appendingPathComponent("charts/latency.svg"), encoding: .utf8)
        }
        let names = try elements(Data(first.utf8))
        let drawn = names.filter { $0 == "circle" }.count + first.components(separatedBy: "stroke-width=\"0.5\"").count - 1
        #expect(drawn <= ReportBuilder.chartPointCap)
        #expect(drawn >= ReportBuilder.chartPointCap / 2)
        let second = try fixture.withFolder { folder -> String in
            _ = try ReportWriter.write(runFolder: folder, format: .md)
            return try String(contentsOf: folder.appendingPathComponent("charts/latency.svg"), encoding: .utf8)
        }
        #expect(first == second)
    }

    @Test func escapingDropsCharactersXMLForbids() {
        #expect(SVGDocument.escape("a\u{1}b<") == "ab&lt;")
    }
}
