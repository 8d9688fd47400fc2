import Artifacts

/// `charts/ramp.svg`: error rate (left axis) and p99 (right axis) against the fault rate of each
/// `--ramp` step, with the SLO limits as dashed lines and the breaking point marked.
struct RampChart {
    static let path = "charts/ramp.svg"

    var ramp: RampResult

    private let width = 900.0
    private let height = 380.0
    private let left = 70.0
    private let right = 80.0
    private let top = 50.0
    private let bottom = 50.0

    let caption = "Error rate (orange, left axis) and p99 (blue, right axis) at each ramp fault rate; dashed lines are the SLO, the red line the breaking point."

    func render() -> String {
        var svg = SVGDocument(width: Int(width), height: Int(height))
        svg.text("Error rate and p99 against fault rate", x: left, y: 22, size: 14, extra: [("font-weight", "bold")])
        svg.rect(x: left, y: 30, width: 10, height: 10, fill: ChartPalette.chaos)
        svg.text("error rate", x: left + 14, y: 39, size: 10)
        svg.rect(x: left + 90, y: 30, width: 10, height: 10, fill: ChartPalette.baseline)
        svg.text("p99", x: left + 104, y: 39, size: 10)
        let steps = ramp.steps
        guard !steps.isEmpty else {
            svg.text("No ramp step ran.", x: width / 2, y: height / 2, anchor: "middle", size: 13)
            return svg.rendered(title: "Ramp")
        }
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let plotBottom = top + plotHeight

        // x: fault rate from 0 to the highest step.
        let highestRate = max(steps.map(\.rate).max() ?? 0, 0.01)
        let xStep = SVGDocument.niceStep(maximum: highestRate, count: 5)
        let xMax = (highestRate / xStep).rounded(.up) * xStep
        func x(_ rate: Double) -> Double { left + rate / xMax * plotWidth }
        // Left y: error rate in percent; right y: p99 in ms. Each scale also fits its SLO line.
        let highestPercent = max((steps.map(\.errorRate) + [ramp.maxErrorRate ?? 0]).max()! * 100, 1)
        let percentStep = SVGDocument.niceStep(maximum: highestPercent, count: 5)
        let percentMax = (highestPercent / percentStep).rounded(.up) * percentStep
        let highestMs = max(Double((steps.map(\.p99Us) + [ramp.maxP99Us ?? 0]).max()!) / 1000, 1)
        let msStep = SVGDocument.niceStep(maximum: highestMs, count: 5)
        let msMax = (highestMs / msStep).rounded(.up) * msStep
        func yPercent(_ rate: Double) -> Double { plotBottom - rate * 100 / percentMax * plotHeight }
        func yMs(_ us: Int) -> Double { plotBottom - Double(us) / 1000 / msMax * plotHeight }

        var tick = 0.0
        while tick <= percentMax + percentStep / 2 {
            let py = plotBottom - tick / percentMax * plotHeight
            svg.line(x1: left, y1: py, x2: left + plotWidth, y2: py, stroke: ChartPalette.grid)
            svg.text(NumberText.short(tick) + "%", x: left - 6, y: py + 4, anchor: "end", size: 10)
            let ms = tick / percentMax * msMax
            svg.text(NumberText.short(ms) + " ms", x: left + plotWidth + 6, y: py + 4, size: 10)
            tick += percentStep
        }
        tick = 0
        while tick <= xMax + xStep / 2 {
            svg.line(x1: x(tick), y1: plotBottom, x2: x(tick), y2: plotBottom + 4, stroke: ChartPalette.axis)
            svg.text(NumberText.short(tick), x: x(tick), y: plotBottom + 16, anchor: "middle", size: 10)
            tick += xStep
        }
        svg.text("fault rate per hook call", x: left + plotWidth / 2, y: plotBottom + 36, anchor: "middle", size: 11)
        svg.line(x1: left, y1: top, x2: left, y2: plotBottom, stroke: ChartPalette.axis)
        svg.line(x1: left, y1: plotBottom, x2: left + plotWidth, y2: plotBottom, stroke: ChartPalette.axis)
        svg.line(x1: left + plotWidth, y1: top, x2: left + plotWidth, y2: plotBottom, stroke: ChartPalette.axis)

        let dashed = [("stroke-dasharray", "6 4")]
        if let maxErrorRate = ramp.maxErrorRate {
            svg.line(x1: left, y1: yPercent(maxErrorRate), x2: left + plotWidth, y2: yPercent(maxErrorRate), stroke: ChartPalette.chaos, extra: dashed)
        }
        if let maxP99Us = ramp.maxP99Us {
            svg.line(x1: left, y1: yMs(maxP99Us), x2: left + plotWidth, y2: yMs(maxP99Us), stroke: ChartPalette.baseline, extra: dashed)
        }
        if let breaking = ramp.breakingPoint {
            svg.line(x1: x(breaking), y1: top, x2: x(breaking), y2: plotBottom, stroke: ChartPalette.fault, extra: [("stroke-width", "2")])
            svg.text("breaks at \(NumberText.short(breaking))", x: x(breaking) + 4, y: top + 12, size: 10, extra: [("fill", ChartPalette.fault)])
        }

        let errorPoints = steps.map { "\(SVGDocument.number(x($0.rate))),\(SVGDocument.number(yPercent($0.errorRate)))" }
        let p99Points = steps.map { "\(SVGDocument.number(x($0.rate))),\(SVGDocument.number(yMs($0.p99Us)))" }
        svg.element("polyline", [("points", errorPoints.joined(separator: " ")), ("fill", "none"), ("stroke", ChartPalette.chaos), ("stroke-width", "2")])
        svg.element("polyline", [("points", p99Points.joined(separator: " ")), ("fill", "none"), ("stroke", ChartPalette.baseline), ("stroke-width", "2")])
        for step in steps {
            svg.element("circle", [("cx", SVGDocument.number(x(step.rate))), ("cy", SVGDocument.number(yPercent(step.errorRate))), ("r", "4"), ("fill", ChartPalette.chaos)])
            svg.rect(x: x(step.rate) - 3.5, y: yMs(step.p99Us) - 3.5, width: 7, height: 7, fill: ChartPalette.baseline)
        }
        return svg.rendered(title: "Error rate and p99 against fault rate")
    }
}
