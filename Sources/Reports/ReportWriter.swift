import Artifacts
import Foundation

/// Writes the report of a run folder: `chaos-test-report.md` (or `.json`) and `charts/*.svg`,
/// from the artifacts the folder holds and nothing else.
public enum ReportWriter {
    /// Reads the run folder, writes the charts and the report, and returns the report's URL.
    public static func write(runFolder: URL, format: ReportFormat) throws -> URL {
        let (report, latency, errorRate) = try prepare(runFolder: runFolder)
        let output = runFolder.appendingPathComponent(format.fileName)
        do {
            try FileManager.default.createDirectory(
                at: runFolder.appendingPathComponent("charts"), withIntermediateDirectories: true)
            try Data(latency.render().utf8).write(to: runFolder.appendingPathComponent(LatencyChart.path), options: .atomic)
            try Data(errorRate.render().utf8).write(to: runFolder.appendingPathComponent(ErrorRateChart.path), options: .atomic)
            if let ramp = report.ramp {
                try Data(RampChart(ramp: ramp).render().utf8).write(to: runFolder.appendingPathComponent(RampChart.path), options: .atomic)
            }
            switch format {
            case .md: try Data(MarkdownRenderer.render(report).utf8).write(to: output, options: .atomic)
            case .json: try ArtifactJSON.encode(report).write(to: output, options: .atomic)
            }
        } catch {
            throw ReportError(
                kind: .environment,
                message: "cannot write the report into \(runFolder.path) (\(error)); check that the folder is writable.")
        }
        return output
    }

    /// The report of a run folder as data, without writing anything.
    public static func report(runFolder: URL) throws -> Report {
        try prepare(runFolder: runFolder).report
    }

    private static func prepare(runFolder: URL) throws -> (report: Report, latency: LatencyChart, errorRate: ErrorRateChart) {
        let folder = try RunFolder(runFolder)
        let builder = try ReportBuilder(folder: folder)
        let latency = LatencyChart(
            samples: LatencyChart.capped(builder.pass.samples, cap: ReportBuilder.chartPointCap),
            phases: folder.loadHeader.phases,
            faultTimesUnixNs: folder.events.filter { $0.point != nil }.map(\.timeUnixNs),
            requests: builder.pass.records)
        let errorRate = ErrorRateChart(endpoints: builder.loadResults().endpoints)
        var charts = [
            Report.ChartLink(title: "Latency over time", path: LatencyChart.path, caption: latency.caption),
            Report.ChartLink(title: "Error rate per endpoint", path: ErrorRateChart.path, caption: errorRate.caption),
        ]
        if let ramp = folder.ramp {
            charts.append(Report.ChartLink(title: "Ramp", path: RampChart.path, caption: RampChart(ramp: ramp).caption))
        }
        let report = builder.build(charts: charts)
        return (report, latency, errorRate)
    }
}
