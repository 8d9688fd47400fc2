import Artifacts

extension MarkdownRenderer {
    /// `### Ramp to the breaking point`, inside Load Test Results: one row per `--ramp` step
    /// and the breaking point. The chart itself is linked with the other charts above.
    static func ramp(_ ramp: RampResult, charts: [Report.ChartLink]) -> String {
        var out = "### Ramp to the breaking point\n\n"
        var limits: [String] = []
        if let maxErrorRate = ramp.maxErrorRate { limits.append("error rate ≤ \(NumberText.percent(maxErrorRate))") }
        if let maxP99Us = ramp.maxP99Us { limits.append("p99 ≤ \(NumberText.ms(maxP99Us)) ms") }
        out += "The fault rate was stepped up live, \(NumberText.short(Double(ramp.stepUs) / 1_000_000)) s per step"
            + (limits.isEmpty ? ", with no SLO to judge it against" : ", judged against the SLO (\(limits.joined(separator: ", ")))") + ".\n\n"
        if let breaking = ramp.breakingPoint, let step = ramp.steps.first(where: { $0.rate == breaking }) {
            out += "**Breaking point: fault rate \(NumberText.short(breaking)).** At that rate: "
                + "\(Markdown.inline(step.breached.joined(separator: ", "))).\n\n"
        } else {
            out += "**No breaking point:** \(Markdown.inline(ramp.verdict)).\n\n"
        }
        guard !ramp.steps.isEmpty else { return out + "No ramp step ran.\n\n" }
        out += Markdown.table(
            ["Fault rate", "Phase", "Requests", "Errors", "Error rate", "p99 ms", "Faults fired", "SLO"],
            ramp.steps.map { step in
                [
                    NumberText.short(step.rate), step.phase, String(step.requests), String(step.errors),
                    NumberText.percent(step.errorRate), NumberText.ms(step.p99Us), String(step.faultsFired),
                    step.breached.isEmpty ? (limits.isEmpty ? "—" : "held") : "breached: " + step.breached.joined(separator: ", "),
                ]
            }, alignRight: Set(2...6))
        if let chart = charts.first(where: { $0.path == RampChart.path }) {
            out += "\nChart: [\(Markdown.inline(chart.title))](\(chart.path)).\n"
        }
        return out + "\n"
    }
}
