import Artifacts

/// One streamed pass over the records of load-results.json: error counts by kind, and the
/// requests the latency chart draws, chosen deterministically so a file of any size draws at
/// most `cap` points.
struct RecordPass {
    /// A request as the latency chart draws it.
    struct Sample: Equatable {
        var sentUnixNs: Int
        var latencyUs: Int
        var phase: String
        var failed: Bool
    }

    /// phase → endpoint (and `"*"`) → error kind → count.
    private(set) var errorKinds: [String: [String: [String: Int]]] = [:]
    private(set) var samples: [Sample] = []
    private(set) var records = 0
    /// Every `stride`-th record is drawn.
    let stride: Int

    /// `expected` is the number of records the summary announces; it sets the stride.
    init(expected: Int, cap: Int) {
        stride = max(1, (expected + cap - 1) / cap)
    }

    mutating func add(_ record: LoadRecord) {
        if let error = record.error {
            errorKinds[record.phase, default: [:]][record.endpoint, default: [:]][error.rawValue, default: 0] += 1
            errorKinds[record.phase, default: [:]][EndpointSummary.overallKey, default: [:]][error.rawValue, default: 0] += 1
        }
        if records % stride == 0 {
            samples.append(
                Sample(sentUnixNs: record.sentUnixNs, latencyUs: record.latencyUs, phase: record.phase, failed: record.error != nil))
        }
        records += 1
    }
}
