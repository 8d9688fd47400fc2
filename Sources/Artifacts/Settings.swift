/// `.chaos-test/settings.json`: the live settings the Python runtime re-reads when they change
/// (CONTRACTS.md, "settings.json"). `chaos on|off|set` edits only this file.
public struct ChaosSettings: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var enabled: Bool
    public var seed: UInt64
    /// `"fastapi"`, `"flask"`…: tells the runtime how to raise a `status` fault.
    public var framework: String
    public var `default`: Profile
    /// Keyed by full point id.
    public var points: [String: PointSettings]

    public init(enabled: Bool, seed: UInt64, framework: String, default: Profile, points: [String: PointSettings]) {
        self.schema = Self.schemaVersion
        self.enabled = enabled
        self.seed = seed
        self.framework = framework
        self.default = `default`
        self.points = points
    }

    public struct Profile: Codable, Sendable, Equatable {
        public var rate: Double
        public var delayUs: [Int]
        public var faults: [FaultKind]
        public var status: Int
        /// MB a `memory` fault holds (optional key; the runtime's default is 64, its hard cap 1024).
        public var memoryMb: Int?
        /// How long a `memory` fault holds its memory (default 200 ms).
        public var holdUs: Int?
        /// The most a process holds for `memory` faults at once (default 256 MB, at most 1024).
        public var memoryCapMb: Int?
        /// How long a `cpu` fault burns the CPU (default 50 ms, at most 5 s).
        public var cpuUs: Int?

        enum CodingKeys: String, CodingKey {
            case rate, faults, status
            case delayUs = "delay_us"
            case memoryMb = "memory_mb"
            case holdUs = "hold_us"
            case memoryCapMb = "memory_cap_mb"
            case cpuUs = "cpu_us"
        }

        public init(rate: Double, delayUs: [Int], faults: [FaultKind], status: Int, resources: Resources? = nil) {
            self.rate = rate
            self.delayUs = delayUs
            self.faults = faults
            self.status = status
            if let resources {
                memoryMb = resources.memoryMb
                holdUs = resources.holdUs
                memoryCapMb = resources.memoryCapMb
                cpuUs = resources.cpuUs
            }
        }
    }

    /// The sizes of the resource faults, as the runtime reads them from `default`.
    public struct Resources: Sendable, Equatable {
        public var memoryMb: Int
        public var holdUs: Int
        public var memoryCapMb: Int
        public var cpuUs: Int

        public init(memoryMb: Int = 64, holdUs: Int = 200_000, memoryCapMb: Int = 256, cpuUs: Int = 50_000) {
            self.memoryMb = memoryMb
            self.holdUs = holdUs
            self.memoryCapMb = memoryCapMb
            self.cpuUs = cpuUs
        }
    }

    /// One point: its short form (what the hook passes), kind, faults and library; `rate` overrides the default.
    public struct PointSettings: Codable, Sendable, Equatable {
        public var short: String
        public var kind: ChaosConfig.PointKind
        public var faults: [FaultKind]
        public var library: String?
        public var rate: Double?

        public init(
            short: String, kind: ChaosConfig.PointKind, faults: [FaultKind], library: String?, rate: Double? = nil
        ) {
            self.short = short
            self.kind = kind
            self.faults = faults
            self.library = library
            self.rate = rate
        }
    }
}
