import Artifacts

/// A blocking call on the event loop: while a dependency call that is not awaited sleeps inside an
/// `async` handler, requests that had no fault of their own slow down too.
///
/// A blocking window is a delay fault at a point whose call is not awaited (scan.json `awaited`)
/// fired in a request whose `async` handler reaches the call without a thread pool
/// (`reached_via`): [fire time, fire time + delay]. Unfaulted requests sent inside a window of the
/// point are compared with unfaulted requests of the same phases clear of every window. Fires when
/// at least `minimumSample` of each exist and the median inside is ≥ `slowdownRatio` × the median
/// outside and ≥ `slowdownMinimumUs` above it. `tracking` is the median, over the requests inside,
/// of their extra latency / the window time left when they were sent (1 = they waited it all).
/// Impact: the median extra latency over the latency budget (every request on the loop waits).
enum EventLoopBlockingDetector {
    struct Window {
        var point: String
        var request: Int
        var startNs: Int
        var endNs: Int
    }

    /// Every blocking window of the run, in time order.
    static func windows(_ context: AnalysisContext) -> [Window] {
        var windows: [Window] = []
        for firing in context.firings where firing.isDelay {
            guard let request = firing.request, let point = context.points[firing.point], point.kind == .dependency,
                let dependency = context.dependency(of: point), dependency.awaited == false
            else { continue }
            let endpoint = context.requests.requests[request].endpoint
            guard context.runsOnEventLoop(dependency, endpoint: endpoint) else { continue }
            windows.append(
                Window(point: firing.point, request: request, startNs: firing.timeNs, endNs: firing.timeNs + firing.delayUs * 1000))
        }
        return windows.sorted { $0.startNs < $1.startNs }
    }

    static func detect(_ context: AnalysisContext) -> [Finding] {
        let thresholds = context.thresholds
        let all = windows(context)
        guard !all.isEmpty else { return [] }
        let phases = Set(all.map { context.requests.requests[$0.request].phase })
        let merged = merge(all)

        // Unfaulted requests of those phases wholly clear of every window: the reference.
        var outside: [Int] = []
        var unfaulted: [Int] = []
        for (index, request) in context.requests.requests.enumerated()
        where phases.contains(request.phase) && !context.isFaulted(index) {
            unfaulted.append(index)
            if !overlaps(merged, request.sentNs, request.endNs) { outside.append(request.latencyUs) }
        }
        guard outside.count >= thresholds.minimumSample else { return [] }
        let outsideLatency = LatencyDistribution(outside)
        let outsideMedian = outsideLatency.median

        var findings: [Finding] = []
        for pointId in Set(all.map(\.point)).sorted() {
            guard let point = context.points[pointId], let dependency = context.dependency(of: point) else { continue }
            let own = merge(all.filter { $0.point == pointId })
            var inside: [(latency: Int, remaining: Int, endpoint: Int)] = []
            for index in unfaulted {
                let request = context.requests.requests[index]
                if let window = containing(own, request.sentNs) {
                    inside.append((request.latencyUs, (window.endNs - request.sentNs) / 1000, request.endpoint))
                }
            }
            guard inside.count >= thresholds.minimumSample else { continue }
            let insideLatency = LatencyDistribution(inside.map(\.latency))
            let insideMedian = insideLatency.median
            guard Double(insideMedian) >= thresholds.slowdownRatio * Double(outsideMedian),
                insideMedian - outsideMedian >= thresholds.slowdownMinimumUs
            else { continue }

            let tracking = Stats.median(
                inside.filter { $0.remaining > 0 }.map { Double($0.latency - outsideMedian) / Double($0.remaining) })
            let ownWindows = all.filter { $0.point == pointId }
            let blockingEndpoints = Set(ownWindows.map { context.requests.requests[$0.request].endpoint })
            let endpoints = blockingEndpoints.union(inside.map(\.endpoint))
            // Fixed where the async handler starts the path to the call (the call itself when it is there).
            var locations: [SourceLocation] = []
            for endpoint in blockingEndpoints.sorted() {
                let key = context.scanKey(of: endpoint)
                if let via = dependency.reachedVia?.first(where: { $0.route == key }), let line = via.line {
                    locations.append(SourceLocation(file: via.file, line: line, function: context.routes[endpoint]?.function ?? ""))
                }
            }
            locations.append(context.location(of: point))
            let blockedUs = own.reduce(0) { $0 + ($1.endNs - $1.startNs) / 1000 }
            let callee = point.fault.callee ?? dependency.callee
            findings.append(
                Finding(
                    kind: .eventLoopBlocking,
                    title: "\(callee) blocks the event loop: other requests wait while it runs",
                    impact: context.latencyImpact(insideMedian - outsideMedian),
                    endpoints: context.endpointKeys(endpoints), points: [pointId], locations: locations.uniqued(),
                    evidenceKind: .measured,
                    evidence: [
                        "blocking_windows": .int(ownWindows.count),
                        "blocked_us": .int(blockedUs),
                        "requests_inside": .int(inside.count),
                        "requests_outside": .int(outside.count),
                        "median_inside_us": .int(insideMedian),
                        "median_outside_us": .int(outsideMedian),
                        "p95_inside_us": .int(insideLatency.percentile(95)),
                        "p95_outside_us": .int(outsideLatency.percentile(95)),
                        "tracking": .number(tracking),
                        "blocking_endpoints": .strings(context.endpointKeys(blockingEndpoints)),
                    ]))
        }
        return findings
    }

    /// The union of the windows as disjoint, sorted intervals.
    static func merge(_ windows: [Window]) -> [Window] {
        var merged: [Window] = []
        for window in windows.sorted(by: { $0.startNs < $1.startNs }) {
            if let last = merged.last, window.startNs <= last.endNs {
                merged[merged.count - 1].endNs = max(last.endNs, window.endNs)
            } else {
                merged.append(window)
            }
        }
        return merged
    }

    /// Whether [start, end] meets any of the sorted, disjoint windows.
    static func overlaps(_ merged: [Window], _ startNs: Int, _ endNs: Int) -> Bool {
        let index = firstEnding(after: startNs, in: merged)
        return index < merged.count && merged[index].startNs < endNs
    }

    /// The window of the sorted, disjoint windows that `instant` falls in.
    static func containing(_ merged: [Window], _ instant: Int) -> Window? {
        let index = firstEnding(after: instant, in: merged)
        return index < merged.count && merged[index].startNs <= instant ? merged[index] : nil
    }

    /// Binary search, since it runs once per request: the first window that ends after `instant`.
    private static func firstEnding(after instant: Int, in merged: [Window]) -> Int {
        var low = 0
        var high = merged.count
        while low < high {
            let middle = (low + high) / 2
            if merged[middle].endNs <= instant { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
