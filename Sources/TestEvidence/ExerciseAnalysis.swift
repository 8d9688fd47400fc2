import Artifacts

/// Joins coverage.py's line hits for the injected source with the injection points: a hook
/// line that ran means its point was reached. Coverage measured the injected files, whose
/// line numbers are exactly the points' `inserted_lines`, so no mapping is needed.
public enum ExerciseAnalysis {
    public static func analyze(
        coverage: CoverageReport, coverageFile: String, config: ChaosConfig, routes: [Route], requests: [String: Int]
    ) -> ExerciseReport {
        func reached(_ point: ChaosConfig.Point) -> Bool {
            guard let hits = hits(for: point.file, in: coverage) else { return false }
            return point.insertedLines.contains { (hits[$0] ?? 0) > 0 }
        }
        let reachedIDs = Set(config.points.filter(reached).map(\.id))
        var results: [ExerciseReport.RouteExercise] = []
        // Only the app under test: the scan also lists the services' routes, which carry no hooks.
        for route in routes where route.app == config.app || config.app.isEmpty {
            for endpoint in route.endpointKeys {
                let points = config.points.filter { $0.routes.contains(endpoint) }
                let handler = points.first { $0.kind == .handler }
                let dependencies = points.filter { $0.kind != .handler }.map(\.id)
                // A point shared by several routes counts as reached when any of them reached it,
                // but none is reached through a route whose handler never ran.
                let ran = handler.map { reachedIDs.contains($0.id) }
                let through = ran == false ? [] : dependencies.filter { reachedIDs.contains($0) }
                results.append(
                    ExerciseReport.RouteExercise(
                        endpoint: endpoint, file: route.file, line: route.line, function: route.function,
                        handlerRan: ran, requests: requests[endpoint] ?? 0, pointsExercised: through,
                        pointsNotReached: dependencies.filter { !through.contains($0) }))
            }
        }
        let notReached = config.points.filter { !reachedIDs.contains($0.id) }.map {
            ExerciseReport.PointPlace(id: $0.id, file: $0.file, line: $0.line, function: $0.function)
        }
        return ExerciseReport(coverage: coverageFile, routes: results.sorted { $0.endpoint < $1.endpoint }, pointsNotReached: notReached)
    }

    /// Cobertura names files relative to a `<source>`; accept either spelling of the same path.
    static func hits(for file: String, in coverage: CoverageReport) -> [Int: Int]? {
        if let hits = coverage.files[file] { return hits }
        return coverage.files.first { $0.key.hasSuffix("/" + file) || file.hasSuffix("/" + $0.key) }?.value
    }
}
