import Foundation
import Monitor

/// What `chaos-test run` was asked to do, from its flags. Nil means "not given": the
/// experiment file, then the defaults, decide.
public struct RunOptions: Sendable {
    public var appRoot: URL
    public var app: String?
    public var serve: String?
    public var python: String?
    public var health: String?
    public var services: [ServiceSpec] = []
    public var startupTimeout: Double = 30
    public var plan: String?
    public var faultRate: Double?
    public var faults: String?
    public var delay: String?
    public var routes: String?
    public var seed: UInt64 = 1
    public var rps: Double?
    public var concurrency: Int?
    public var duration: Double?
    public var timeout: Double = 10
    public var deadline: Double = 60
    public var minRequests: Int?
    public var out: URL?
    public var keepChaos = false
    public var maxErrorRate: Double?
    public var maxP99: Double?
    /// Re-run the same chaos on a scratch copy with each of the top N proposals applied.
    public var verifyFixes = 0
    /// Verifications run side by side; nil for one per four cores.
    public var verifyJobs: Int?
    /// Inject chaos into every service folder too (see RunPipeline+Services.swift).
    public var injectServices = false
    /// `--pause-service NAME:AFTER:FOR`: outages of the services during the chaos phase.
    public var pauses: [ServicePause] = []

    // Issue 8, ramp: after the chaos phase, hold the load at each of these fault rates in turn.
    public var ramp: [Double]?
    /// Seconds the load is held at each ramp rate.
    public var rampStepSeconds: Double = RunOptions.defaultRampStepSeconds
    public static let defaultRampStepSeconds = 5.0
    // Issue 8, monitor: where the live monitor writes during the load; nil for none.
    public var monitor: LiveMonitor.Output?
    // MARK: CI integration (issue 7): test evidence in, JUnit/SARIF out.
    /// Write the SLO checks as JUnit XML here at the end of the run.
    public var junit: URL?
    /// Write the fix proposals and static findings as SARIF 2.1.0 here.
    public var sarif: URL?
    /// Run the app's pytest suite with chaos off and on, and report the tests that fail only under chaos.
    public var pytest = false
    /// Run the app under coverage.py during the load and report what the load never reached.
    public var coverage = false

    public init(appRoot: URL) {
        self.appRoot = appRoot
    }
}
