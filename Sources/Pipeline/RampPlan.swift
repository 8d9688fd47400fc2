import Artifacts

/// `run --ramp 0.05,0.1,0.2,0.4 --ramp-step S`: the fault rates to step through after the chaos
/// phase, each held for `stepSeconds`, checked before anything starts.
struct RampPlan: Sendable, Equatable {
    var rates: [Double]
    var stepSeconds: Double

    /// Nil when no ramp was asked for.
    init?(rates: [Double]?, stepSeconds: Double) throws(RunError) {
        guard let rates else { return nil }
        guard !rates.isEmpty else { throw .badInput("--ramp: give at least one fault rate, for example --ramp 0.05,0.1,0.2,0.4") }
        for rate in rates where !(0...1).contains(rate) {
            throw .badInput("--ramp \(rate): a fault rate is a probability between 0 and 1")
        }
        guard stepSeconds > 0 else { throw .badInput("--ramp-step \(stepSeconds): give a positive number of seconds") }
        self.rates = rates
        self.stepSeconds = stepSeconds
    }

    /// How run.json records it under `options.ramp`.
    var recorded: JSONValue {
        .object(["rates": .array(rates.map { .double($0) }), "step": .double(stepSeconds)])
    }
}
