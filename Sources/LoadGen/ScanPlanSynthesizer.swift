import Artifacts

/// Builds a plan from scanned routes. Only what can be sent without guessing is planned:
/// GET routes without path parameters. Every other route is listed in `unsynthesized` with the
/// reason, so the user can write it into a plan file.
public enum ScanPlanSynthesizer {
    public static func plan(from scan: ScanResult, source: String) -> LoadPlan {
        var plan = LoadPlan(source: source)
        var seen = Set<String>()
        for route in scan.routes.sorted(by: { ($0.path, $0.methods.joined(separator: ",")) < ($1.path, $1.methods.joined(separator: ",")) }) {
            for method in route.methods {
                let verb = method == "ANY" ? "GET" : method
                let key = "\(verb) \(route.path)"
                guard seen.insert(key).inserted, verb != "HEAD", verb != "OPTIONS" else { continue }
                if route.path.contains("{?") {
                    plan.unsynthesized.append(
                        "\(key) (\(route.file):\(route.line)): part of its path is known only at run time (the scan's diagnostic names it); write the real path into a plan file")
                } else if verb == "GET" && !route.path.contains("{") {
                    plan.requests.append(PlanRequest(method: "GET", path: route.path))
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
}
