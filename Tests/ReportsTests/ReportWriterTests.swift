import Artifacts
import Foundation
import Testing

@testable import Reports

@Suite struct ReportWriterTests {
    /// The Markdown of the fixture run, or the failure that stopped it.
    private func markdown(_ fixture: RunFolderFixture) throws -> String {
        try fixture.withFolder { folder in
            let url = try ReportWriter.write(runFolder: folder, format: .md)
            #expect(url.lastPathComponent == "chaos-test-report.md")
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    @Test func everySectionIsPresentInOrder() throws {
        let text = try markdown(.make())
        var previous = text.startIndex
        for title in MarkdownRenderer.sectionTitles {
            let range = try #require(text.range(of: "\n## \(title)\n"), "section \(title) is missing")
            #expect(range.lowerBound >= previous, "section \(title) is out of order")
            previous = range.lowerBound
        }
    }

    @Test func emptySectionsSayWhy() throws {
        var fixture = RunFolderFixture.make()
        fixture.config = nil
        fixture.proposals = nil
        fixture.patterns = FailurePatterns(endpoints: [:], points: [:], tracebacks: [], patterns: [])
        fixture.run.phases = []
        fixture.run.partial = []
        let text = try markdown(fixture)
        for title in MarkdownRenderer.sectionTitles { #expect(text.contains("\n## \(title)\n")) }
        #expect(text.contains("None: the run folder has no chaos-config.json"))
        #expect(text.contains("None: no fix was proposed."))
        #expect(text.contains("None: no pattern was measured."))
        #expect(text.contains("None: run.json records no phases."))
        #expect(text.contains("fix-proposals.json is absent"))
    }

    @Test func topThreeAreBySeverityThenMeasuredThenImpact() throws {
        let report = try RunFolderFixture.make().withFolder { try ReportWriter.report(runFolder: $0) }
        #expect(
            report.summary.topIssues.map(\.pattern) == [
                "unhandled-dependency-error-1", "missing-timeout-1", "no-timeout-1",
            ])
        #expect(report.summary.topIssues.map(\.location) == ["app/main.py:12", "app/main.py:12", "app/main.py:34"])
        let text = try markdown(.make())
        let summary = try #require(text.components(separatedBy: "## Chaos Configuration").first)
        #expect(summary.contains("1. **httpx.ConnectError surfaces as 500 | quote** (critical, impact 0.300, measured) at `app/main.py:12`"))
        #expect(!summary.contains("HTTP client created per request"))
    }

    @Test func verdictComesFromTheSLOInRunOptions() throws {
        var fixture = RunFolderFixture.make()
        let breached = try fixture.withFolder { try ReportWriter.report(runFolder: $0) }.summary.verdict
        #expect(breached.outcome == .breached)
        #expect(breached.maxP99Us == 500_000)

        fixture.run.options = ["max_error_rate": .double(0.5), "max_p99": .int(5)]
        #expect(try fixture.withFolder { try ReportWriter.report(runFolder: $0) }.summary.verdict.outcome == .met)

        fixture.run.options = [:]
        let plain = try fixture.withFolder { try ReportWriter.report(runFolder: $0) }.summary.verdict
        #expect(plain.outcome == .noSLO)
        #expect(plain.statement.contains("error rate") && plain.statement.contains("p99"))
    }

    @Test func partialNotesAreShown() throws {
        var fixture = RunFolderFixture.make()
        fixture.run.partial = ["load: deadline passed after 61 of 100 requests"]
        fixture.run.phases[2].status = "partial"
        fixture.run.phases[2].note = "deadline"
        fixture.load.meta.partial = true
        let text = try markdown(fixture)
        let section = try #require(text.components(separatedBy: "## What was partial or skipped\n").last)
        #expect(section.contains("- load: deadline passed after 61 of 100 requests"))
        #expect(section.contains("- phase load: partial (deadline)"))
        #expect(section.contains("- load-results.json: the load was interrupted"))
        #expect(section.contains("- analysis: 3 failed requests have no traceback in logs/app.log"))
        #expect(section.contains("- proposal fix-3: fixes/003-reuse-client.patch is missing from the run folder"))
        #expect(!section.contains("Nothing"))
    }

    @Test func proposalsAreRankedWithTheirDiffInlined() throws {
        let fixture = RunFolderFixture.make()
        let text = try markdown(fixture)
        let section = try #require(text.components(separatedBy: "## Fix Proposals\n").last?.components(separatedBy: "## Phase timings").first)
        let first = try #require(section.range(of: "### 1. Map httpx errors to 503"))
        let second = try #require(section.range(of: "### 2. Pass a timeout to the booking call"))
        #expect(first.lowerBound < second.lowerBound)
        let diff = try #require(fixture.extraFiles["fixes/001-handle-dependency-error.patch"])
        #expect(section.contains("```diff\n" + diff + "```\n"))
        #expect(section.contains("No diff: this change needs a person; the rationale says what to do."))
        #expect(section.contains("No diff: fixes/003-reuse-client.patch is missing from the run folder."))
    }

    @Test func phaseTimingsShowTheParallelGroup() throws {
        let text = try markdown(.make())
        #expect(text.contains("| inject | 0.0 | 1200.0 | ok | `##......................` | ran in parallel with services |"))
        #expect(text.contains("| services | 100.0 | 800.0 | ok | `##......................` | ran in parallel with inject |"))
        #expect(text.contains("Total: 10000.0 ms"))
    }

    @Test func tableCellsAreEscaped() throws {
        #expect(Markdown.cell("a|b\nc") == "a\\|b<br>c")
        #expect(Markdown.code("x`y") == "``x`y``")
        let text = try markdown(.make())
        #expect(text.contains("connection refused \\| injected"))
    }

    @Test func numbersAreFormattedDeterministically() {
        #expect(NumberText.ms(1_250) == "1.3")
        #expect(NumberText.ms(999) == "1.0")
        #expect(NumberText.ms(0) == "0.0")
        #expect(NumberText.percent(0.12345) == "12.3%")
        #expect(NumberText.short(0.250) == "0.25")
        #expect(NumberText.short(2) == "2")
        #expect(NumberText.fixed(-0.04, decimals: 1) == "0.0")
        #expect(NumberText.fixed(-1.25, decimals: 1) == "-1.3")
    }

    @Test func aMissingFileIsNamed() throws {
        var fixture = RunFolderFixture.make()
        fixture.patterns = nil
        let error = try #require(throws: ReportError.self) {
            try fixture.withFolder { try ReportWriter.write(runFolder: $0, format: .md) }
        }
        #expect(error.kind == .input)
        #expect(error.message.contains("failure-patterns.json"))
    }

    @Test func jsonFormatHoldsTheSameReport() throws {
        try RunFolderFixture.make().withFolder { folder in
            let url = try ReportWriter.write(runFolder: folder, format: .json)
            #expect(url.lastPathComponent == "chaos-test-report.json")
            let decoded = try ArtifactJSON.decode(Report.self, from: Data(contentsOf: url))
            #expect(decoded == (try ReportWriter.report(runFolder: folder)))
            #expect(decoded.loadResults.requests == 80)
            #expect(decoded.fixProposals.first?.diff != nil)
        }
    }

    @Test func errorsByKindAreCountedFromRecords() throws {
        let report = try RunFolderFixture.make().withFolder { try ReportWriter.report(runFolder: $0) }
        let all = try #require(report.loadResults.errorKinds.first { $0.phase == "chaos" && $0.endpoint == "*" })
        #expect(all.counts == ["http_5xx": 5, "timeout": 4])
        #expect(!report.loadResults.errorKinds.contains { $0.phase == "baseline" })
    }
}
