import Artifacts
import Foundation

/// `chaos-test analyze`: reads a run folder and says what broke, where, and why.
///
/// The stages are plain: load the folder, join the chaos events to the load records by request
/// id, read the tracebacks in the logs, compute per-endpoint and per-point figures, run each
/// detector, add the static findings of the scan, and rank everything.
public enum Analyzer {
    public static let outputFile = "failure-patterns.json"

    /// Analyzes the run in `runFolder` without writing anything.
    public static func analyze(runFolder: URL, thresholds: AnalysisThresholds = AnalysisThresholds()) throws
        -> FailurePatterns
    {
        let folder = try RunFolder(url: runFolder)
        var notes = folder.notes
        let mapper = SourceMapper(appRoot: folder.run?.appRoot, config: folder.config, scan: folder.scan)
        let tracebacks = ResolvedTraceback.resolve(logs: folder.logs, mapper: mapper)
        let context = AnalysisContext(
            requests: folder.requests, events: folder.events, config: folder.config, scan: folder.scan,
            tracebacks: tracebacks, thresholds: thresholds)

        let unmatched = context.firings.filter { $0.request == nil }.count
        if unmatched > 0 {
            notes.append("\(unmatched) of \(context.firings.count) fault events name no request of load-results.json")
        }
        if context.baselinePhase == nil {
            notes.append("there is no baseline phase: typical latencies come from the unfaulted requests")
        }

        let blockingWindows = EventLoopBlockingDetector.windows(context)
        let indirect = UnattributedErrorsDetector.indirectCount(context, blockingWindows: blockingWindows)
        if indirect > 0 {
            notes.append(
                "\(indirect) errors with no fault of their own came during a blocking window or right after a faulted "
                    + "request failed (a connection the server closed); they are not counted as bugs")
        }
        var findings: [Finding] = []
        findings += UnhandledDependencyErrorDetector.detect(context)
        findings += NoTimeoutDetector.detect(context, notes: &notes)
        findings += EventLoopBlockingDetector.detect(context)
        findings += ThreadPoolExhaustionDetector.detect(context)
        findings += UnattributedErrorsDetector.detect(context, blockingWindows: blockingWindows)
        findings += FailureBurstDetector.detect(context, blockingWindows: blockingWindows)
        findings += ResetAfterErrorDetector.detect(context)
        findings += CascadeDetector.detect(context)
        findings += StaticFindings.detect(context)

        return FailurePatterns(
            endpoints: EndpointStatistics.compute(context.requests),
            points: FaultAttribution.pointEffects(context),
            tracebacks: ResolvedTraceback.groups(tracebacks),
            patterns: Reproducers.attach(
                to: PatternRanking.rank(findings), context: context, exemplars: folder.load.exemplars ?? [:],
                target: folder.load.meta.target, appRoot: folder.run?.appRoot, config: folder.config)
                + (folder.testSuite.map {
                    TestSuitePatterns.patterns($0.chaosOnlyFailures, config: folder.config, suiteSize: $0.chaos.tests)
                } ?? []),
            notes: notes,
            attribution: FaultAttribution.summary(context),
            crossServiceCascades: CascadeAnalysis.cascades(context, services: folder.services),
            planCoverage: PlanCoverageAnalysis.coverage(context, app: folder.config.app))
    }

    /// Analyzes the run and writes `failure-patterns.json` into its folder; returns what it wrote.
    @discardableResult
    public static func write(runFolder: URL, thresholds: AnalysisThresholds = AnalysisThresholds()) throws
        -> FailurePatterns
    {
        let patterns = try analyze(runFolder: runFolder, thresholds: thresholds)
        let output = runFolder.appendingPathComponent(outputFile)
        do {
            try ArtifactJSON.encode(patterns).write(to: output, options: .atomic)
        } catch {
            throw AnalysisError.cannotWrite(output, error)
        }
        return patterns
    }
}
