/// `.chaos-test/fixes.json`: the fixes now applied to an app, newest last, each with its patch
/// and the bytes of every file before and after it, so `revert-fix` restores them byte for byte.
public struct AppliedFixes: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var fixes: [AppliedFix]

    public init(fixes: [AppliedFix] = []) {
        self.schema = Self.schemaVersion
        self.fixes = fixes
    }
}

public struct AppliedFix: Codable, Sendable, Equatable {
    public var id: String
    public var recipe: String
    public var title: String
    /// The run folder the proposal came from.
    public var run: String
    /// The proposal's unified diff, as reviewed.
    public var patch: String
    public var appliedUnixNs: Int
    public var files: [File]

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256Before: String
        public var sha256After: String
        /// Base64 of the whole file before and after the fix.
        public var before: String
        public var after: String

        enum CodingKeys: String, CodingKey {
            case path, before, after
            case sha256Before = "sha256_before"
            case sha256After = "sha256_after"
        }

        public init(path: String, sha256Before: String, sha256After: String, before: String, after: String) {
            self.path = path
            self.sha256Before = sha256Before
            self.sha256After = sha256After
            self.before = before
            self.after = after
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, recipe, title, run, patch, files
        case appliedUnixNs = "applied_unix_ns"
    }

    public init(id: String, recipe: String, title: String, run: String, patch: String, appliedUnixNs: Int, files: [File]) {
        self.id = id
        self.recipe = recipe
        self.title = title
        self.run = run
        self.patch = patch
        self.appliedUnixNs = appliedUnixNs
        self.files = files
    }
}
