import Artifacts
import Discovery

/// Scans a small app given as `path: source` pairs, in memory.
func scan(_ files: [String: String]) -> ScanResult {
    Scanner.scan(files: files.map { (path: $0.key, contents: $0.value) })
}

extension ScanResult {
    /// `"GET /path"` → `"file:line function"`, one entry per method, for compact expectations.
    var routeTable: [String: String] {
        var table: [String: String] = [:]
        for route in routes {
            for key in route.endpointKeys { table[key] = "\(route.file):\(route.line) \(route.function)" }
        }
        return table
    }

    func dependency(_ callee: String, line: Int? = nil) -> DependencyCall? {
        dependencies.first { $0.callee == callee && (line == nil || $0.line == line) }
    }
}
