import Artifacts

/// The human-readable summary printed at the end of `chaos-test load`.
public enum SummaryTable {
    public static func render(_ summary: [String: EndpointSummary]) -> String {
        let keys = summary.keys.filter { $0 != EndpointSummary.overallKey }.sorted() + [EndpointSummary.overallKey]
        // The 429 column appears only when the app throttled, so the usual table keeps its shape.
        let throttling = summary.values.contains { ($0.throttled ?? 0) > 0 }
        var rows = [["endpoint", "count", "ok", "errors", "4xx"] + (throttling ? ["429"] : []) + ["p50", "p90", "p99", "p99.9", "max"]]
        for key in keys {
            guard let entry = summary[key] else { continue }
            rows.append(
                [key, "\(entry.count)", "\(entry.ok)", "\(entry.errors)", "\(entry.clientErrors)"]
                    + (throttling ? ["\(entry.throttled ?? 0)"] : []) + [
                        milliseconds(entry.p50Us), milliseconds(entry.p90Us), milliseconds(entry.p99Us),
                        milliseconds(entry.p999Us), milliseconds(entry.maxUs),
                    ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, text in
                column == 0
                    ? text + String(repeating: " ", count: widths[column] - text.count)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Microseconds as milliseconds with 2 decimals, e.g. `12.35ms`.
    public static func milliseconds(_ microseconds: Int) -> String {
        let hundredths = (microseconds + 5) / 10
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)ms"
    }
}
