/// Numbers as report text, the same on every machine and locale: rounding is done on integers,
/// never through `String(format:)`.
enum NumberText {
    /// `value` rounded half away from zero to `decimals` places, with all of them shown.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero))
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let fraction = String(scaled % scale)
        return sign + String(scaled / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Microseconds as milliseconds with one decimal (`1234` → `1.2`).
    static func ms(_ us: Int) -> String { fixed(Double(us) / 1000, decimals: 1) }

    /// A rate in [0, 1] as a percentage with one decimal (`0.1234` → `12.3%`).
    static func percent(_ rate: Double) -> String { fixed(rate * 100, decimals: 1) + "%" }

    /// Up to three decimals, trailing zeros dropped (`0.250` → `0.25`, `2.000` → `2`).
    static func short(_ value: Double) -> String {
        var text = fixed(value, decimals: 3)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
