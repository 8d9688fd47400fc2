import Artifacts
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Reports

/// ramp.json in a run folder gives the report a ramp table with its breaking point and a chart.
@Suite struct RampReportTests {
    static func ramp() -> RampResult {
        let steps = [(0.05, 200, 2, 120_000), (0.1, 190, 9, 400_000), (0.2, 180, 30, 900_000), (0.4, 150, 60, 1_900_000)].map {
            rate, requests, errors, p99 in
            RampResult.Step(
                rate: rate, phase: RampResult.phaseName(rate: rate), requests: requests, errors: errors,
                errorRate: Double(errors) / Double(requests), p99Us: p99, faultsFired: Int(rate * 1000),
                maxErrorRate: 0.05, maxP99Us: 500_000)
        }
        return RampResult(stepUs: 5_000_000, maxErrorRate: 0.05, maxP99Us: 500_000, steps: steps)
    }

    @Test func theBreakingPointIsTheFirstStepOverTheSLO() {
        let ramp = Self.ramp()
        // 0.1: 9 of 190 is 4.7% and p99 400 ms, both within; 0.2: 16.7% and 900 ms.
        #expect(ramp.breakingPoint == 0.2)
        #expect(ramp.steps.map { $0.breached.isEmpty } == [true, true, false, false])
        #expect(ramp.verdict == "breaks at fault rate 0.2: error rate 0.167 > 0.05, p99 900 ms > 500 ms")
        #expect(RampResult(stepUs: 1, maxErrorRate: nil, maxP99Us: nil, steps: ramp.steps.map { step in
            var held = step
            held.breached = []
            return held
        }).breakingPoint == nil)
    }

    @Test func theReportShowsTheRampTableAndChart() throws {
        var fixture = RunFolderFixture.make()
        fixture.extraFiles[RampResult.fileName] = String(decoding: try ArtifactJSON.encode(Self.ramp()), as: UTF8.self)
        try fixture.withFolder { folder in
            let report = try String(contentsOf: ReportWriter.write(runFolder: folder, format: .md), encoding: .utf8)
            #expect(report.contains("### Ramp to the breaking point"))
            #expect(report.contains("**Breaking point: fault rate 0.2.** At that rate: error rate 0.167 > 0.05, p99 900 ms > 500 ms."))
            #expect(report.contains("| 0.1 | ramp-0.1 | 190 | 9 | 4.7% | 400.0 | 100 | held |"))
            #expect(report.contains("| 0.2 | ramp-0.2 | 180 | 30 | 16.7% | 900.0 | 200 | breached: error rate 0.167 > 0.05, p99 900 ms > 500 ms |"))
            #expect(report.contains("![Ramp](charts/ramp.svg)"))
            let svg = try Data(contentsOf: folder.appendingPathComponent("charts/ramp.svg"))
            #expect(XMLParser(data: svg).parse())
            let text = String(decoding: svg, as: UTF8.self)
            #expect(text.contains("breaks at 0.2"))
            #expect(text.components(separatedBy: "<polyline").count == 3)
            let json = try ReportWriter.report(runFolder: folder)
            #expect(json.ramp == Self.ramp())
        }
    }

    @Test func withoutRampJSONTheReportHasNoRampSection() throws {
        try RunFolderFixture.make().withFolder { folder in
            let report = try String(contentsOf: ReportWriter.write(runFolder: folder, format: .md), encoding: .utf8)
            #expect(!report.contains("Ramp"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("charts/ramp.svg").path))
        }
    }
}
