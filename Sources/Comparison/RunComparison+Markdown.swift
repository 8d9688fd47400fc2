import Foundation

extension RunComparison {
    /// The comparison as a Markdown page.
    public var markdown: String {
        var out = "# chaos-test comparison\n\n"
        out += "- before: `\(old)`\n- after: `\(new)`\n\n"
        let words: [Verdict: String] = [
            .better: "**Better.** Something improved beyond noise and nothing got worse.",
            .worse: "**Worse.** Something got worse beyond noise.",
            .mixed: "**Mixed.** Some figures improved and some got worse beyond noise.",
            .unchanged: "**No change beyond noise.**",
        ]
        out += words[verdict]! + "\n\n"
        let tests = ((overall.map { [$0] } ?? []) + endpoints).reduce(0) {
            $0 + ($1.errorRateP == nil ? 0 : 1) + ($1.p99P == nil ? 0 : 1)
        }
        out += String(
            format: "A change counts when it exceeds the tolerance (error rate ±%.1f points; p99 ±%.0f%% and ±%.0f ms) "
                + "and is significant at α = %g over all %d tests of this comparison (Holm).\n\n",
            thresholds.errorRate * 100, thresholds.p99Relative * 100, Double(thresholds.p99AbsoluteUs) / 1000,
            thresholds.alpha, tests)
        out += "| Endpoint | Requests | Error rate before | after | p95 before | after | p99 before | after | Verdict |\n"
        out += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n"
        for change in (overall.map { [$0] } ?? []) + endpoints {
            let name = change.endpoint == "*" ? "**all endpoints**" : "`\(change.endpoint)`"
            let verdicts = [("error rate", change.errorRate), ("p99", change.p99)].filter { $0.1 != .unchanged }
                .map { "\($0.0) \($0.1.rawValue)" }.joined(separator: ", ")
            out += "| \(name) | \(change.requestsBefore) → \(change.requestsAfter) | "
                + String(format: "%.1f%% | %.1f%% | ", change.errorRateBefore * 100, change.errorRateAfter * 100)
                + "\(ms(change.p95BeforeUs)) | \(ms(change.p95AfterUs)) | \(ms(change.p99BeforeUs)) | \(ms(change.p99AfterUs)) | "
                + (verdicts.isEmpty ? "unchanged" : verdicts) + " |\n"
        }
        out += "\n## Patterns that disappeared\n\n"
        out += disappeared.isEmpty ? "None.\n" : disappeared.map { "- \($0.kind): \($0.title) (`\($0.location)`)\n" }.joined()
        out += "\n## Patterns that appeared\n\n"
        out += appeared.isEmpty ? "None.\n" : appeared.map { "- \($0.kind): \($0.title) (`\($0.location)`)\n" }.joined()
        if !notes.isEmpty {
            out += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined()
        }
        return out
    }

    private func ms(_ us: Int) -> String { String(format: "%.0f ms", Double(us) / 1000) }
}
