import Artifacts

/// Lays a ``Report`` out as `chaos-test-report.md`. Every section is written even when it is
/// empty, with a sentence that says why, so readers and tests can rely on the headings.
enum MarkdownRenderer {
    static let sectionTitles = [
        "Summary", "Chaos Configuration", "Load Test Results", "Failure Patterns", "Fix Proposals", "Phase timings",
        "What was partial or skipped",
    ]

    static func render(_ report: Report) -> String {
        var out = "# Chaos test report: \(Markdown.inline(report.app))\n\n"
        out += summary(report)
        out += chaosConfiguration(report.chaosConfiguration)
        out += loadResults(report.loadResults, charts: report.charts)
        if let coverage = report.planCoverage { out += planCoverage(coverage) }
        if let ramp = report.ramp { out += Self.ramp(ramp, charts: report.charts) }
        out += failurePatterns(report.failurePatterns)
        out += CascadeSection.render(report.crossServiceCascade)
        if let tests = report.testSuite { out += testsUnderChaos(tests) }
        if let exercise = report.exercise { out += notExercised(exercise) }
        out += fixProposals(report.fixProposals)
        out += phaseTimings(report.phaseTimings)
        out += partial(report.partial)
        return out
    }

    private static func heading(_ index: Int) -> String { "## \(sectionTitles[index])\n\n" }

    private static func location(_ location: SourceLocation) -> String {
        Markdown.code("\(location.file):\(location.line)") + " (\(Markdown.inline(location.function)))"
    }

    private static func summary(_ report: Report) -> String {
        var out = heading(0)
        let verdict = report.summary.verdict
        let label: String
        switch verdict.outcome {
        case .met: label = "**SLO met.**"
        case .breached: label = "**SLO breached.**"
        // The statement itself says "No SLO was set."; a label would say it twice.
        case .noSLO: label = ""
        case .noData: label = "**No verdict.**"
        }
        out += (label.isEmpty ? "" : label + " ") + "\(Markdown.inline(verdict.statement))\n\n"
        if let coverage = report.planCoverage { out += "Plan coverage: \(coverage.summary).\n\n" }
        out += "Top issues:\n\n"
        let faultedDependencies = report.chaosConfiguration.points.contains { $0.kind == "dependency" }
        if report.summary.topIssues.isEmpty, report.chaosConfiguration.absent == nil, !faultedDependencies {
            // Without a dependency point every error is a fault injected at a handler's entry:
            // it says nothing about how the app handles a failing backend. Say so, not "no issue".
            out += "None, and none could be found: no dependency call was faulted (the scan found none that a route "
                + "reaches, leaving out sleeps and reads of files the app ships), so the errors measured are the faults "
                + "injected at handler entry themselves.\n\n"
        } else if report.summary.topIssues.isEmpty {
            out += "None: the analysis found no failure pattern and no static finding.\n\n"
        } else {
            for (index, issue) in report.summary.topIssues.enumerated() {
                let place = issue.location.map { "at " + Markdown.code($0) } ?? "(no source location)"
                out += "\(index + 1). **\(Markdown.inline(issue.title))** (\(issue.severity.rawValue), "
                    + "impact \(NumberText.fixed(issue.impact, decimals: 3)), \(issue.evidenceKind.rawValue)) \(place)\n"
            }
            out += "\n"
        }
        return out
    }

    private static func chaosConfiguration(_ config: Report.ChaosConfiguration) -> String {
        var out = heading(1)
        if let absent = config.absent {
            return out + "None: \(Markdown.inline(absent)).\n\n"
        }
        let delay =
            config.delayUs.count == 2
            ? "\(NumberText.ms(config.delayUs[0]))–\(NumberText.ms(config.delayUs[1])) ms" : "not set"
        out += "- App: \(Markdown.code(config.app ?? "unknown"))\n"
        out += "- Seed: \(config.seed.map(String.init) ?? "unknown")\n"
        out += "- Fault kinds: \(config.faults.isEmpty ? "none" : config.faults.joined(separator: ", "))\n"
        out += "- Rate: \(config.rate.map { NumberText.short($0) } ?? "unknown") per hook call\n"
        out += "- Delay range: \(delay)\n"
        if let status = config.status { out += "- Status of `status` faults: \(status)\n" }
        out += "\n"
        guard !config.points.isEmpty else { return out + "Injection points: none.\n\n" }
        let services = Set(config.points.compactMap(\.service))
        out += "Injection points (\(config.points.count)"
            + (services.isEmpty ? "" : ", \(config.points.filter { $0.service != nil }.count) of them in the injected services \(services.sorted().map(Markdown.code).joined(separator: ", "))")
            + "):\n\n"
        let serviceColumn = services.isEmpty ? [] : ["Service"]
        out += Markdown.table(
            serviceColumn + ["Point", "Kind", "Location", "Function", "Routes", "Fired"],
            config.points.map { point in
                (services.isEmpty ? [] : [point.service ?? "app"]) + [
                    Markdown.code(point.short), point.kind, Markdown.code("\(point.file):\(point.line)"), point.function,
                    point.routes.isEmpty ? "—" : point.routes.joined(separator: ", "), point.fired.map(String.init) ?? "—",
                ]
            }, alignRight: [serviceColumn.count + 5])
        return out + "\n"
    }

    private static func loadResults(_ load: Report.LoadTestResults, charts: [Report.ChartLink]) -> String {
        var out = heading(2)
        out += "- Target: \(Markdown.code(load.target)), \(load.model) model, plan \(Markdown.code(load.plan))\n"
        let answered = load.phases.reduce(0) { $0 + $1.ok }
        let sent = load.phases.reduce(0) { $0 + $1.requests }
        out += "- Requests: \(load.requests)"
            + (sent > 0 ? "; success rate \(NumberText.percent(Double(answered) / Double(sent))) over all phases" : "") + "\n"
        out += "- Generator CPU time: \(NumberText.ms(load.generatorCpuUs)) ms\n"
        if load.interrupted { out += "- The load was interrupted: figures cover what was collected.\n" }
        out += "\n"
        guard !load.phases.isEmpty else { return out + "No requests were recorded in any phase.\n\n" }
        out += Markdown.table(
            ["Phase", "Requests", "OK", "Errors", "4xx", "Success rate", "Error rate", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            load.phases.map { phase in
                [
                    phase.name, String(phase.requests), String(phase.ok), String(phase.errors), String(phase.clientErrors),
                    NumberText.percent(phase.successRate), NumberText.percent(phase.errorRate), NumberText.ms(phase.p50Us),
                    NumberText.ms(phase.p95Us), NumberText.ms(phase.p99Us), NumberText.ms(phase.maxUs),
                ]
            }, alignRight: Set(1...10))
        out += "\n### Latency per endpoint, baseline vs chaos (ms)\n\n"
        if load.endpoints.isEmpty {
            out += "None: no endpoint was loaded.\n\n"
        } else {
            func pair(_ baseline: Report.PhaseFigures?, _ chaos: Report.PhaseFigures?, _ value: (Report.PhaseFigures) -> String) -> [String] {
                [baseline.map(value) ?? "—", chaos.map(value) ?? "—"]
            }
            out += Markdown.table(
                [
                    "Endpoint", "Requests base", "Requests chaos", "Error rate base", "Error rate chaos", "p50 base", "p50 chaos",
                    "p95 base", "p95 chaos", "p99 base", "p99 chaos", "max base", "max chaos",
                ],
                load.endpoints.map { row in
                    [Markdown.code(row.endpoint)]
                        + pair(row.baseline, row.chaos) { String($0.requests) }
                        + pair(row.baseline, row.chaos) { NumberText.percent($0.errorRate) }
                        + pair(row.baseline, row.chaos) { NumberText.ms($0.p50Us) }
                        + pair(row.baseline, row.chaos) { NumberText.ms($0.p95Us) }
                        + pair(row.baseline, row.chaos) { NumberText.ms($0.p99Us) }
                        + pair(row.baseline, row.chaos) { NumberText.ms($0.maxUs) }
                }, alignRight: Set(1...12))
            out += "\n"
        }
        out += "### Errors by kind\n\n"
        if load.errorKinds.isEmpty {
            out += "None: no request ended in an error.\n\n"
        } else {
            let kinds = LoadErrorKind.allCases.map(\.rawValue)
            out += Markdown.table(
                ["Phase", "Endpoint"] + kinds,
                load.errorKinds.map { row in
                    [row.phase, row.endpoint == EndpointSummary.overallKey ? "all endpoints" : Markdown.code(row.endpoint)]
                        + kinds.map { String(row.counts[$0] ?? 0) }
                }, alignRight: Set(2..<(2 + kinds.count)))
            out += "\n"
        }
        for chart in charts {
            out += "![\(Markdown.inline(chart.title))](\(chart.path))\n\n\(Markdown.inline(chart.caption))\n\n"
        }
        return out
    }

    /// The routes the plan could not reach, grouped by why, each with what to change.
    static func planCoverage(_ coverage: PlanCoverage) -> String {
        var out = "### Plan coverage\n\n"
        out += "The plan \(coverage.summary) in the \(coverage.phase == "baseline" ? "baseline" : "load").\n\n"
        let missed = coverage.entries.filter { $0.outcome != .exercised }
        guard !missed.isEmpty else { return out }
        out += Markdown.table(
            ["Route", "Where", "Requests", "Answers", "Why not reached", "What to change"],
            missed.map { entry in
                [
                    Markdown.code(entry.endpoint), Markdown.code("\(entry.file):\(entry.line)"), String(entry.requests),
                    entry.statuses.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) ×\($0.value)" }
                        .joined(separator: ", "),
                    entry.outcome.rawValue.replacingOccurrences(of: "_", with: " "), Markdown.inline(entry.hint ?? ""),
                ]
            }, alignRight: [2])
        return out + "\n"
    }

    private static func evidence(_ values: [String: JSONValue]) -> String {
        values.keys.sorted().map { key in
            let value = values[key]!
            if key.hasSuffix("_us"), case .int(let us) = value { return "\(key) \(NumberText.ms(us)) ms" }
            return "\(key) \(text(value))"
        }.joined(separator: ", ")
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .int(let number): String(number)
        case .double(let number): NumberText.short(number)
        case .string(let string): string
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .array, .object: value.interpolationText
        }
    }

    private static func pattern(_ pattern: Pattern) -> String {
        var out = "- **\(Markdown.inline(pattern.title))** (`\(pattern.kind.rawValue)`, \(pattern.id))\n"
        out += "  - Severity: \(pattern.severity.rawValue); impact \(NumberText.fixed(pattern.impact, decimals: 3))\n"
        out += "  - Endpoints: \(pattern.endpoints.isEmpty ? "none" : pattern.endpoints.map(Markdown.code).joined(separator: ", "))\n"
        if !pattern.evidence.isEmpty { out += "  - Evidence: \(Markdown.inline(evidence(pattern.evidence)))\n" }
        out += "  - Locations: \(pattern.locations.isEmpty ? "none" : pattern.locations.map(location).joined(separator: ", "))\n"
        if let reproducer = pattern.reproducer {
            let steps = reproducer.inject == nil
                ? "no injected fault fired in it: send it to the running app as it is"
                : "inject, start the app as you usually do, then switch the one fault on and send the request; "
                    + "`chaos-test revert` afterwards"
            out += "  - Reproduce (\(Markdown.code(reproducer.requestId)) got \(reproducer.observed); \(steps)):\n\n"
            out += "    ```sh\n"
            for line in (reproducer.inject.map { [$0] } ?? []) + reproducer.chaos + [reproducer.curl] {
                out += "    \(line)\n"
            }
            out += "    ```\n"
        }
        return out
    }

    private static func failurePatterns(_ section: Report.FailurePatternsSection) -> String {
        var out = heading(3)
        out += "### Measured under load\n\n"
        out += section.measured.isEmpty ? "None: no pattern was measured.\n" : section.measured.map(pattern).joined()
        out += "\n### Static findings (from the source, not measured)\n\n"
        out += section.static.isEmpty ? "None.\n" : section.static.map { "- [static] " + pattern($0).dropFirst(2) }.joined()
        out += "\n### Tracebacks in the app's log\n\n"
        if section.tracebacks.isEmpty {
            out += "None.\n\n"
        } else {
            out += Markdown.table(
                ["Exception", "Message", "Location", "Count"],
                section.tracebacks.map { group in
                    [
                        Markdown.code(group.exception), group.message,
                        location(SourceLocation(file: group.file, line: group.line, function: group.function)), String(group.count),
                    ]
                }, alignRight: [3])
            out += "\n"
        }
        return out
    }

    private static func fixProposals(_ entries: [Report.ProposalEntry]) -> String {
        var out = heading(4)
        guard !entries.isEmpty else { return out + "None: no fix was proposed.\n\n" }
        for (rank, entry) in entries.enumerated() {
            let proposal = entry.proposal
            out += "### \(rank + 1). \(Markdown.inline(proposal.title))\n\n"
            out += "- Where: \(Markdown.code("\(proposal.file):\(proposal.line)"))\n"
            out += "- Recipe: `\(proposal.recipe)`; applicability: **\(proposal.applicability.rawValue)**; "
                + "evidence: \(proposal.evidence.rawValue); impact \(NumberText.fixed(proposal.impact, decimals: 3))\n"
            if !proposal.patterns.isEmpty { out += "- Answers: \(proposal.patterns.joined(separator: ", "))\n" }
            out += "- Rationale: \(Markdown.inline(proposal.rationale))\n"
            out += "- Expected effect: \(Markdown.inline(proposal.expectedEffect))\n"
            if let verified = proposal.verified {
                out += "- Verified: error rate \(NumberText.percent(verified.errorRateBefore)) → "
                    + "\(NumberText.percent(verified.errorRateAfter)), p99 \(NumberText.ms(verified.p99BeforeUs)) ms → "
                    + "\(NumberText.ms(verified.p99AfterUs)) ms (the same seeded chaos, re-run on a copy with this fix)\n"
            }
            out += "\n"
            if let diff = entry.diff {
                out += "Apply with `chaos-test apply-fix <app> \(proposal.id)`; undo with `chaos-test revert-fix <app> \(proposal.id)`.\n\n"
                out += Markdown.fencedBlock(diff, language: "diff") + "\n"
            } else {
                out += "No diff: \(Markdown.inline(entry.diffNote ?? "none")).\n\n"
            }
        }
        return out
    }

    /// The width of the ASCII timeline column.
    static let timelineWidth = 24

    private static func phaseTimings(_ timings: Report.PhaseTimings) -> String {
        var out = heading(5)
        guard !timings.phases.isEmpty else { return out + "None: run.json records no phases.\n\n" }
        let span = max(timings.totalUs ?? 0, timings.phases.map { $0.startOffsetUs + $0.durationUs }.max() ?? 0, 1)
        func bar(_ row: Report.PhaseRow) -> String {
            let from = min(timelineWidth - 1, row.startOffsetUs * timelineWidth / span)
            let to = max(from + 1, min(timelineWidth, (row.startOffsetUs + row.durationUs) * timelineWidth / span))
            return "`" + String(repeating: ".", count: from) + String(repeating: "#", count: to - from)
                + String(repeating: ".", count: timelineWidth - to) + "`"
        }
        out += Markdown.table(
            ["Phase", "Start (ms)", "Duration (ms)", "Status", "Timeline", "Note"],
            timings.phases.map { row in
                var note = row.note ?? ""
                if !row.parallelWith.isEmpty {
                    note = (note.isEmpty ? "" : note + "; ") + "ran in parallel with " + row.parallelWith.joined(separator: ", ")
                }
                return [
                    row.name, NumberText.ms(row.startOffsetUs), NumberText.ms(row.durationUs), row.status, bar(row), note,
                ]
            }, alignRight: [1, 2])
        out += "\nTotal: \(timings.totalUs.map { NumberText.ms($0) + " ms" } ?? "unknown (the run did not record its end)")\n\n"
        return out
    }

    private static func partial(_ notes: [String]) -> String {
        var out = heading(6)
        guard !notes.isEmpty else { return out + "Nothing: every phase ran to completion.\n" }
        for note in notes { out += "- \(Markdown.inline(note))\n" }
        return out
    }
}
