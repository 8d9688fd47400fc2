/// `pytest.json` (`run --pytest`): the app's own test suite run with chaos off and with chaos
/// on, and the tests that failed only under chaos with the faults that fired while they ran.
public struct TestRunComparison: Codable, Sendable, Equatable {
    public static let schemaVersion = 1
    public static let fileName = "pytest.json"

    public var schema: Int
    public var command: [String]
    public var baseline: Side
    public var chaos: Side
    public var chaosOnlyFailures: [Failure]

    enum CodingKeys: String, CodingKey {
        case schema, command, baseline, chaos
        case chaosOnlyFailures = "chaos_only_failures"
    }

    public init(command: [String], baseline: Side, chaos: Side, chaosOnlyFailures: [Failure]) {
        self.schema = Self.schemaVersion
        self.command = command
        self.baseline = baseline
        self.chaos = chaos
        self.chaosOnlyFailures = chaosOnlyFailures
    }

    /// One pytest run.
    public struct Side: Codable, Sendable, Equatable {
        /// The JUnit file, relative to the run folder.
        public var junit: String
        public var exitStatus: Int
        public var tests: Int
        public var failed: Int
        public var skipped: Int

        enum CodingKeys: String, CodingKey {
            case junit, tests, failed, skipped
            case exitStatus = "exit_status"
        }

        public init(junit: String, exitStatus: Int, tests: Int, failed: Int, skipped: Int) {
            self.junit = junit
            self.exitStatus = exitStatus
            self.tests = tests
            self.failed = failed
            self.skipped = skipped
        }
    }

    public struct Failure: Codable, Sendable, Equatable {
        /// The pytest node id, `tests/test_api.py::test_booking_lifecycle`.
        public var test: String
        public var message: String
        /// Point ids that fired during the test, most frequent first.
        public var points: [String]
        /// `point fault exception` per fired fault, in order.
        public var faults: [String]

        public init(test: String, message: String, points: [String], faults: [String]) {
            self.test = test
            self.message = message
            self.points = points
            self.faults = faults
        }
    }
}
