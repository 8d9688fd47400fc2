/// A JUnit XML report as CI runners write it (pytest `--junitxml`, surefire, jest-junit, go-junit-report):
/// suites of test cases, each passed, failed, errored or skipped.
public struct JUnitReport: Sendable, Equatable {
    public var name: String?
    public var suites: [JUnitSuite]

    public init(name: String? = nil, suites: [JUnitSuite]) {
        self.name = name
        self.suites = suites
    }

    /// Every test case of every suite, in document order.
    public var cases: [JUnitCase] { suites.flatMap(\.cases) }
}

public struct JUnitSuite: Sendable, Equatable {
    public var name: String
    /// Counts as the file declares them (nil when absent); `cases` holds what is really there.
    public var declaredTests: Int?
    public var declaredFailures: Int?
    public var declaredErrors: Int?
    public var declaredSkipped: Int?
    public var timeSeconds: Double?
    public var timestamp: String?
    public var hostname: String?
    public var properties: [JUnitProperty]
    public var cases: [JUnitCase]
    public var systemOut: String?
    public var systemErr: String?

    public init(
        name: String, declaredTests: Int? = nil, declaredFailures: Int? = nil, declaredErrors: Int? = nil,
        declaredSkipped: Int? = nil, timeSeconds: Double? = nil, timestamp: String? = nil, hostname: String? = nil,
        properties: [JUnitProperty] = [], cases: [JUnitCase] = [], systemOut: String? = nil, systemErr: String? = nil
    ) {
        self.name = name
        self.declaredTests = declaredTests
        self.declaredFailures = declaredFailures
        self.declaredErrors = declaredErrors
        self.declaredSkipped = declaredSkipped
        self.timeSeconds = timeSeconds
        self.timestamp = timestamp
        self.hostname = hostname
        self.properties = properties
        self.cases = cases
        self.systemOut = systemOut
        self.systemErr = systemErr
    }
}

public struct JUnitProperty: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct JUnitCase: Sendable, Equatable {
    public var name: String
    /// pytest: the dotted module path and class, `tests.test_api.TestBookings`.
    public var className: String?
    public var file: String?
    public var line: Int?
    public var timeSeconds: Double?
    public var outcome: JUnitOutcome
    public var properties: [JUnitProperty]
    public var systemOut: String?
    public var systemErr: String?

    public init(
        name: String, className: String? = nil, file: String? = nil, line: Int? = nil, timeSeconds: Double? = nil,
        outcome: JUnitOutcome = .passed, properties: [JUnitProperty] = [], systemOut: String? = nil, systemErr: String? = nil
    ) {
        self.name = name
        self.className = className
        self.file = file
        self.line = line
        self.timeSeconds = timeSeconds
        self.outcome = outcome
        self.properties = properties
        self.systemOut = systemOut
        self.systemErr = systemErr
    }

    /// `classname::name` (or the name alone): how a test is matched between two runs.
    public var identifier: String { className.map { "\($0)::\(name)" } ?? name }
}

public enum JUnitOutcome: Sendable, Equatable {
    case passed
    case failed(JUnitProblem)
    /// The test could not run to its assertions (an exception in the test or a fixture).
    case error(JUnitProblem)
    case skipped(message: String?)

    /// Failed or errored.
    public var isProblem: Bool {
        switch self {
        case .failed, .error: true
        case .passed, .skipped: false
        }
    }
}

/// A `<failure>` or `<error>`: its attributes and the text (usually a traceback).
public struct JUnitProblem: Sendable, Equatable {
    public var message: String?
    public var type: String?
    public var text: String

    public init(message: String?, type: String?, text: String) {
        self.message = message
        self.type = type
        self.text = text
    }
}
