import Artifacts

/// A traceback from the app's log, resolved against the app's original source.
struct ResolvedTraceback {
    /// The exception reported: the one raised at `location` (the last exception of the chain that
    /// has a frame in the app), or the last exception when none has.
    var exception: String
    var message: String
    /// The deepest frame inside the app, on its original line.
    var location: SourceLocation?
    /// Every app frame of that exception, outermost first.
    var appFrames: [SourceLocation]
    /// True when an exception of the chain is one the chaos runtime raised.
    var injected: Bool
    var requestIds: [String]
    /// The log file and line where it starts.
    var log: String
    var firstLine: Int

    /// The marker every exception the runtime raises carries in its message.
    static let injectedMarker = "chaos-test: injected"

    /// Parses every log, resolves frames through `mapper`, and ties `chaos-test: request <id>
    /// failed:` lines to the nearest traceback of the same exception type.
    static func resolve(logs: [(name: String, text: String)], mapper: SourceMapper) -> [ResolvedTraceback] {
        var resolved: [ResolvedTraceback] = []
        for log in logs {
            let reports = TracebackParser.parse(log.text)
            var forLog = reports.map { resolve($0, log: log.name, mapper: mapper) }
            for failure in TracebackParser.requestFailures(in: log.text) {
                let name = TracebackParser.shortName(failure.exception)
                var best: (index: Int, distance: Int)?
                for (index, report) in reports.enumerated()
                where report.blocks.contains(where: { TracebackParser.shortName($0.exception) == name }) {
                    let distance =
                        failure.line < report.firstLine
                        ? report.firstLine - failure.line
                        : max(0, failure.line - report.lastLine)
                    if best == nil || distance < best!.distance { best = (index, distance) }
                }
                if let best, !forLog[best.index].requestIds.contains(failure.requestId) {
                    forLog[best.index].requestIds.append(failure.requestId)
                }
            }
            resolved.append(contentsOf: forLog)
        }
        return resolved
    }

    static func resolve(_ report: ParsedTraceback, log: String, mapper: SourceMapper) -> ResolvedTraceback {
        let injected = report.blocks.contains { $0.message.contains(injectedMarker) }
        for block in report.blocks.reversed() {
            let frames = block.frames.compactMap { mapper.location(of: $0) }
            if let deepest = frames.last {
                return ResolvedTraceback(
                    exception: block.exception, message: block.message, location: deepest, appFrames: frames,
                    injected: injected, requestIds: [], log: log, firstLine: report.firstLine)
            }
        }
        let last = report.blocks.last!
        return ResolvedTraceback(
            exception: last.exception, message: last.message, location: nil, appFrames: [], injected: injected,
            requestIds: [], log: log, firstLine: report.firstLine)
    }

    /// Groups tracebacks with the same exception and deepest app frame, most frequent first.
    static func groups(_ tracebacks: [ResolvedTraceback]) -> [TracebackGroup] {
        struct Key: Hashable {
            var exception: String
            var location: SourceLocation?
        }
        var order: [Key] = []
        var byKey: [Key: TracebackGroup] = [:]
        for traceback in tracebacks {
            let key = Key(exception: traceback.exception, location: traceback.location)
            if var group = byKey[key] {
                group.count += 1
                for id in traceback.requestIds where !group.requestIds.contains(id) { group.requestIds.append(id) }
                byKey[key] = group
            } else {
                order.append(key)
                byKey[key] = TracebackGroup(
                    exception: traceback.exception, message: traceback.message, file: traceback.location?.file ?? "",
                    line: traceback.location?.line ?? 0, function: traceback.location?.function ?? "", count: 1,
                    requestIds: traceback.requestIds)
            }
        }
        return order.map { byKey[$0]! }.enumerated().sorted { lhs, rhs in
            lhs.element.count != rhs.element.count ? lhs.element.count > rhs.element.count : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
