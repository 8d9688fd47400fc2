/// Requests sent right after an earlier answer ended: where a connection-level failure is that
/// answer's echo (the server closed the connection both used) rather than a failure of its own.
struct FollowOnWindow {
    /// End times of the answers that can have echoes, sorted, with the request of each.
    private let ends: [Int]
    private let sources: [Int]
    private let windowNs: Int

    init(_ context: AnalysisContext, echoing: (_ index: Int, _ request: RequestLog.Request) -> Bool) {
        let requests = context.requests.requests
        let chosen = requests.indices.filter { echoing($0, requests[$0]) }.sorted { requests[$0].endNs < requests[$1].endNs }
        ends = chosen.map { requests[$0].endNs }
        sources = chosen
        windowNs = context.thresholds.followOnWindowUs * 1000
    }

    var isEmpty: Bool { ends.isEmpty }

    /// The request whose answer ended last at or before `sentNs`, when that was within the window.
    func source(ofRequestSentAt sentNs: Int) -> Int? {
        let before = ThreadPoolExhaustionDetector.countAtOrBelow(sentNs, ends)
        guard before > 0, sentNs - ends[before - 1] <= windowNs else { return nil }
        return sources[before - 1]
    }
}
