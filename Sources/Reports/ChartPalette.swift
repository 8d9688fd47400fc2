/// The colours both charts use, so a phase looks the same in each.
enum ChartPalette {
    static let baseline = "#1f77b4"
    static let chaos = "#ff7f0e"
    static let other = "#7f7f7f"
    static let fault = "#d62728"
    static let axis = "#333333"
    static let grid = "#dddddd"

    static func colour(ofPhase phase: String) -> String {
        switch phase {
        case "baseline": baseline
        case "chaos": chaos
        default: other
        }
    }
}
