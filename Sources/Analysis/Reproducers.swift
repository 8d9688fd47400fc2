import Artifacts
import Foundation

/// A reproducer for each measured pattern, as Schemathesis gives one per finding: the chaos
/// settings that make the pattern's fault fire on every call, and one of its failed requests as
/// a `curl` command, so a developer sees the failure in seconds instead of re-running the test.
enum Reproducers {
    static func attach(
        to patterns: [Pattern], context: AnalysisContext, exemplars: [String: RequestExemplar], target: String,
        appRoot: String?, config: ChaosConfig
    ) -> [Pattern] {
        guard !exemplars.isEmpty else { return patterns }
        return patterns.map { pattern in
            var pattern = pattern
            if pattern.evidenceKind == .measured {
                pattern.reproducer = reproducer(
                    for: pattern, context: context, exemplars: exemplars, target: target, appRoot: appRoot, config: config)
            }
            return pattern
        }
    }

    /// Prefers a failed request in which one of the pattern's own points fired, then any failed
    /// request of its endpoints; the earliest such request by id order, so the choice is stable.
    static func reproducer(
        for pattern: Pattern, context: AnalysisContext, exemplars: [String: RequestExemplar], target: String,
        appRoot: String?, config: ChaosConfig
    ) -> Reproducer? {
        let endpoints = Set(pattern.endpoints)
        let points = Set(pattern.points)
        // How often each fault fired at each of the pattern's points in a failed request: the
        // fault to switch on when no fault of the pattern fired in the replayed request.
        var faultCounts: [String: [String: Int]] = [:]
        for firing in context.firings where points.contains(firing.point) {
            guard let index = firing.request, context.requests.requests[index].isError else { continue }
            faultCounts[firing.point, default: [:]][firing.fault, default: 0] += 1
        }
        // The replayed request: a failed one of the pattern's endpoints in which one of its points
        // fired, alone, that also succeeded unfaulted and never failed unfaulted (a request that
        // always fails, such as a stale id, shows a bug, not the fault), in the chaos phase; the
        // lowest id among equals, so the choice is stable.
        func signature(_ exemplar: RequestExemplar) -> String {
            exemplar.method + " " + exemplar.path + "\n" + (exemplar.body ?? "")
        }
        var succeeded: Set<String> = []
        var failedUnfaulted: Set<String> = []
        for (id, exemplar) in exemplars {
            guard let index = context.requests.index(ofId: id) else { continue }
            let request = context.requests.requests[index]
            if request.isError {
                if !context.isFaulted(index) { failedUnfaulted.insert(signature(exemplar)) }
            } else if (200..<400).contains(request.status ?? 0) {
                succeeded.insert(signature(exemplar))
            }
        }
        let baseline = context.baselinePhase
        var best: (rank: Int, id: String, request: Int, fault: (String, String)?)?
        for (id, exemplar) in exemplars {
            guard let index = context.requests.index(ofId: id) else { continue }
            let request = context.requests.requests[index]
            let endpoint = context.requests.endpoints[request.endpoint]
            guard request.isError, endpoints.isEmpty || endpoints.contains(endpoint) else { continue }
            let firings = context.firings(of: index)
            // The pattern's fault in this request; with several, the one seen most in failures.
            let own = firings.filter { points.contains($0.point) }
                .max { (faultCounts[$0.point]?[$0.fault] ?? 0, $1.point) < (faultCounts[$1.point]?[$1.fault] ?? 0, $0.point) }
            let key = signature(exemplar)
            // A request where other faults fired too may have failed because of them, and the
            // replay switches on only one. A delay fails a request only through a timeout
            // somewhere; a raised fault fails it directly, so it replays more surely.
            let rank = (failedUnfaulted.contains(key) ? 32 : 0) + (own == nil ? 16 : 0) + (firings.count > 1 ? 8 : 0)
                + (own?.isDelay == true ? 4 : 0) + (succeeded.contains(key) ? 0 : 2) + (request.phase == baseline ? 1 : 0)
            if let current = best, (current.rank, current.id) <= (rank, id) { continue }
            // With no fault of the pattern in this request, the most frequent one among the
            // pattern's points that this endpoint reaches.
            let fallback = faultCounts.flatMap { point, faults in faults.map { (point, $0.key, $0.value) } }
                .filter { context.points[$0.0]?.routes.contains(endpoint) ?? false }
                .min { ($1.2, $0.0, $0.1) < ($0.2, $1.0, $1.1) }
                .map { ($0.0, $0.1) }
            best = (rank, id, index, own.map { ($0.point, $0.fault) } ?? fallback)
        }
        guard let best, let exemplar = exemplars[best.id] else { return nil }
        let request = context.requests.requests[best.request]
        let app = appRoot.map(shellQuoted) ?? "<app folder>"
        var inject: String?
        var chaos: [String] = []
        if let (point, fault) = best.fault {
            let short = context.points[point]?.short ?? point
            // Only that fault, at rate 0 everywhere but this point, with the run's seed and ranges.
            var words = [
                "chaos-test", "inject", app, "--faults", fault, "--fault-rate", "0", "--seed", String(config.seed),
                "--app", shellQuoted(config.app),
            ]
            let delay = config.defaults.delayUs
            // A delay fails a request only by outlasting a timeout, and under load the run's
            // other traffic helped: the replay uses the longest delay of the run's range.
            if fault == "latency", let longest = delay.last {
                words += ["--delay", "\(Double(longest) / 1e6)-\(Double(longest) / 1e6)"]
            }
            if fault == "status" { words += ["--status", String(config.defaults.status)] }
            inject = words.joined(separator: " ")
            chaos = ["chaos-test chaos \(app) set --point \(short) --fault-rate 1", "chaos-test chaos \(app) on"]
        }
        let observed: String
        if let status = request.status {
            observed = "HTTP \(status)"
        } else {
            observed = request.error.map { "\($0.rawValue) (no response)" } ?? "no response"
        }
        return Reproducer(
            requestId: best.id, inject: inject, chaos: chaos, curl: curl(exemplar, requestId: best.id, target: target),
            observed: observed)
    }

    /// The request id goes with it: the runtime draws faults from it, so the replay meets the
    /// same fault as the original request.
    static func curl(_ exemplar: RequestExemplar, requestId: String, target: String) -> String {
        var words = ["curl", "-sS", "-i", "-X", exemplar.method, "-H", shellQuoted("X-Chaos-Request-Id: \(requestId)")]
        for name in exemplar.headers.keys.sorted() {
            words += ["-H", shellQuoted("\(name): \(exemplar.headers[name] ?? "")")]
        }
        // curl adds `Accept: */*` and its own User-Agent, which the load did not send; apps
        // that negotiate on them (httpbin's /image answers 406) would answer differently.
        // `-H 'Name:'` removes curl's default.
        let sent = Set(exemplar.headers.keys.map { $0.lowercased() })
        for name in ["Accept", "User-Agent"] where !sent.contains(name.lowercased()) {
            words += ["-H", shellQuoted("\(name):")]
        }
        if let body = exemplar.body { words += ["--data-binary", shellQuoted(body)] }
        let base = target.hasSuffix("/") ? String(target.dropLast()) : target
        words.append(shellQuoted(base + exemplar.path))
        return words.joined(separator: " ")
    }

    /// Single quotes keep everything literal in a POSIX shell; a quote inside is closed,
    /// escaped and reopened.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || "0123456789-_./:=@%+,".unicodeScalars.contains($0)
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
