import Analysis
import Artifacts
import Foundation

/// `chaos-test compare <old-run> <new-run>`: the same chaos, before and after a change.
///
/// Each side's figures come from its failure-patterns.json (the chaos phase, per endpoint and
/// `*` overall). A change counts only beyond noise, which takes two things:
/// - it is larger than the tolerances (error rate in points; p99 relative and absolute);
/// - it is significant, with the family of all endpoint tests held at `alpha` (Holm). Error
///   rates use McNemar's exact test on the requests the runs share an id for (one seed gives the
///   same logical request the same faults), or the two-proportion test when they share too few;
///   p99 uses Fisher's exact test on the share of requests slower than the pooled p99.
/// The tests read each run's load-results.json; without it, a note says what was not tested.
public struct RunComparison: Codable, Sendable, Equatable {
    public enum Direction: String, Codable, Sendable { case better, worse, unchanged }
    public enum Verdict: String, Codable, Sendable { case better, worse, mixed, unchanged }

    public struct Thresholds: Codable, Sendable, Equatable {
        /// Absolute error-rate change that counts (0.02 = 2 percentage points).
        public var errorRate: Double
        /// Relative p99 change that counts (0.25 = 25%).
        public var p99Relative: Double
        /// Absolute p99 change that counts, in microseconds.
        public var p99AbsoluteUs: Int

        /// The family-wise significance level of all the tests of one comparison.
        public var alpha: Double

        public init(errorRate: Double = 0.02, p99Relative: Double = 0.25, p99AbsoluteUs: Int = 50_000, alpha: Double = 0.05) {
            self.errorRate = errorRate
            self.p99Relative = p99Relative
            self.p99AbsoluteUs = p99AbsoluteUs
            self.alpha = alpha
        }

        enum CodingKeys: String, CodingKey {
            case errorRate = "error_rate"
            case p99Relative = "p99_relative"
            case p99AbsoluteUs = "p99_absolute_us"
            case alpha
        }
    }

    public struct EndpointChange: Codable, Sendable, Equatable {
        public var endpoint: String
        public var requestsBefore: Int
        public var requestsAfter: Int
        public var errorRateBefore: Double
        public var errorRateAfter: Double
        public var p95BeforeUs: Int
        public var p95AfterUs: Int
        public var p99BeforeUs: Int
        public var p99AfterUs: Int
        public var errorRate: Direction
        public var p99: Direction
        /// The p-values of the error-rate and tail tests, before Holm's correction; nil when not tested.
        public var errorRateP: Double?
        public var p99P: Double?
        /// The requests matched by id across the runs, when the error-rate test was paired.
        public var pairs: Int?

        enum CodingKeys: String, CodingKey {
            case errorRateP = "error_rate_p"
            case p99P = "p99_p"
            case pairs
            case endpoint
            case requestsBefore = "requests_before"
            case requestsAfter = "requests_after"
            case errorRateBefore = "error_rate_before"
            case errorRateAfter = "error_rate_after"
            case p95BeforeUs = "p95_before_us"
            case p95AfterUs = "p95_after_us"
            case p99BeforeUs = "p99_before_us"
            case p99AfterUs = "p99_after_us"
            case errorRate = "error_rate"
            case p99
        }
    }

    /// A pattern by what it is, not where: a fix moves lines, so the same weakness in the fixed
    /// source sits at another line. Titles name the callee and function.
    public struct PatternRef: Codable, Sendable, Equatable, Hashable {
        public var kind: String
        public var title: String
        public var location: String

        public static func == (a: PatternRef, b: PatternRef) -> Bool { a.kind == b.kind && a.title == b.title }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(kind)
            hasher.combine(title)
        }
    }

    public var schema: Int = 1
    public var old: String
    public var new: String
    public var thresholds: Thresholds
    public var overall: EndpointChange?
    public var endpoints: [EndpointChange]
    public var disappeared: [PatternRef]
    public var appeared: [PatternRef]
    public var verdict: Verdict
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case schema, old, new, thresholds, overall, endpoints, disappeared, appeared, verdict, notes
    }

    /// True when anything got worse beyond noise: the exit status is 1 then.
    public var regressed: Bool { verdict == .worse || verdict == .mixed }

    public static func compare(old: URL, new: URL, thresholds: Thresholds = Thresholds()) throws(ComparisonError) -> RunComparison {
        let before = try load(old)
        let after = try load(new)
        var notes: [String] = []
        var paired = true
        if let a = before.run, let b = after.run, a.seed != b.seed {
            notes.append("the runs used different seeds (\(a.seed) and \(b.seed)), so their faults differ; compare runs with one seed.")
            paired = false
        }
        let samples = (try ChaosSample.load(old), try ChaosSample.load(new))
        if samples.0 == nil || samples.1 == nil {
            let missing = [samples.0 == nil ? old : nil, samples.1 == nil ? new : nil].compactMap { $0?.path }
            notes.append(
                "\(missing.joined(separator: " and ")) has no load-results.json: error rates were tested on the summary counts, "
                    + "and p99 was not tested.")
        }

        var changes: [EndpointChange] = []
        for key in Set(before.patterns.endpoints.keys).union(after.patterns.endpoints.keys).sorted() {
            guard let x = before.patterns.endpoints[key]?.chaos, let y = after.patterns.endpoints[key]?.chaos else {
                notes.append("\(key) ran in only one of the runs; it is left out.")
                continue
            }
            var change = EndpointChange(
                endpoint: key, requestsBefore: x.requests, requestsAfter: y.requests, errorRateBefore: x.errorRate,
                errorRateAfter: y.errorRate, p95BeforeUs: x.p95Us, p95AfterUs: y.p95Us, p99BeforeUs: x.p99Us,
                p99AfterUs: y.p99Us, errorRate: .unchanged, p99: .unchanged)
            if let a = samples.0?.endpoints[key], let b = samples.1?.endpoints[key] {
                let test = ChaosSample.errorRateTest(a, b, paired: paired)
                change.errorRateP = test.p
                change.pairs = test.pairs
                change.p99P = ChaosSample.tailTest(a, b)
            } else if x.requests > 0, y.requests > 0 {
                let failures = { (f: EndpointFigures) in Int((f.errorRate * Double(f.requests)).rounded()) }
                change.errorRateP = Significance.twoProportions(failures(x), x.requests, failures(y), y.requests)
            }
            changes.append(change)
        }
        judge(&changes, thresholds)
        if let pairs = changes.first(where: { $0.endpoint == EndpointSummary.overallKey })?.pairs {
            notes.append("error rates were tested on \(pairs) requests matched by id across the runs (McNemar).")
        }

        let a = Set(before.patterns.patterns.filter { $0.evidenceKind == .measured }.map(ref))
        let b = Set(after.patterns.patterns.filter { $0.evidenceKind == .measured }.map(ref))
        let disappeared = a.subtracting(b).sorted { ($0.kind, $0.location) < ($1.kind, $1.location) }
        let appeared = b.subtracting(a).sorted { ($0.kind, $0.location) < ($1.kind, $1.location) }
        let worse = changes.contains { $0.errorRate == .worse || $0.p99 == .worse }
        let better = changes.contains { $0.errorRate == .better || $0.p99 == .better }
        let verdict: Verdict = worse && better ? .mixed : worse ? .worse : better ? .better : .unchanged
        return RunComparison(
            old: old.path, new: new.path, thresholds: thresholds,
            overall: changes.first { $0.endpoint == EndpointSummary.overallKey },
            endpoints: changes.filter { $0.endpoint != EndpointSummary.overallKey },
            disappeared: disappeared, appeared: appeared, verdict: verdict, notes: notes)
    }

    /// Sets each change's directions: beyond the tolerances, and significant after Holm's
    /// correction over every test of the comparison.
    static func judge(_ changes: inout [EndpointChange], _ t: Thresholds) {
        var tests: [(index: Int, isP99: Bool, p: Double)] = []
        for (index, change) in changes.enumerated() {
            if let p = change.errorRateP { tests.append((index, false, p)) }
            if let p = change.p99P { tests.append((index, true, p)) }
        }
        let significant = Significance.holm(tests.map(\.p), alpha: t.alpha)
        for (test, passed) in zip(tests, significant) where passed {
            let change = changes[test.index]
            if test.isP99 {
                changes[test.index].p99 = p99Direction(change.p99BeforeUs, change.p99AfterUs, t)
            } else {
                let delta = change.errorRateAfter - change.errorRateBefore
                changes[test.index].errorRate = abs(delta) > t.errorRate ? (delta < 0 ? .better : .worse) : .unchanged
            }
        }
    }

    static func p99Direction(_ before: Int, _ after: Int, _ t: Thresholds) -> Direction {
        let delta = after - before
        guard abs(delta) > t.p99AbsoluteUs, Double(abs(delta)) > Double(max(before, 1)) * t.p99Relative else {
            return .unchanged
        }
        return delta < 0 ? .better : .worse
    }

    static func ref(_ pattern: Pattern) -> PatternRef {
        let location = pattern.locations.first.map { "\($0.file):\($0.line)" } ?? ""
        return PatternRef(kind: pattern.kind.rawValue, title: pattern.title, location: location)
    }

    struct Side {
        var patterns: FailurePatterns
        var run: RunRecord?
    }

    static func load(_ folder: URL) throws(ComparisonError) -> Side {
        let url = folder.appendingPathComponent("failure-patterns.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ComparisonError(
                "\(url.path) is missing; compare needs two run folders that `chaos-test run` (or analyze) wrote.")
        }
        let patterns: FailurePatterns
        do { patterns = try ArtifactJSON.decode(FailurePatterns.self, from: data) } catch {
            throw ComparisonError("\(url.path) is not a valid failure-patterns.json: \(error). Run `chaos-test analyze` on it again.")
        }
        let run = FileManager.default.contents(atPath: folder.appendingPathComponent("run.json").path).flatMap {
            try? ArtifactJSON.decode(RunRecord.self, from: $0)
        }
        return Side(patterns: patterns, run: run)
    }
}

public struct ComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
