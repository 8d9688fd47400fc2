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
