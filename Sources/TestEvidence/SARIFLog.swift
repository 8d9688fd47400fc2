/// The subset of SARIF 2.1.0 that code-scanning UIs read: a tool with its rules, and results
/// with a location, a message and optional fixes. Field names follow the specification.
public struct SARIFLog: Codable, Sendable, Equatable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    public var schema: String
    public var version: String
    public var runs: [Run]

    enum CodingKeys: String, CodingKey {
        case schema = "$schema"
        case version, runs
    }

    public init(runs: [Run]) {
        self.schema = Self.schemaURI
        self.version = "2.1.0"
        self.runs = runs
    }

    public struct Run: Codable, Sendable, Equatable {
        public var tool: Tool
        public var originalUriBaseIds: [String: ArtifactLocation]?
        public var results: [Result]
    }

    public struct Tool: Codable, Sendable, Equatable {
        public var driver: Driver
    }

    public struct Driver: Codable, Sendable, Equatable {
        public var name: String
        public var version: String?
        public var informationUri: String?
        public var rules: [Rule]
    }

    public struct Rule: Codable, Sendable, Equatable {
        public var id: String
        public var name: String?
        public var shortDescription: Message?
        public var fullDescription: Message?
        public var help: Message?
    }

    public struct Message: Codable, Sendable, Equatable {
        public var text: String
    }

    public struct Result: Codable, Sendable, Equatable {
        public var ruleId: String
        public var ruleIndex: Int?
        /// `error`, `warning` or `note`.
        public var level: String?
        public var message: Message
        public var locations: [Location]
        public var fixes: [Fix]?
        public var properties: [String: String]?
    }

    public struct Location: Codable, Sendable, Equatable {
        public var physicalLocation: PhysicalLocation
    }

    public struct PhysicalLocation: Codable, Sendable, Equatable {
        public var artifactLocation: ArtifactLocation
        public var region: Region?
    }

    public struct ArtifactLocation: Codable, Sendable, Equatable {
        public var uri: String
        public var uriBaseId: String?
    }

    /// 1-based lines and columns (columns in characters, SARIF's default `utf16CodeUnits` aside:
    /// our sources are Python, where the two agree outside the astral planes).
    public struct Region: Codable, Sendable, Equatable {
        public var startLine: Int
        public var startColumn: Int?
        public var endLine: Int?
        public var endColumn: Int?
    }

    public struct Fix: Codable, Sendable, Equatable {
        public var description: Message?
        public var artifactChanges: [ArtifactChange]
    }

    public struct ArtifactChange: Codable, Sendable, Equatable {
        public var artifactLocation: ArtifactLocation
        public var replacements: [Replacement]
    }

    public struct Replacement: Codable, Sendable, Equatable {
        public var deletedRegion: Region
        public var insertedContent: ArtifactContent?
    }

    public struct ArtifactContent: Codable, Sendable, Equatable {
        public var text: String
    }
}
