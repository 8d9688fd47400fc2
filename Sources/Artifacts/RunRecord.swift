/// `run.json`: what a run was asked to do and what happened (CONTRACTS.md, "Folders").
public struct RunRecord: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var toolVersion: String
    /// The app folder, absolute.
    public var appRoot: String
    /// The app object's id (`module:attr`).
    public var appId: String
    /// The options the run used, as given (flags over chaos-test.yaml).
    public var options: [String: JSONValue]
    public var seed: Int
    /// SHA-256 of every file of the app the run touched, before it touched them.
    public var originalSha256: [String: String]
    public var phases: [PhaseTiming]
    /// What was cut short, and why (`"load: deadline passed after 61 of 100 requests"`).
    public var partial: [String]
    /// The exit status the run ended with (CONTRACTS.md exit codes).
    public var exitStatus: Int?
    public var startUnixNs: Int
    public var endUnixNs: Int?

    enum CodingKeys: String, CodingKey {
        case schema, options, seed, phases, partial
        case toolVersion = "tool_version"
        case appRoot = "app_root"
        case appId = "app_id"
        case originalSha256 = "original_sha256"
        case exitStatus = "exit_status"
        case startUnixNs = "start_unix_ns"
        case endUnixNs = "end_unix_ns"
    }

    public init(
        appRoot: String, appId: String, options: [String: JSONValue], seed: Int, startUnixNs: Int
    ) {
        self.schema = Self.schemaVersion
        self.toolVersion = ToolVersion.current
        self.appRoot = appRoot
        self.appId = appId
        self.options = options
        self.seed = seed
        self.originalSha256 = [:]
        self.phases = []
        self.partial = []
        self.exitStatus = nil
        self.startUnixNs = startUnixNs
        self.endUnixNs = nil
    }
}

/// One phase of a run and when it ran; phases with the same `group` ran side by side.
public struct PhaseTiming: Codable, Sendable, Equatable {
    public var name: String
    public var group: String?
    public var startUnixNs: Int
    public var endUnixNs: Int
    /// `ok`, `partial`, `failed` or `skipped`.
    public var status: String
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case name, group, status, note
        case startUnixNs = "start_unix_ns"
        case endUnixNs = "end_unix_ns"
    }

    public init(name: String, group: String? = nil, startUnixNs: Int, endUnixNs: Int, status: String, note: String? = nil) {
        self.name = name
        self.group = group
        self.startUnixNs = startUnixNs
        self.endUnixNs = endUnixNs
        self.status = status
        self.note = note
    }
}
