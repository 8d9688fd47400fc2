import Artifacts

/// Builds a plan from scanned routes. GET routes without path parameters are sent as they are.
/// A GET route with path parameters gets a flow: first the page or collection above it
/// (`/items` for `/items/{id}`, else the nearest parameter-free GET route whose path is a prefix
/// of it, else `/`), whose answer the parameters are searched in (a link to the route in HTML,
/// an id in JSON: `search:` in ``PlanRequest``), then the route itself with what was found.
/// Every other route is listed in `unsynthesized` with the reason, so the user can write it
/// into a plan file: a body or a write cannot be guessed from the scan.
public enum ScanPlanSynthesizer {
    public static func plan(from scan: ScanResult, source: String) -> LoadPlan {
        var plan = LoadPlan(source: source)
        var seen = Set<String>()
        let sorted = scan.routes.sorted { ($0.path, $0.methods.joined(separator: ",")) < ($1.path, $1.methods.joined(separator: ",")) }
        // Parameter-free GET pages: what the flows start from.
        let pages = Set(
            sorted.filter { $0.methods.contains("GET") || $0.methods.contains("ANY") }.compactMap(\.defaultPrefixPath)
                .filter { !$0.contains("{") })
        for scanned in sorted {
            // A leading run-time prefix is planned at its default, empty; the coverage says
            // when the app answers 404 to that.
            var route = scanned
            if let path = scanned.defaultPrefixPath { route.path = path }
            for method in route.methods {
                let verb = method == "ANY" ? "GET" : method
                let key = "\(verb) \(route.path)"
                guard seen.insert(key).inserted, verb != "HEAD", verb != "OPTIONS" else { continue }
                if route.path.contains("{?") {
                    plan.unsynthesized.append(
                        "\(key) (\(route.file):\(route.line)): part of its path is known only at run time (the scan's diagnostic names it); write the real path into a plan file")
                } else if verb == "GET" && !route.path.contains("{") {
                    plan.requests.append(PlanRequest(method: "GET", path: route.path))
                } else if verb == "GET", let source = producer(for: route.path, pages: pages) {
                    let variables = parameters(of: route.path)
                    var extract: [String: String] = [:]
                    for variable in variables { extract[variable] = PlanRequest.searchPrefix + route.path }
                    plan.flows.append(
                        PlanFlow(
                            name: "\(route.path) from \(source)", weight: 1,
                            steps: [
                                PlanRequest(name: "GET \(source)", method: "GET", path: source, extract: extract),
                                PlanRequest(method: "GET", path: route.path),
                            ]))
                } else if route.path.contains("{") {
                    plan.unsynthesized.append(
                        "\(key) (\(route.file):\(route.line)): its path parameters have no known values; add them under params: in a plan file")
                } else {
                    plan.unsynthesized.append(
                        "\(key) (\(route.file):\(route.line)): its body cannot be built from the scan; add it to a plan file with json:")
                }
            }
        }
        return plan
    }

    /// `{a}` and `{b}` of `/x/{a}/y/{b}`, in order.
    static func parameters(of path: String) -> [String] {
        var names: [String] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// The page an id for `path` is most likely linked from: the literal part before the first
    /// parameter, with or without its trailing slash, else the longest page that is a prefix
    /// of it, else `/`.
    static func producer(for path: String, pages: Set<String>) -> String? {
        guard let brace = path.firstIndex(of: "{") else { return nil }
        let literal = String(path[..<brace])
        let trimmed = literal.hasSuffix("/") && literal.count > 1 ? String(literal.dropLast()) : literal
        for candidate in [trimmed, literal, trimmed + "/"] where pages.contains(candidate) { return candidate }
        let prefixes = pages.filter { literal.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") || $0 == "/" }
        return prefixes.max { $0.count < $1.count }
    }
}
