import Artifacts

/// The human-readable form of a scan: apps, routes, dependency calls, diagnostics.
enum ScanTable {
    static func render(_ result: ScanResult) -> String {
        var out = ""
        out += "Apps (\(result.apps.count))\n"
        out += table(
            ["APP", "FRAMEWORK", "LOCATION"],
            result.apps.map { [$0.id, $0.framework.rawValue + ($0.factory ? " (factory)" : ""), "\($0.file):\($0.line)"] })
        out += "\nRoutes (\(result.routes.count))\n"
        out += table(
            ["METHODS", "PATH", "HANDLER", "LOCATION", "APP"],
            result.routes.map {
                [$0.methods.joined(separator: ","), $0.path, ($0.isAsync ? "async " : "") + $0.qualname, "\($0.file):\($0.line)", $0.app]
            })
        out += "\nDependency calls (\(result.dependencies.count))\n"
        out += table(
            ["KIND", "CALL", "LOCATION", "IN", "REACHED FROM"],
            result.dependencies.map {
                [
                    $0.kind.rawValue, $0.callee + "()", "\($0.file):\($0.line):\($0.column)", $0.qualname,
                    $0.routes.isEmpty ? "-" : $0.routes.joined(separator: ", "),
                ]
            })
        if !result.diagnostics.isEmpty {
            out += "\nDiagnostics (\(result.diagnostics.count))\n"
            for diagnostic in result.diagnostics { out += "  \(diagnostic)\n" }
        }
        return out
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "  (none)\n" }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = "  "
            for (index, cell) in cells.enumerated() {
                text += cell
                if index < cells.count - 1 { text += String(repeating: " ", count: widths[index] - cell.count + 2) }
            }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
