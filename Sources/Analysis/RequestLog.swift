import Artifacts

/// The load records of a run in a compact form the detectors can scan many times: one
/// ``Request`` per record, endpoints and phases as indexes, and a map from request id to index.
struct RequestLog {
    /// One request as the detectors see it: when it was in flight and how it ended.
    struct Request {
        var id: String
        var phase: Int
        var endpoint: Int
        /// When the generator sent it.
        var sentNs: Int
        /// When its response (or its transport error) arrived.
        var endNs: Int
        var latencyUs: Int
        var status: Int?
        var error: LoadErrorKind?

        /// A 5xx or a transport error (CONTRACTS.md "Failures").
        var isError: Bool { error != nil || (status ?? 0) >= 500 }
        /// A 4xx without a transport error, counted apart from errors.
        var isClientError: Bool { !isError && (400..<500).contains(status ?? 0) }
    }

    private(set) var requests: [Request] = []
    private(set) var endpoints: [String] = []
    private(set) var phases: [String] = []
    private var endpointIndex: [String: Int] = [:]
    private var phaseIndex: [String: Int] = [:]
    private var idIndex: [String: Int] = [:]
    /// Records whose id repeats an earlier one; the join keeps the first.
    private(set) var duplicateIds = 0

    init() {}

    init(records: [LoadRecord], model: LoadModel) {
        for record in records { append(record, model: model) }
    }

    mutating func append(_ record: LoadRecord, model: LoadModel) {
        let endpoint = Self.index(of: record.endpoint, in: &endpoints, map: &endpointIndex)
        let phase = Self.index(of: record.phase, in: &phases, map: &phaseIndex)
        // The latency runs from the scheduled instant in the open model, from the send in the closed one.
        let origin = model == .open ? record.scheduledUnixNs : record.sentUnixNs
        let request = Request(
            id: record.id, phase: phase, endpoint: endpoint, sentNs: record.sentUnixNs,
            endNs: max(record.sentUnixNs, origin + record.latencyUs * 1000), latencyUs: max(0, record.latencyUs),
            status: record.status, error: record.error)
        if idIndex[record.id] == nil {
            idIndex[record.id] = requests.count
        } else {
            duplicateIds += 1
        }
        requests.append(request)
    }

    /// The index of the request with this id (the `X-Chaos-Request-Id` it was sent with).
    func index(ofId id: String) -> Int? { idIndex[id] }

    func phaseIndex(named name: String) -> Int? { phaseIndex[name] }

    func endpointIndex(of key: String) -> Int? { endpointIndex[key] }

    private static func index(of name: String, in names: inout [String], map: inout [String: Int]) -> Int {
        if let existing = map[name] { return existing }
        map[name] = names.count
        names.append(name)
        return names.count - 1
    }
}
