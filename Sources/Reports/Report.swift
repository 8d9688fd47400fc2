import Artifacts

/// The report's content as data: what `chaos-test-report.json` holds and what the Markdown is
/// rendered from, so the two formats cannot disagree. Durations are `_us`, as in every artifact.
public struct Report: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var toolVersion: String
    /// The app object's id (`module:attr`).
    public var app: String
    public var summary: Summary
    public var chaosConfiguration: ChaosConfiguration
    public var loadResults: LoadTestResults
    public var failurePatterns: FailurePatternsSection
    public var fixProposals: [ProposalEntry]
    public var phaseTimings: PhaseTimings
    /// What was cut short or skipped, and why; empty when the run was complete.
    public var partial: [String]
    public var charts: [ChartLink]
    /// Faults in injected services and the app endpoints they broke; nil when the run injected
    /// no service, and then the section is left out.
    public var crossServiceCascade: [CrossServiceCascade]? = nil
    /// The `--ramp` steps and the breaking point (ramp.json), when the run ramped.
    public var ramp: RampResult?
    /// `run --pytest`: the app's suite with chaos off and on (absent without the flag).
    public var testSuite: TestRunComparison? = nil
    /// `run --coverage`: what the load reached (absent without the flag).
    public var exercise: ExerciseReport? = nil
    /// Which routes the plan reached with a 2xx, and why not the others (failure-patterns.json).
    public var planCoverage: PlanCoverage? = nil

    enum CodingKeys: String, CodingKey {
        case schema, app, summary, partial, charts, ramp, exercise
        case planCoverage = "plan_coverage"
        case crossServiceCascade = "cross_service_cascade"
        case testSuite = "test_suite"
        case toolVersion = "tool_version"
        case chaosConfiguration = "chaos_configuration"
        case loadResults = "load_results"
        case failurePatterns = "failure_patterns"
        case fixProposals = "fix_proposals"
        case phaseTimings = "phase_timings"
    }

    /// The verdict and the issues to look at first.
    public struct Summary: Codable, Sendable, Equatable {
        public var verdict: Verdict
        /// At most three patterns: by severity, measured before static, then by impact.
        public var topIssues: [Issue]

        enum CodingKeys: String, CodingKey {
            case verdict
            case topIssues = "top_issues"
        }
    }

    /// Whether the chaos phase met the run's SLO, or, with no SLO, what it measured.
    public struct Verdict: Codable, Sendable, Equatable {
        public enum Outcome: String, Codable, Sendable {
            case met, breached
            /// No SLO was given: the verdict is a plain statement of the figures.
            case noSLO = "no-slo"
            /// No chaos-phase requests were recorded.
            case noData = "no-data"
        }

        public var outcome: Outcome
        /// The verdict as one sentence.
        public var statement: String
        public var errorRate: Double?
        public var p99Us: Int?
        public var maxErrorRate: Double?
        public var maxP99Us: Int?

        enum CodingKeys: String, CodingKey {
            case outcome, statement
            case errorRate = "error_rate"
            case p99Us = "p99_us"
            case maxErrorRate = "max_error_rate"
            case maxP99Us = "max_p99_us"
        }
    }

    /// One of the top issues, with where to look.
    public struct Issue: Codable, Sendable, Equatable {
        public var pattern: String
        public var title: String
        public var severity: Severity
        public var impact: Double
        public var evidenceKind: EvidenceKind
        /// `file:line` of the first location, or nil when the pattern has none.
        public var location: String?

        enum CodingKeys: String, CodingKey {
            case pattern, title, severity, impact, location
            case evidenceKind = "evidence_kind"
        }
    }

    /// What chaos was injected, from chaos-config.json.
    public struct ChaosConfiguration: Codable, Sendable, Equatable {
        /// Why the section is empty, when chaos-config.json is absent.
        public var absent: String?
        public var app: String?
        public var seed: UInt64?
        public var faults: [String]
        public var rate: Double?
        public var delayUs: [Int]
        public var status: Int?
        public var points: [PointRow]

        enum CodingKeys: String, CodingKey {
            case absent, app, seed, faults, rate, status, points
            case delayUs = "delay_us"
        }
    }

    /// One injection point.
    public struct PointRow: Codable, Sendable, Equatable {
        public var id: String
        public var short: String
        public var kind: String
        public var file: String
        public var line: Int
        public var function: String
        public var routes: [String]
        /// Times it fired in the chaos phase, from failure-patterns.json, when known.
        public var fired: Int?
        /// The injected service the point is in (`run --inject-services`); nil for the app's own.
        /// Its file is relative to the service's folder and its routes are the service's.
        public var service: String? = nil
    }

    /// What the load generator sent and measured.
    public struct LoadTestResults: Codable, Sendable, Equatable {
        public var target: String
        public var model: String
        public var plan: String
        public var interrupted: Bool
        public var generatorCpuUs: Int
        public var requests: Int
        public var phases: [PhaseFigures]
        /// Per endpoint key, baseline and chaos side by side.
        public var endpoints: [EndpointLatency]
        /// Error counts by kind per phase and endpoint, counted from the records; rows with no
        /// errors are left out.
        public var errorKinds: [ErrorKindRow]

        enum CodingKeys: String, CodingKey {
            case target, model, plan, interrupted, requests, phases, endpoints
            case generatorCpuUs = "generator_cpu_us"
            case errorKinds = "error_kinds"
        }
    }

    /// One phase, all endpoints together.
    public struct PhaseFigures: Codable, Sendable, Equatable {
        public var name: String
        public var requests: Int
        public var ok: Int
        public var errors: Int
        public var clientErrors: Int
        public var successRate: Double
        public var errorRate: Double
        public var p50Us: Int
        public var p95Us: Int
        public var p99Us: Int
        public var maxUs: Int

        enum CodingKeys: String, CodingKey {
            case name, requests, ok, errors
            case clientErrors = "client_errors"
            case successRate = "success_rate"
            case errorRate = "error_rate"
            case p50Us = "p50_us"
            case p95Us = "p95_us"
            case p99Us = "p99_us"
            case maxUs = "max_us"
        }
    }

    /// One endpoint in the baseline and the chaos phase.
    public struct EndpointLatency: Codable, Sendable, Equatable {
        public var endpoint: String
        public var baseline: PhaseFigures?
        public var chaos: PhaseFigures?
    }

    public struct ErrorKindRow: Codable, Sendable, Equatable {
        public var phase: String
        public var endpoint: String
        /// `LoadErrorKind` raw value → count.
        public var counts: [String: Int]
    }

    /// Measured patterns, static findings and grouped tracebacks.
    public struct FailurePatternsSection: Codable, Sendable, Equatable {
        public var measured: [Pattern]
        public var `static`: [Pattern]
        public var tracebacks: [TracebackGroup]
    }

    /// A fix proposal in rank order, with its diff when the run folder holds it.
    public struct ProposalEntry: Codable, Sendable, Equatable {
        public var proposal: FixProposal
        public var diff: String?
        /// Why there is no diff, when there is none.
        public var diffNote: String?

        enum CodingKeys: String, CodingKey {
            case proposal, diff
            case diffNote = "diff_note"
        }
    }

    /// When each phase of the run ran, relative to the run's start.
    public struct PhaseTimings: Codable, Sendable, Equatable {
        public var phases: [PhaseRow]
        public var totalUs: Int?

        enum CodingKeys: String, CodingKey {
            case phases
            case totalUs = "total_us"
        }
    }

    public struct PhaseRow: Codable, Sendable, Equatable {
        public var name: String
        public var group: String?
        public var startOffsetUs: Int
        public var durationUs: Int
        public var status: String
        public var note: String?
        /// The other phases of the same group, which ran side by side with this one.
        public var parallelWith: [String]

        enum CodingKeys: String, CodingKey {
            case name, group, status, note
            case startOffsetUs = "start_offset_us"
            case durationUs = "duration_us"
            case parallelWith = "parallel_with"
        }
    }

    /// A chart written beside the report, with a path relative to the run folder.
    public struct ChartLink: Codable, Sendable, Equatable {
        public var title: String
        public var path: String
        /// What the chart draws, in a sentence.
        public var caption: String
    }
}
