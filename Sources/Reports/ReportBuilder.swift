import Artifacts
import Foundation

/// Turns a run folder's artifacts into a ``Report``: every figure the report shows is chosen
/// and ordered here, so the Markdown and JSON renderings only lay it out.
struct ReportBuilder {
    /// The most requests the latency chart draws.
    static let chartPointCap = 5000

    let folder: RunFolder
    let pass: RecordPass

    init(folder: RunFolder) throws {
        self.folder = folder
        let expected = folder.loadHeader.summary.values.reduce(0) { $0 + ($1[EndpointSummary.overallKey]?.count ?? 0) }
        var pass = RecordPass(expected: expected, cap: Self.chartPointCap)
        do {
            try folder.load.forEachRecord { pass.add($0) }
        } catch {
            throw ReportError.unreadable(RunFolder.loadFile, in: folder.url.path, error)
        }
        self.pass = pass
    }

    func build(charts: [Report.ChartLink]) -> Report {
        Report(
            schema: Report.schemaVersion,
            toolVersion: ToolVersion.current,
            app: folder.run.appId,
            summary: Report.Summary(verdict: verdict(), topIssues: topIssues()),
            chaosConfiguration: chaosConfiguration(),
            loadResults: loadResults(),
            failurePatterns: failurePatterns(),
            fixProposals: fixProposals(),
            phaseTimings: phaseTimings(),
            partial: partialNotes(),
            charts: charts,
            crossServiceCascade: folder.patterns.crossServiceCascades,
            ramp: folder.ramp,
            testSuite: folder.testSuite,
            exercise: folder.exercise,
            planCoverage: folder.patterns.planCoverage
        )
    }

    // MARK: Summary

    func verdict() -> Report.Verdict {
        let options = folder.run.options
        let slo = options["slo"].flatMap { value -> [String: JSONValue]? in
            if case .object(let members) = value { return members }
            return nil
        } ?? [:]
        let maxErrorRate = Self.number(options["max_error_rate"] ?? slo["max_error_rate"])
        // max_p99 is in seconds, as `--max-p99` and chaos-test.yaml give it.
        let maxP99Us = Self.number(options["max_p99"] ?? slo["max_p99"]).map { Int(($0 * 1_000_000).rounded()) }
        return Report.Verdict.judge(
            chaos: folder.loadHeader.summary["chaos"]?[EndpointSummary.overallKey], maxErrorRate: maxErrorRate,
            maxP99Us: maxP99Us)
    }

    /// Severity first; at equal severity measured evidence before static; then impact, then id
    /// so the order never depends on the file's.
    static func critical(_ lhs: Pattern, _ rhs: Pattern) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.evidenceKind != rhs.evidenceKind { return lhs.evidenceKind == .measured }
        if lhs.impact != rhs.impact { return lhs.impact > rhs.impact }
        return lhs.id < rhs.id
    }

    func topIssues() -> [Report.Issue] {
        folder.patterns.patterns.sorted(by: Self.critical).prefix(3).map { pattern in
            Report.Issue(
                pattern: pattern.id, title: pattern.title, severity: pattern.severity, impact: pattern.impact,
                evidenceKind: pattern.evidenceKind,
                location: pattern.locations.first.map { "\($0.file):\($0.line)" })
        }
    }

    // MARK: Sections

    func chaosConfiguration() -> Report.ChaosConfiguration {
        guard let config = folder.config else {
            return Report.ChaosConfiguration(
                absent: "the run folder has no chaos-config.json (inject did not finish)", app: nil, seed: nil,
                faults: [], rate: nil, delayUs: [], status: nil, points: [])
        }
        // The app's points, then each injected service's; failure-patterns.json keys a service's
        // points `<service>/<id>`.
        let sides: [(service: String?, config: ChaosConfig)] =
            [(nil, config)] + folder.services.map { (Optional($0.name), $0.config) }
        let points = sides.flatMap { side in
            side.config.points.sorted { ($0.file, $0.line, $0.short) < ($1.file, $1.line, $1.short) }.map { point in
                let key = side.service.map { "\($0)/\(point.id)" } ?? point.id
                return Report.PointRow(
                    id: point.id, short: point.short, kind: point.kind.rawValue, file: point.file, line: point.line,
                    function: point.function, routes: point.routes, fired: folder.patterns.points[key]?.fired,
                    service: side.service)
            }
        }
        return Report.ChaosConfiguration(
            absent: nil, app: config.app, seed: config.seed, faults: config.defaults.faults.map(\.rawValue),
            rate: config.defaults.rate, delayUs: config.defaults.delayUs, status: config.defaults.status, points: points)
    }

    /// Phases in the order the load ran them, then any the summary holds that the phase list does not.
    private var phaseNames: [String] {
        var names = folder.loadHeader.phases.map(\.name)
        names += folder.loadHeader.summary.keys.filter { !names.contains($0) }.sorted()
        return names
    }

    func loadResults() -> Report.LoadTestResults {
        let header = folder.loadHeader
        let summary = header.summary
        let phases = phaseNames.compactMap { name in
            summary[name]?[EndpointSummary.overallKey].map { Self.figures(name, $0) }
        }
        let endpointKeys = Set(summary.values.flatMap(\.keys)).subtracting([EndpointSummary.overallKey]).sorted()
        let endpoints = endpointKeys.map { key in
            Report.EndpointLatency(
                endpoint: key, baseline: summary["baseline"]?[key].map { Self.figures("baseline", $0) },
                chaos: summary["chaos"]?[key].map { Self.figures("chaos", $0) })
        }
        var errorKinds: [Report.ErrorKindRow] = []
        for phase in phaseNames {
            guard let byEndpoint = pass.errorKinds[phase] else { continue }
            for endpoint in byEndpoint.keys.sorted(by: Self.overallLast) {
                errorKinds.append(Report.ErrorKindRow(phase: phase, endpoint: endpoint, counts: byEndpoint[endpoint]!))
            }
        }
        return Report.LoadTestResults(
            target: header.meta.target, model: header.meta.model.rawValue, plan: header.meta.plan,
            interrupted: header.meta.partial, generatorCpuUs: header.meta.generatorCpuUs, requests: pass.records,
            phases: phases, endpoints: endpoints, errorKinds: errorKinds)
    }

    func failurePatterns() -> Report.FailurePatternsSection {
        let sorted = folder.patterns.patterns.sorted(by: Self.critical)
        let tracebacks = folder.patterns.tracebacks.sorted {
            ($1.count, $0.file, $0.line, $0.exception) < ($0.count, $1.file, $1.line, $1.exception)
        }
        return Report.FailurePatternsSection(
            measured: sorted.filter { $0.evidenceKind == .measured }, static: sorted.filter { $0.evidenceKind == .static },
            tracebacks: tracebacks)
    }

    func fixProposals() -> [Report.ProposalEntry] {
        guard let proposals = folder.proposals else { return [] }
        return proposals.proposals.sorted { ($0.priority, $0.id) < ($1.priority, $1.id) }.map { proposal in
            guard let patch = proposal.patch else {
                return Report.ProposalEntry(proposal: proposal, diff: nil, diffNote: "this change needs a person; the rationale says what to do")
            }
            switch folder.text(atRelativePath: patch) {
            case .success(let text): return Report.ProposalEntry(proposal: proposal, diff: text, diffNote: nil)
            case .failure(let note): return Report.ProposalEntry(proposal: proposal, diff: nil, diffNote: note.text)
            }
        }
    }

    func phaseTimings() -> Report.PhaseTimings {
        let run = folder.run
        let phases = run.phases
        let origin = ([run.startUnixNs] + phases.map(\.startUnixNs)).min() ?? run.startUnixNs
        let rows = phases.map { phase in
            Report.PhaseRow(
                name: phase.name, group: phase.group, startOffsetUs: (phase.startUnixNs - origin) / 1000,
                durationUs: max(0, phase.endUnixNs - phase.startUnixNs) / 1000, status: phase.status, note: phase.note,
                parallelWith: phase.group.map { group in
                    phases.filter { $0.group == group && $0.name != phase.name }.map(\.name)
                } ?? [])
        }
        let end = run.endUnixNs ?? phases.map(\.endUnixNs).max()
        return Report.PhaseTimings(phases: rows, totalUs: end.map { max(0, $0 - origin) / 1000 })
    }

    func partialNotes() -> [String] {
        var notes = folder.run.partial
        for phase in folder.run.phases where phase.status != "ok" {
            notes.append("phase \(phase.name): \(phase.status)" + (phase.note.map { " (\($0))" } ?? ""))
        }
        if folder.loadHeader.meta.partial {
            notes.append("load-results.json: the load was interrupted before its plan finished")
        }
        notes += folder.patterns.notes.map { "analysis: \($0)" }
        if folder.config == nil { notes.append("chaos-config.json is absent: the chaos configuration is unknown") }
        if folder.proposals == nil { notes.append("fix-proposals.json is absent: the propose phase did not run") }
        if !folder.has(RunFolder.eventsFile) {
            notes.append("events.jsonl is absent: the latency chart marks no fault firings")
        } else if folder.unreadableEventLines > 0 {
            notes.append("events.jsonl: \(folder.unreadableEventLines) unreadable lines were skipped")
        }
        for entry in fixProposals() where entry.diff == nil && entry.proposal.patch != nil {
            notes.append("proposal \(entry.proposal.id): \(entry.diffNote ?? "its diff is missing")")
        }
        return notes
    }

    // MARK: Helpers

    static func figures(_ name: String, _ summary: EndpointSummary) -> Report.PhaseFigures {
        Report.PhaseFigures(
            name: name, requests: summary.count, ok: summary.ok, errors: summary.errors,
            clientErrors: summary.clientErrors,
            successRate: summary.count == 0 ? 0 : Double(summary.ok) / Double(summary.count),
            errorRate: summary.errorRate, p50Us: summary.p50Us, p95Us: summary.p95Us, p99Us: summary.p99Us,
            maxUs: summary.maxUs)
    }

    /// Endpoint keys sorted, with `"*"` (all endpoints) last.
    static func overallLast(_ lhs: String, _ rhs: String) -> Bool {
        if lhs == EndpointSummary.overallKey || rhs == EndpointSummary.overallKey { return rhs == EndpointSummary.overallKey && lhs != rhs }
        return lhs < rhs
    }

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        case .string(let text): Double(text)
        default: nil
        }
    }
}
