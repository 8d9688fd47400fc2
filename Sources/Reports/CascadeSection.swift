import Artifacts

/// The report's "Cross-service cascade" section (issue 8.5b): which fault in which service
/// caused errors at which endpoint of the app. Written only when the run injected a service.
enum CascadeSection {
    static let title = "Cross-service cascade"
    /// The most rows the Markdown table shows; the JSON report has them all.
    static let rowCap = 20

    static func render(_ rows: [CrossServiceCascade]?) -> String {
        guard let rows else { return "" }
        var out = "## \(title)\n\n"
        guard !rows.isEmpty else {
            return out + "None: no fault fired in an injected service during a request of the load.\n\n"
        }
        let failing = rows.filter { $0.errors > 0 }
        if failing.isEmpty {
            out += "Faults fired in the services, but no app request they fired in failed.\n\n"
        } else {
            for row in failing.prefix(3) {
                out += "- \(Markdown.code(row.fault)) faults in service **\(Markdown.inline(row.service))**"
                    + (row.location.map { " at " + Markdown.code("\($0.file):\($0.line)") + " (\(Markdown.inline($0.function)))" } ?? "")
                    + " failed \(row.errors) of \(row.requests) requests to \(Markdown.code(row.endpoint))"
                    + " (\(row.errorsExplained) with no fault in the app itself)"
                    + (row.requestIds.first.map { "; for example request " + Markdown.code($0) } ?? "") + ".\n"
            }
            out += "\n"
        }
        let shown = rows.prefix(rowCap)
        out += Markdown.table(
            ["Service", "Fault", "Exception", "Location", "Endpoint", "Requests", "Errors", "Explained", "App statuses"],
            shown.map { row in
                [
                    Markdown.inline(row.service), row.fault, row.exception.map(Markdown.code) ?? "—",
                    row.location.map { Markdown.code("\($0.file):\($0.line)") } ?? Markdown.code(row.point),
                    Markdown.code(row.endpoint), String(row.requests), String(row.errors), String(row.errorsExplained),
                    row.statuses.isEmpty ? "—" : row.statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "),
                ]
            }, alignRight: [5, 6, 7])
        if rows.count > shown.count {
            out += "\n\(rows.count - shown.count) more rows are in failure-patterns.json (`cross_service_cascades`).\n"
        }
        return out + "\n"
    }
}
