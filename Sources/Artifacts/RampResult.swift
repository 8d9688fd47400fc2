/// `ramp.json` in a run folder, written by `run --ramp`: the fault rate stepped up live, what
/// each step measured, and the breaking point (the first rate at which the SLO was breached).
/// The steps' records are the `ramp-<rate>` phases of load-results.json.
public struct RampResult: Codable, Sendable, Equatable {
    public static let schemaVersion = 1
    public static let fileName = "ramp.json"

    public var schema: Int
    /// How long the load was held at each rate.
    public var stepUs: Int
    /// The SLO the breaking point is judged against; nil when none was given.
    public var maxErrorRate: Double?
    public var maxP99Us: Int?
    public var steps: [Step]
    /// The first rate whose step breached the SLO; nil when none did or no SLO was given.
    public var breakingPoint: Double?
    /// Why that step breached, or why there is no breaking point.
    public var verdict: String

    enum CodingKeys: String, CodingKey {
        case schema, steps, verdict
        case stepUs = "step_us"
        case maxErrorRate = "max_error_rate"
        case maxP99Us = "max_p99_us"
        case breakingPoint = "breaking_point"
    }

    public init(stepUs: Int, maxErrorRate: Double?, maxP99Us: Int?, steps: [Step]) {
        self.schema = Self.schemaVersion
        self.stepUs = stepUs
        self.maxErrorRate = maxErrorRate
        self.maxP99Us = maxP99Us
        self.steps = steps
        let first = steps.first { !$0.breached.isEmpty }
        self.breakingPoint = first?.rate
        if let first {
            verdict = "breaks at fault rate \(first.rate): " + first.breached.joined(separator: ", ")
        } else if maxErrorRate == nil && maxP99Us == nil {
            verdict = "no SLO was given (--max-error-rate, --max-p99 or slo: in chaos-test.yaml), so no breaking point is named"
        } else {
            verdict = "the SLO held at every rate up to \(steps.last?.rate ?? 0)"
        }
    }

    /// One rate held for one step.
    public struct Step: Codable, Sendable, Equatable {
        public var rate: Double
        /// The load-results.json phase, `ramp-<rate>`.
        public var phase: String
        public var requests: Int
        public var errors: Int
        public var errorRate: Double
        public var p99Us: Int
        /// Fault events the runtime logged during the step.
        public var faultsFired: Int
        /// What this step exceeded, as sentences (`"error rate 0.120 > 0.050"`); empty when it held.
        public var breached: [String]

        enum CodingKeys: String, CodingKey {
            case rate, phase, requests, errors, breached
            case errorRate = "error_rate"
            case p99Us = "p99_us"
            case faultsFired = "faults_fired"
        }

        public init(
            rate: Double, phase: String, requests: Int, errors: Int, errorRate: Double, p99Us: Int, faultsFired: Int,
            maxErrorRate: Double?, maxP99Us: Int?
        ) {
            self.rate = rate
            self.phase = phase
            self.requests = requests
            self.errors = errors
            self.errorRate = errorRate
            self.p99Us = p99Us
            self.faultsFired = faultsFired
            var breached: [String] = []
            if let maxErrorRate, errorRate > maxErrorRate {
                breached.append("error rate \(Self.decimal(errorRate)) > \(Self.decimal(maxErrorRate))")
            }
            if let maxP99Us, p99Us > maxP99Us {
                breached.append("p99 \(Self.decimal(Double(p99Us) / 1000, places: 1)) ms > \(Self.decimal(Double(maxP99Us) / 1000, places: 1)) ms")
            }
            self.breached = breached
        }

        /// At most `places` decimals, trailing zeros dropped; written the same in every locale.
        static func decimal(_ value: Double, places: Int = 3) -> String {
            var scale = 1.0
            for _ in 0..<places { scale *= 10 }
            let scaled = (value * scale).rounded() / scale
            var text = "\(scaled)"
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        }
    }

    /// `ramp-<rate>`, the rate written as Swift prints a Double (`ramp-0.05`, `ramp-0.1`).
    public static func phaseName(rate: Double) -> String { "ramp-\(rate)" }
}
