import Artifacts
import Foundation

/// Errors that come in bursts: a dependency that is down for a while, not one that fails now and
/// then. A circuit breaker is the answer to the first, a retry to the second.
///
/// Per endpoint, the requests no fault fired in (and whose error is not another failure's echo, see
/// ``UnattributedErrorsDetector/indirectCause(_:blockingWindows:afterAnyServerError:)``), in the order they were sent,
/// as a sequence of failed and answered. Injected faults are left out because the runtime draws
/// them independently per request: they never cluster. Two tests ask whether the errors cluster
/// more than chance allows: the Wald–Wolfowitz runs test (too few runs), and the longest run of
/// errors against independent errors at the endpoint's own error rate. The smaller p-value,
/// doubled (Bonferroni), must hold at `burstSignificance` over all endpoints tested, with at
/// least 5 errors and 5 answers, and at least one run of errors must be too long for chance
/// (3 or more, and expected less than 0.05 times); those runs are the bursts reported.
///
/// The location is the dependency call the errors point at: the one in whose function most of
/// the app's tracebacks through the endpoint's handler fail, then the one reached by the most
/// bursting endpoints, then by the fewest endpoints that did not burst. Impact: the endpoint's
/// share of all requests × the share of its unfaulted requests that failed in bursts.
enum FailureBurstDetector {
    struct Burst {
        var endpoint: Int
        var errors: Int
        var answered: Int
        var runs: Int
        var expectedRuns: Double
        /// One-sided p-value of the runs test (too few runs).
        var runsP: Double
        /// Bound on the chance of so long a run of errors.
        var longestP: Double
        /// Either test, Bonferroni over the two.
        var p: Double { min(1, 2 * min(runsP, longestP)) }
        /// Maximal runs of errors too long for chance: first and last request index, and length.
        var windows: [(first: Int, last: Int, count: Int)]
    }

    static let minimumRun = 3

    static func detect(_ context: AnalysisContext, blockingWindows: [EventLoopBlockingDetector.Window]) -> [Finding] {
        // A reset right after any 5xx is that 5xx's doing (the server closed the connection):
        // counted, such echoes would scatter errors over every endpoint sharing the connections.
        let isIndirect = UnattributedErrorsDetector.indirectCause(context, blockingWindows: blockingWindows, afterAnyServerError: true)
        var sequences: [Int: [Int]] = [:]
        for (index, request) in context.requests.requests.enumerated() {
            guard !context.isFaulted(index), !(request.isError && isIndirect(request)) else { continue }
            sequences[request.endpoint, default: []].append(index)
        }
        var candidates: [Burst] = []
        for (endpoint, indexes) in sequences {
            let ordered = indexes.sorted { context.requests.requests[$0].sentNs < context.requests.requests[$1].sentNs }
            if let burst = test(ordered, endpoint: endpoint, context) { candidates.append(burst) }
        }
        let tested = max(1, sequences.values.filter { values in
            let errors = values.filter { context.requests.requests[$0].isError }.count
            return errors >= 5 && values.count - errors >= 5
        }.count)
        let bursts = candidates.filter { $0.p < context.thresholds.burstSignificance / Double(tested) && !$0.windows.isEmpty }
        guard !bursts.isEmpty else { return [] }

        let bursting = Set(bursts.map(\.endpoint))
        let loaded = Set(sequences.keys)
        return bursts.sorted { $0.endpoint < $1.endpoint }.map { burst in
            finding(burst, bursting: bursting, loaded: loaded, context)
        }
    }

    /// Both tests on one endpoint's ordered requests; nil when there are too few of either kind.
    static func test(_ ordered: [Int], endpoint: Int, _ context: AnalysisContext) -> Burst? {
        let failed = ordered.map { context.requests.requests[$0].isError }
        let n1 = failed.filter { $0 }.count
        let n2 = failed.count - n1
        guard n1 >= 5, n2 >= 5 else { return nil }
        var runs = 1
        for i in 1..<failed.count where failed[i] != failed[i - 1] { runs += 1 }
        let n = Double(n1 + n2)
        let product = 2 * Double(n1) * Double(n2)
        let expected = 1 + product / n
        let variance = product * (product - n) / (n * n * (n - 1))
        guard variance > 0 else { return nil }
        let z = (Double(runs) - expected) / variance.squareRoot()
        let runsP = 0.5 * erfc(-z / 2.0.squareRoot())
        // Runs of errors against errors drawn independently at the endpoint's own rate: the
        // expected number of runs of k or more, (1 + (n - k)(1 - rate)) rate^k, bounds the chance
        // of one (Markov). Scattered errors elsewhere dilute the runs test; they hardly change this.
        let rate = Double(n1) / n
        func chance(_ k: Int) -> Double { min(1, (1 + Double(failed.count - k) * (1 - rate)) * pow(rate, Double(k))) }
        // A burst is a run too long for chance (expected less than 0.05 times), and at least 3.
        var shortest = minimumRun
        while chance(shortest) >= 0.05 && shortest < failed.count { shortest += 1 }
        var windows: [(Int, Int, Int)] = []
        var longest = 0
        var start: Int?
        for i in 0...failed.count {
            if i < failed.count, failed[i] {
                if start == nil { start = i }
            } else if let first = start {
                longest = max(longest, i - first)
                if i - first >= shortest { windows.append((ordered[first], ordered[i - 1], i - first)) }
                start = nil
            }
        }
        let longestP = longest == 0 ? 1 : chance(longest)
        return Burst(
            endpoint: endpoint, errors: n1, answered: n2, runs: runs, expectedRuns: expected, runsP: runsP,
            longestP: longestP, windows: windows.map { (first: $0.0, last: $0.1, count: $0.2) })
    }

    static func finding(_ burst: Burst, bursting: Set<Int>, loaded: Set<Int>, _ context: AnalysisContext) -> Finding {
        let key = context.requests.endpoints[burst.endpoint]
        let requests = context.requests.requests
        let startNs = requests.map(\.sentNs).min() ?? 0
        let seconds = { (ns: Int) in Double(ns - startNs) / 1e9 }
        let inBursts = burst.windows.reduce(0) { $0 + $1.count }
        let longest = burst.windows.max { $0.count < $1.count }!
        let total = burst.errors + burst.answered

        // The dependency the bursting endpoints share, when the scan knows one.
        let calls = context.scan.dependencies.filter { call in
            call.routes.contains { context.endpoints(forRouteKey: $0).contains(burst.endpoint) }
        }
        func reach(_ call: DependencyCall) -> Set<Int> {
            Set(call.routes.flatMap { context.endpoints(forRouteKey: $0) }).intersection(loaded)
        }
        // Evidence first: the app's own tracebacks (not the runtime's) that pass through this
        // endpoint's handler, by the dependency call whose function they fail in.
        let route = context.routes[burst.endpoint]
        let traces = context.tracebacks.filter { trace in
            !trace.injected && route.map { route in
                trace.appFrames.contains { $0.file == route.file && $0.function == route.function }
            } ?? false
        }
        func failures(in call: DependencyCall) -> Int {
            traces.filter { trace in trace.appFrames.contains { $0.file == call.file && $0.function == call.function } }.count
        }
        let shared = calls.min { a, b in
            let (fa, fb) = (failures(in: a), failures(in: b))
            if fa != fb { return fa > fb }
            let (ra, rb) = (reach(a), reach(b))
            let (sa, sb) = (ra.intersection(bursting).count, rb.intersection(bursting).count)
            if sa != sb { return sa > sb }
            let (qa, qb) = (ra.subtracting(bursting).count, rb.subtracting(bursting).count)
            if qa != qb { return qa < qb }
            return (a.file, a.line) < (b.file, b.line)
        }
        var locations: [SourceLocation] = []
        if let shared { locations.append(SourceLocation(file: shared.file, line: shared.line, function: shared.function)) }
        if let route {
            locations.append(SourceLocation(file: route.file, line: route.line, function: route.function))
        }
        let others = shared.map { reach($0).intersection(bursting).subtracting([burst.endpoint]) } ?? []
        let culprit = shared.map { call in
            " (\(call.callee) in \(call.function)"
                + (others.isEmpty ? ")" : ", which \(context.endpointKeys(others).joined(separator: ", ")) also reach and which burst too)")
        } ?? ""
        let title = "\(key) fails in bursts: \(longest.count) errors in a row from "
            + String(format: "%.1f s to %.1f s", seconds(requests[longest.first].sentNs), seconds(requests[longest.last].endNs))
            + culprit
        let share = Double(inBursts) / Double(total)
        return Finding(
            kind: .failureBurst, title: title,
            impact: min(1, share * context.trafficShare([burst.endpoint])),
            endpoints: [key], points: [], locations: locations.uniqued(), evidenceKind: .measured,
            evidence: [
                "requests": .int(total),
                "errors": .int(burst.errors),
                "errors_in_bursts": .int(inBursts),
                "runs": .int(burst.runs),
                "expected_runs": .number((burst.expectedRuns * 10).rounded() / 10),
                "p_value": .double(burst.p),
                "runs_p": .double(burst.runsP),
                "longest_run_p": .double(burst.longestP),
                "longest_burst": .int(longest.count),
                "bursts": .array(burst.windows.map { window in
                    .object([
                        "errors": .int(window.count),
                        "from_s": .number((seconds(requests[window.first].sentNs) * 1000).rounded() / 1000),
                        "to_s": .number((seconds(requests[window.last].endNs) * 1000).rounded() / 1000),
                        "first_request_id": .string(requests[window.first].id),
                    ])
                }),
                "dependency": .string(shared?.library ?? ""),
                "callee": .string(shared?.callee ?? ""),
                "bursting_endpoints": .strings(context.endpointKeys(bursting)),
            ])
    }
}
