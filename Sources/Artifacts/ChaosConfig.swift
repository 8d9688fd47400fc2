/// `.chaos-test/chaos-config.json`: what inject changed, so revert, run and analyze can rely on it
/// (CONTRACTS.md, "chaos-config.json"). Points and files are sorted, so the file is byte-stable.
public struct ChaosConfig: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var toolVersion: String
    /// The app object's id (`module:attr`).
    public var app: String
    public var seed: UInt64
    public var defaults: FaultDefaults
    public var points: [Point]
    public var files: [File]

    enum CodingKeys: String, CodingKey {
        case schema, app, seed, defaults, points, files
        case toolVersion = "tool_version"
    }

    public init(app: String, seed: UInt64, defaults: FaultDefaults, points: [Point], files: [File]) {
        self.schema = Self.schemaVersion
        self.toolVersion = ToolVersion.current
        self.app = app
        self.seed = seed
        self.defaults = defaults
        self.points = points
        self.files = files
    }

    /// The fault options inject was given.
    public struct FaultDefaults: Codable, Sendable, Equatable {
        public var rate: Double
        public var delayUs: [Int]
        public var faults: [FaultKind]
        /// The HTTP status of `status` faults.
        public var status: Int

        enum CodingKeys: String, CodingKey {
            case rate, faults, status
            case delayUs = "delay_us"
        }

        public init(rate: Double, delayUs: [Int], faults: [FaultKind], status: Int) {
            self.rate = rate
            self.delayUs = delayUs
            self.faults = faults
            self.status = status
        }
    }

    public enum PointKind: String, Codable, Sendable { case handler, dependency }

    /// One hook.
    public struct Point: Codable, Sendable, Equatable {
        public var id: String
        /// The first 8 hex digits of the id's SHA-256, as in the hook's `# chaos-test:` comment.
        public var short: String
        public var kind: PointKind
        /// Endpoint keys this point affects.
        public var routes: [String]
        public var file: String
        /// The line of the original source the point belongs to (the `def`, or the call).
        public var line: Int
        public var function: String
        public var fault: FaultProfile
        /// The patch file, relative to `.chaos-test/`.
        public var patch: String
        /// The lines the hook occupies in the injected file.
        public var insertedLines: [Int]

        enum CodingKeys: String, CodingKey {
            case id, short, kind, routes, file, line, function, fault, patch
            case insertedLines = "inserted_lines"
        }

        public init(
            id: String, short: String, kind: PointKind, routes: [String], file: String, line: Int,
            function: String, fault: FaultProfile, patch: String, insertedLines: [Int]
        ) {
            self.id = id
            self.short = short
            self.kind = kind
            self.routes = routes
            self.file = file
            self.line = line
            self.function = function
            self.fault = fault
            self.patch = patch
            self.insertedLines = insertedLines
        }
    }

    /// What a point can do when it fires.
    public struct FaultProfile: Codable, Sendable, Equatable {
        public var faults: [FaultKind]
        /// For dependency points: the library whose exceptions it raises (`httpx`, `sqlite3`...).
        public var library: String?
        /// For dependency points: the callee as written.
        public var callee: String?

        public init(faults: [FaultKind], library: String? = nil, callee: String? = nil) {
            self.faults = faults
            self.library = library
            self.callee = callee
        }
    }

    /// One file inject wrote. `sha256_before` is null for a file inject created (the runtime).
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256Before: String?
        public var sha256After: String
        /// Permission bits, octal as a string (`"0644"`).
        public var mode: String
        /// The patch file, relative to `.chaos-test/`.
        public var patch: String
        /// SHA-256 of the patch file, so a tampered patch is refused.
        public var patchSha256: String
        /// Every line inject added to this file (hooks and the middleware line), 1-based in the
        /// injected file; `originalLine(ofInjected:)` maps traceback lines back through it.
        public var insertedLines: [Int]

        enum CodingKeys: String, CodingKey {
            case path, mode, patch
            case sha256Before = "sha256_before"
            case sha256After = "sha256_after"
            case patchSha256 = "patch_sha256"
            case insertedLines = "inserted_lines"
        }

        /// The line of the original source that line `injected` of the injected file is, or nil
        /// when inject added that line.
        public func originalLine(ofInjected injected: Int) -> Int? {
            if insertedLines.contains(injected) { return nil }
            return injected - insertedLines.filter { $0 < injected }.count
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            sha256Before = try container.decodeIfPresent(String.self, forKey: .sha256Before)
            sha256After = try container.decode(String.self, forKey: .sha256After)
            mode = try container.decode(String.self, forKey: .mode)
            patch = try container.decode(String.self, forKey: .patch)
            patchSha256 = try container.decode(String.self, forKey: .patchSha256)
            insertedLines = try container.decodeIfPresent([Int].self, forKey: .insertedLines) ?? []
        }

        /// `sha256_before` is written as null for a created file, as CONTRACTS.md shows it.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(sha256Before, forKey: .sha256Before)
            try container.encode(sha256After, forKey: .sha256After)
            try container.encode(mode, forKey: .mode)
            try container.encode(patch, forKey: .patch)
            try container.encode(patchSha256, forKey: .patchSha256)
            try container.encode(insertedLines, forKey: .insertedLines)
        }

        public init(
            path: String, sha256Before: String?, sha256After: String, mode: String, patch: String, patchSha256: String,
            insertedLines: [Int] = []
        ) {
            self.insertedLines = insertedLines
            self.path = path
            self.sha256Before = sha256Before
            self.sha256After = sha256After
            self.mode = mode
            self.patch = patch
            self.patchSha256 = patchSha256
        }
    }
}

/// The faults a hook can fire.
public enum FaultKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// A delay (async handlers and calls await it, sync ones sleep).
    case latency
    /// A plain exception in a handler: the framework answers 500.
    case exception
    /// An HTTP error the framework turns into `--status` (default 503).
    case status
    /// The exception the real library would raise at a dependency call.
    case dependency
    /// Memory pressure at a handler: hold `memory_mb` for `hold_us`, capped, then free it (opt-in).
    case memory
    /// CPU pressure at a handler: burn the CPU for `cpu_us` (opt-in).
    case cpu

    /// What `--faults` means when it is not given: the resource faults are opt-in, because they
    /// slow every endpoint of the process, not just the one whose hook fired.
    public static let defaultKinds: [FaultKind] = [.latency, .exception, .status, .dependency]

    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
