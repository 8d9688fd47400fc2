import Artifacts

/// The sections `run --pytest` and `run --coverage` add; absent without those flags, so the
/// report of a plain run is unchanged.
extension MarkdownRenderer {
    static func testsUnderChaos(_ tests: TestRunComparison) -> String {
        var out = "## Tests under chaos\n\n"
        out += "The app's own test suite (`\(tests.command.dropFirst().joined(separator: " "))`), run with chaos off and then on, "
        out += "with the same hooks and settings as the load.\n\n"
        out += Markdown.table(
            ["Run", "Tests", "Failed", "Skipped", "JUnit"],
            [("chaos off", tests.baseline), ("chaos on", tests.chaos)].map { name, side in
                [name, String(side.tests), String(side.failed), String(side.skipped), Markdown.code(side.junit)]
            }, alignRight: [1, 2, 3])
        out += "\n"
        guard !tests.chaosOnlyFailures.isEmpty else { return out + "No test fails only under chaos.\n\n" }
        out += "### Failing only under chaos\n\n"
        for failure in tests.chaosOnlyFailures {
            out += "- \(Markdown.code(failure.test)): \(Markdown.inline(failure.message))\n"
            if failure.points.isEmpty {
                out += "  - No fault was logged while it ran.\n"
            } else {
                out += "  - Faults fired while it ran: \(failure.faults.prefix(5).map { Markdown.code($0) }.joined(separator: ", "))"
                out += failure.faults.count > 5 ? " and \(failure.faults.count - 5) more\n" : "\n"
            }
        }
        return out + "\n"
    }

    static func notExercised(_ exercise: ExerciseReport) -> String {
        var out = "## Not exercised\n\n"
        out += "From coverage.py's data for the app during the load (`\(exercise.coverage)`): a handler ran when its entry hook ran, "
        out += "an injection point was reached when its hook line ran "
        out += "(a point shared by several routes counts as reached when any of them reached it).\n\n"
        let missed = exercise.notExercised
        if missed.isEmpty {
            out += "Every route's handler ran during the load.\n\n"
        } else {
            out += "Routes the load never reached:\n\n"
            out += Markdown.table(
                ["Endpoint", "Handler", "Requests sent"],
                missed.map { [Markdown.code($0.endpoint), Markdown.code("\($0.file):\($0.line)") + " (\(Markdown.inline($0.function)))", String($0.requests)] },
                alignRight: [2])
            out += "\n"
        }
        out += "### Injection points per route\n\n"
        out += Markdown.table(
            ["Endpoint", "Handler ran", "Points reached", "Points never reached"],
            exercise.routes.map { route in
                [
                    Markdown.code(route.endpoint), route.handlerRan.map { $0 ? "yes" : "no" } ?? "no hook",
                    String(route.pointsExercised.count), String(route.pointsNotReached.count),
                ]
            }, alignRight: [2, 3])
        out += "\n"
        if !exercise.pointsNotReached.isEmpty {
            out += "Injection points never reached:\n\n"
            for point in exercise.pointsNotReached {
                out += "- \(Markdown.code(point.id)) at \(Markdown.code("\(point.file):\(point.line)")) (\(Markdown.inline(point.function)))\n"
            }
            out += "\n"
        }
        return out
    }
}
