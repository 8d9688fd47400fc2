import Artifacts

/// What `chaos-test inject` was asked to do, in the units of CONTRACTS.md.
public struct InjectOptions: Sendable {
    /// nil: every fault that applies to each point.
    public var faults: [FaultKind]?
    public var rate: Double
    /// Delay range in microseconds.
    public var delayUs: ClosedRange<Int>
    /// An fnmatch glob on route paths; nil for all routes.
    public var routes: String?
    /// The app object id (`module:attr`); nil picks the only app or the one in chaos-test.yaml.
    public var app: String?
    public var seed: UInt64
    public var status: Int
    /// The sizes of the `memory` and `cpu` faults; written to settings.json when either is chosen.
    public var resources = ChaosSettings.Resources()

    public init(
        faults: [FaultKind]? = nil, rate: Double = 0.1, delayUs: ClosedRange<Int> = 100_000...2_000_000,
        routes: String? = nil, app: String? = nil, seed: UInt64 = 0, status: Int = 503
    ) {
        self.faults = faults
        self.rate = rate
        self.delayUs = delayUs
        self.routes = routes
        self.app = app
        self.seed = seed
        self.status = status
    }

    /// Parses `MIN-MAX` in seconds (`0.1-2.0`) into microseconds.
    public static func parseDelay(_ text: String) throws(InjectionError) -> ClosedRange<Int> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]), low >= 0, high >= low else {
            throw InjectionError(
                .input, "--delay '\(text)': expected MIN-MAX in seconds with MIN <= MAX, for example 0.1-2.0")
        }
        return Int((low * 1e6).rounded())...Int((high * 1e6).rounded())
    }

    /// Parses a comma-separated fault list.
    public static func parseFaults(_ text: String) throws(InjectionError) -> [FaultKind] {
        var kinds: [FaultKind] = []
        for name in text.split(separator: ",") {
            let trimmed = name.trimmingCharacters(in: " ")
            guard let kind = FaultKind(rawValue: trimmed) else {
                throw InjectionError(
                    .input,
                    "--faults: unknown fault '\(trimmed)'; choose from \(FaultKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        guard !kinds.isEmpty else { throw InjectionError(.input, "--faults is empty; name at least one fault") }
        return kinds.sorted()
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
