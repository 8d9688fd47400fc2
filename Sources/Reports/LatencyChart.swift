import Artifacts

/// `charts/latency.svg`: each drawn request as a dot at (time sent, latency), coloured by phase,
/// errors as squares, and a thin red mark at each moment a fault fired.
struct LatencyChart {
    static let path = "charts/latency.svg"

    var samples: [RecordPass.Sample]
    var phases: [LoadPhase]
    var faultTimesUnixNs: [Int]
    var requests: Int

    private let width = 900.0
    private let height = 380.0
    private let left = 70.0
    private let right = 20.0
    private let top = 40.0
    private let bottom = 50.0

    /// At most `cap` samples: the pass already thinned them, but a summary that undercounts
    /// (an interrupted load) can leave more, so thin again evenly.
    static func capped(_ samples: [RecordPass.Sample], cap: Int) -> [RecordPass.Sample] {
        guard samples.count > cap else { return samples }
        let stride = (samples.count + cap - 1) / cap
        return samples.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    }

    var caption: String {
        let drawn = samples.count
        let thinned = drawn < requests ? " (\(drawn) of \(requests) requests drawn, evenly spaced in file order)" : ""
        return "Latency of each request over time, coloured by phase (baseline blue, chaos orange); errors are squares, "
            + "red marks are fault firings\(thinned)."
    }

    func render() -> String {
        var svg = SVGDocument(width: Int(width), height: Int(height))
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        svg.text("Latency over time", x: left, y: 22, size: 14, extra: [("font-weight", "bold")])

        let times = samples.map(\.sentUnixNs) + phases.flatMap { [$0.startUnixNs, $0.endUnixNs] }
        guard let start = times.min(), let end = times.max(), !samples.isEmpty else {
            svg.text("No requests were recorded.", x: width / 2, y: height / 2, anchor: "middle", size: 13)
            return svg.rendered(title: "Latency over time")
        }
        let span = Double(max(end - start, 1))
        let maxMs = Double(samples.map(\.latencyUs).max() ?? 0) / 1000
        let step = SVGDocument.niceStep(maximum: max(maxMs, 1), count: 5)
        let yMax = (max(maxMs, 1) / step).rounded(.up) * step
        func x(_ ns: Int) -> Double { left + Double(ns - start) / span * plotWidth }
        func y(_ ms: Double) -> Double { top + plotHeight - ms / yMax * plotHeight }

        // Phase bands behind everything, labelled at the top.
        for phase in phases {
            let x0 = x(phase.startUnixNs)
            let x1 = x(max(phase.endUnixNs, phase.startUnixNs))
            svg.rect(
                x: x0, y: top, width: max(x1 - x0, 0), height: plotHeight, fill: ChartPalette.colour(ofPhase: phase.name),
                extra: [("fill-opacity", "0.06")])
            svg.text(phase.name, x: x0 + 4, y: top + 12, size: 10, extra: [("fill", ChartPalette.colour(ofPhase: phase.name))])
        }
        // Grid and axes.
        var tick = 0.0
        while tick <= yMax + step / 2 {
            svg.line(x1: left, y1: y(tick), x2: left + plotWidth, y2: y(tick), stroke: ChartPalette.grid)
            svg.text(NumberText.short(tick), x: left - 6, y: y(tick) + 4, anchor: "end", size: 10)
            tick += step
        }
        let seconds = span / 1e9
        let xStep = SVGDocument.niceStep(maximum: seconds, count: 8)
        var xTick = 0.0
        while xTick <= seconds + xStep / 1000 {
            let px = left + xTick / seconds * plotWidth
            svg.line(x1: px, y1: top + plotHeight, x2: px, y2: top + plotHeight + 4, stroke: ChartPalette.axis)
            svg.text(NumberText.short(xTick), x: px, y: top + plotHeight + 16, anchor: "middle", size: 10)
            xTick += xStep
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: ChartPalette.axis)
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: ChartPalette.axis)
        svg.text("time since the load began (s)", x: left + plotWidth / 2, y: height - 12, anchor: "middle")
        svg.text(
            "latency (ms)", x: 16, y: top + plotHeight / 2, anchor: "middle",
            extra: [("transform", "rotate(-90 16 \(SVGDocument.number(top + plotHeight / 2)))")])

        // Fault marks: one per pixel column at most, so a storm of firings stays a readable band.
        var columns = Set<Int>()
        for time in faultTimesUnixNs.sorted() where time >= start && time <= end {
            let px = x(time)
            guard columns.insert(Int(px.rounded())).inserted else { continue }
            svg.line(
                x1: px, y1: top, x2: px, y2: top + plotHeight, stroke: ChartPalette.fault,
                extra: [("stroke-opacity", "0.35"), ("stroke-width", "1")])
        }
        for sample in samples {
            let px = x(sample.sentUnixNs)
            let py = y(Double(sample.latencyUs) / 1000)
            let colour = ChartPalette.colour(ofPhase: sample.phase)
            if sample.failed {
                svg.rect(x: px - 2, y: py - 2, width: 4, height: 4, fill: colour, extra: [("stroke", "#000000"), ("stroke-width", "0.5")])
            } else {
                svg.element("circle", [("cx", SVGDocument.number(px)), ("cy", SVGDocument.number(py)), ("r", "1.5"), ("fill", colour)])
            }
        }
        // Legend.
        let legend: [(String, String)] = [
            ("baseline", ChartPalette.baseline), ("chaos", ChartPalette.chaos), ("other phase", ChartPalette.other),
            ("fault fired", ChartPalette.fault),
        ]
        var lx = width - right - 380
        for (label, colour) in legend {
            svg.rect(x: lx, y: 14, width: 10, height: 10, fill: colour)
            svg.text(label, x: lx + 14, y: 23, size: 10)
            lx += 80
        }
        svg.rect(x: lx, y: 14, width: 8, height: 8, fill: "#ffffff", extra: [("stroke", "#000000")])
        svg.text("error", x: lx + 12, y: 23, size: 10)
        return svg.rendered(title: "Latency over time")
    }
}
