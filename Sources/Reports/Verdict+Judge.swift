import Artifacts

extension Report.Verdict {
    /// The one judgement of a run against its SLO. The run's last line and the report both come
    /// from it, so they cannot disagree (issue 14: the last line said "SLO met" with no SLO set).
    public static func judge(chaos: EndpointSummary?, maxErrorRate: Double?, maxP99Us: Int?) -> Report.Verdict {
        guard let chaos, chaos.count > 0 else {
            return Report.Verdict(
                outcome: .noData, statement: "No requests were recorded in the chaos phase, so there is no verdict.",
                errorRate: nil, p99Us: nil, maxErrorRate: maxErrorRate, maxP99Us: maxP99Us)
        }
        let figures = "error rate \(NumberText.percent(chaos.errorRate)), p99 \(NumberText.ms(chaos.p99Us)) ms"
        var verdict = Report.Verdict(
            outcome: .noSLO,
            statement: "No SLO was set. Under chaos (\(chaos.count) requests): \(figures).",
            errorRate: chaos.errorRate, p99Us: chaos.p99Us, maxErrorRate: maxErrorRate, maxP99Us: maxP99Us)
        guard maxErrorRate != nil || maxP99Us != nil else { return verdict }
        var breaches: [String] = []
        var limits: [String] = []
        if let maxErrorRate {
            limits.append("error rate ≤ \(NumberText.percent(maxErrorRate))")
            if chaos.errorRate > maxErrorRate {
                breaches.append("error rate \(NumberText.percent(chaos.errorRate)) > \(NumberText.percent(maxErrorRate))")
            }
        }
        if let maxP99Us {
            limits.append("p99 ≤ \(NumberText.ms(maxP99Us)) ms")
            if chaos.p99Us > maxP99Us {
                breaches.append("p99 \(NumberText.ms(chaos.p99Us)) ms > \(NumberText.ms(maxP99Us)) ms")
            }
        }
        if breaches.isEmpty {
            verdict.outcome = .met
            verdict.statement = "SLO met under chaos (\(limits.joined(separator: ", "))): \(figures)."
        } else {
            verdict.outcome = .breached
            verdict.statement = "SLO breached under chaos: \(breaches.joined(separator: "; "))."
        }
        return verdict
    }

    /// The exit status a run ends with for this verdict: 1 only for a breach.
    public var exitStatus: Int32 { outcome == .breached ? 1 : 0 }
}
