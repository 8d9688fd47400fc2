/// `charts/error-rate.svg`: per endpoint, the error rate in the baseline and under chaos as two
/// horizontal bars, so the endpoints chaos hurts stand out.
struct ErrorRateChart {
    static let path = "charts/error-rate.svg"

    var endpoints: [Report.EndpointLatency]

    private let width = 900.0
    private let labelWidth = 330.0
    private let right = 80.0
    private let top = 50.0
    private let rowHeight = 34.0

    let caption = "Error rate per endpoint, baseline (blue) vs chaos (orange)."

    func render() -> String {
        let height = top + Double(max(endpoints.count, 1)) * rowHeight + 30
        var svg = SVGDocument(width: Int(width), height: Int(height))
        svg.text("Error rate per endpoint", x: 10, y: 22, size: 14, extra: [("font-weight", "bold")])
        svg.rect(x: labelWidth, y: 12, width: 10, height: 10, fill: ChartPalette.baseline)
        svg.text("baseline", x: labelWidth + 14, y: 21, size: 10)
        svg.rect(x: labelWidth + 80, y: 12, width: 10, height: 10, fill: ChartPalette.chaos)
        svg.text("chaos", x: labelWidth + 94, y: 21, size: 10)
        guard !endpoints.isEmpty else {
            svg.text("No requests were recorded.", x: width / 2, y: top + 20, anchor: "middle", size: 13)
            return svg.rendered(title: "Error rate per endpoint")
        }
        let plotWidth = width - labelWidth - right
        let highest = endpoints.flatMap { [$0.baseline?.errorRate ?? 0, $0.chaos?.errorRate ?? 0] }.max() ?? 0
        let step = SVGDocument.niceStep(maximum: max(highest * 100, 1), count: 5)
        let scaleMax = (max(highest * 100, 1) / step).rounded(.up) * step
        func barWidth(_ rate: Double) -> Double { rate * 100 / scaleMax * plotWidth }
        let plotBottom = top + Double(endpoints.count) * rowHeight

        var tick = 0.0
        while tick <= scaleMax + step / 2 {
            let px = labelWidth + tick / scaleMax * plotWidth
            svg.line(x1: px, y1: top - 6, x2: px, y2: plotBottom, stroke: ChartPalette.grid)
            svg.text(NumberText.short(tick) + "%", x: px, y: plotBottom + 14, anchor: "middle", size: 10)
            tick += step
        }
        for (row, endpoint) in endpoints.enumerated() {
            let y = top + Double(row) * rowHeight
            let label = endpoint.endpoint.count > 48 ? String(endpoint.endpoint.prefix(47)) + "…" : endpoint.endpoint
            svg.text(label, x: labelWidth - 8, y: y + 17, anchor: "end", size: 11, extra: [("font-family", "monospace")])
            for (offset, figures, colour) in [
                (2.0, endpoint.baseline, ChartPalette.baseline), (15.0, endpoint.chaos, ChartPalette.chaos),
            ] {
                guard let figures else {
                    svg.text("no requests", x: labelWidth + 4, y: y + offset + 10, size: 9, extra: [("fill", ChartPalette.other)])
                    continue
                }
                let bar = barWidth(figures.errorRate)
                svg.rect(x: labelWidth, y: y + offset, width: bar, height: 11, fill: colour)
                svg.text(NumberText.percent(figures.errorRate), x: labelWidth + bar + 4, y: y + offset + 10, size: 9)
            }
        }
        svg.line(x1: labelWidth, y1: top - 6, x2: labelWidth, y2: plotBottom, stroke: ChartPalette.axis)
        return svg.rendered(title: "Error rate per endpoint")
    }
}
