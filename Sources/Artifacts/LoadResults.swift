import Foundation

/// `load-results.json`: every phase and every request of a load run (CONTRACTS.md, "load-results.json").
///
/// The file can hold millions of records, so it is written and read as a stream: the load stage
/// writes it with `LoadGen.LoadRecorder`, later stages read it with ``LoadResultsReader``. This
/// value holds a whole file in memory and suits small files and tests.
public struct LoadResults: Codable, Sendable, Equatable {
    public static let schemaVersion = 1

    public var schema: Int
    public var meta: LoadMeta
    public var phases: [LoadPhase]
    public var records: [LoadRecord]
    public var summary: LoadSummary
    /// Request id → the request as sent, for the first few failed and successful requests per
    /// phase and endpoint: what a reproducer replays. Nil in files written before it existed.
    public var exemplars: [String: RequestExemplar]?

    public init(
        meta: LoadMeta, phases: [LoadPhase], records: [LoadRecord], summary: LoadSummary,
        exemplars: [String: RequestExemplar]? = nil
    ) {
        self.schema = Self.schemaVersion
        self.meta = meta
        self.phases = phases
        self.records = records
        self.summary = summary
        self.exemplars = exemplars
    }
}

/// One request exactly as the generator sent it, so that a developer can send it again.
public struct RequestExemplar: Codable, Sendable, Equatable {
    /// How many exemplars the generator keeps per phase and endpoint: failed requests (what a
    /// reproducer replays) and successful ones (which tell a request that fails only under a
    /// fault from one that always fails).
    public static func limit(failed: Bool) -> Int { failed ? 10 : 5 }
    /// Bodies longer than this are cut (the exemplar says so with `bodyTruncated`).
    public static let maximumBodyBytes = 4096

    public var method: String
    /// Path and query as sent, relative to the run's target.
    public var path: String
    /// As sent, with credentials (`Authorization`, `Cookie`, API keys) replaced by `<redacted>`.
    public var headers: [String: String]
    /// The body as UTF-8 text, or nil for none.
    public var body: String?
    public var bodyTruncated: Bool?

    enum CodingKeys: String, CodingKey {
        case method, path, headers, body
        case bodyTruncated = "body_truncated"
    }

    public init(method: String, path: String, headers: [(String, String)], body: [UInt8]?) {
        self.method = method
        self.path = path
        var kept: [String: String] = [:]
        for (name, value) in headers where name.lowercased() != "x-chaos-request-id" {
            kept[name] = Self.isSecret(name) ? "<redacted>" : value
        }
        self.headers = kept
        if let body, !body.isEmpty {
            let cut = body.count > Self.maximumBodyBytes
            self.body = String(decoding: cut ? Array(body.prefix(Self.maximumBodyBytes)) : body, as: UTF8.self)
            self.bodyTruncated = cut ? true : nil
        }
    }

    /// Header names that carry credentials, which a report must never print.
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["authorization", "cookie", "proxy-authorization", "x-api-key", "api-key", "x-auth-token", "x-csrftoken"]
            .contains(lower) || lower.contains("token") || lower.contains("secret") || lower.contains("password")
    }
}

/// How load was offered: a fixed number of requests in flight, or a fixed arrival rate.
public enum LoadModel: String, Codable, Sendable {
    /// `--concurrency C`: each of C workers sends its next request when the previous one ends.
    case closed
    /// `--rps R`: requests are sent at scheduled instants whatever the server does.
    case open
}

/// What was loaded, how, and what the generator itself cost.
public struct LoadMeta: Codable, Sendable, Equatable {
    /// The base URL requests were sent to.
    public var target: String
    public var model: LoadModel
    public var seed: Int
    /// Where the plan came from: its file path, `openapi:<url>` or `scan:<file>`.
    public var plan: String
    public var toolVersion: String
    public var startUnixNs: Int
    /// True when the run was interrupted (Ctrl-C, a stop signal) before it finished.
    public var partial: Bool
    /// User plus system CPU time the generator process spent during the run.
    public var generatorCpuUs: Int

    enum CodingKeys: String, CodingKey {
        case target, model, seed, plan, partial
        case toolVersion = "tool_version"
        case startUnixNs = "start_unix_ns"
        case generatorCpuUs = "generator_cpu_us"
    }

    public init(
        target: String, model: LoadModel, seed: Int, plan: String,
        toolVersion: String = ToolVersion.current, startUnixNs: Int, partial: Bool, generatorCpuUs: Int
    ) {
        self.target = target
        self.model = model
        self.seed = seed
        self.plan = plan
        self.toolVersion = toolVersion
        self.startUnixNs = startUnixNs
        self.partial = partial
        self.generatorCpuUs = generatorCpuUs
    }
}

/// One phase of a run: `baseline`, `chaos` or `ramp-<rate>`, with the runtime settings in force.
public struct LoadPhase: Codable, Sendable, Equatable {
    public var name: String
    public var startUnixNs: Int
    public var endUnixNs: Int
    /// The chaos settings during the phase (`settings.json`), or null when chaos was off.
    public var settings: JSONValue

    enum CodingKeys: String, CodingKey {
        case name, settings
        case startUnixNs = "start_unix_ns"
        case endUnixNs = "end_unix_ns"
    }

    public init(name: String, startUnixNs: Int, endUnixNs: Int, settings: JSONValue = .null) {
        self.name = name
        self.startUnixNs = startUnixNs
        self.endUnixNs = endUnixNs
        self.settings = settings
    }
}

/// What counts as an error (CONTRACTS.md "Failures"): a transport failure of a kind, or a 5xx.
public enum LoadErrorKind: String, Codable, Sendable, CaseIterable {
    case timeout, refused, reset, malformed
    case http5xx = "http_5xx"
}

/// One request as sent and as answered.
public struct LoadRecord: Codable, Sendable, Equatable {
    /// Also sent as `X-Chaos-Request-Id`, which the chaos runtime logs as `request_id`.
    public var id: String
    public var phase: String
    /// `"<METHOD> <path template>"`, the same key the scan uses.
    public var endpoint: String
    /// The flow step (`"<flow>/<step>"`) this request was, or nil for a plain request.
    public var step: String?
    public var scheduledUnixNs: Int
    public var sentUnixNs: Int
    /// From `scheduledUnixNs` in the open model, from `sentUnixNs` in the closed one.
    public var latencyUs: Int
    /// The HTTP status, or nil when no response arrived.
    public var status: Int?
    public var error: LoadErrorKind?
    /// Response body bytes received.
    public var bytes: Int

    enum CodingKeys: String, CodingKey {
        case id, phase, endpoint, step, status, error, bytes
        case scheduledUnixNs = "scheduled_unix_ns"
        case sentUnixNs = "sent_unix_ns"
        case latencyUs = "latency_us"
    }

    public init(
        id: String, phase: String, endpoint: String, step: String?, scheduledUnixNs: Int,
        sentUnixNs: Int, latencyUs: Int, status: Int?, error: LoadErrorKind?, bytes: Int
    ) {
        self.id = id
        self.phase = phase
        self.endpoint = endpoint
        self.step = step
        self.scheduledUnixNs = scheduledUnixNs
        self.sentUnixNs = sentUnixNs
        self.latencyUs = latencyUs
        self.status = status
        self.error = error
        self.bytes = bytes
    }

    // Written by hand so that absent values appear as explicit nulls, as the contract lists them.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(phase, forKey: .phase)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encode(step, forKey: .step)
        try container.encode(scheduledUnixNs, forKey: .scheduledUnixNs)
        try container.encode(sentUnixNs, forKey: .sentUnixNs)
        try container.encode(latencyUs, forKey: .latencyUs)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(bytes, forKey: .bytes)
    }

    /// The record as one compact JSON object with sorted keys, without going through an encoder:
    /// this runs once per request, on the generator's hot path.
    public func appendJSON(to out: inout [UInt8]) {
        func key(_ name: String) {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: "\":".utf8)
        }
        func number(_ value: Int) { out.append(contentsOf: String(value).utf8) }
        out.append(UInt8(ascii: "{"))
        key("bytes"); number(bytes); out.append(UInt8(ascii: ","))
        key("endpoint"); JSONValue.writeString(endpoint, to: &out); out.append(UInt8(ascii: ","))
        key("error")
        if let error { JSONValue.writeString(error.rawValue, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: ","))
        key("id"); JSONValue.writeString(id, to: &out); out.append(UInt8(ascii: ","))
        key("latency_us"); number(latencyUs); out.append(UInt8(ascii: ","))
        key("phase"); JSONValue.writeString(phase, to: &out); out.append(UInt8(ascii: ","))
        key("scheduled_unix_ns"); number(scheduledUnixNs); out.append(UInt8(ascii: ","))
        key("sent_unix_ns"); number(sentUnixNs); out.append(UInt8(ascii: ","))
        key("status")
        if let status { number(status) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: ","))
        key("step")
        if let step { JSONValue.writeString(step, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: "}"))
    }
}

/// Summaries per phase name, then per endpoint key plus `"*"` for all endpoints together.
public typealias LoadSummary = [String: [String: EndpointSummary]]

/// Counts and nearest-rank latency percentiles of one endpoint in one phase.
///
/// Percentiles cover every record of the endpoint, errors included: a timed-out request is
/// latency the caller saw. They come from an HDR histogram with 3 significant digits.
public struct EndpointSummary: Codable, Sendable, Equatable {
    public static let overallKey = "*"

    public var count: Int
    /// Requests answered below 400 without a transport error.
    public var ok: Int
    /// 5xx responses and transport errors.
    public var errors: Int
    /// 4xx responses other than 429, counted apart from errors.
    public var clientErrors: Int
    /// 429 answers: the app throttled the generator. Neither errors nor successes; absent when
    /// there were none (and in files written before it existed, which counted them as client errors).
    public var throttled: Int?
    /// errors / count, 0 when there were no requests.
    public var errorRate: Double
    public var p50Us: Int
    public var p90Us: Int
    public var p95Us: Int
    public var p99Us: Int
    public var p999Us: Int
    public var maxUs: Int

    enum CodingKeys: String, CodingKey {
        case count, ok, errors
        case clientErrors = "client_errors"
        case throttled
        case errorRate = "error_rate"
        case p50Us = "p50_us"
        case p90Us = "p90_us"
        case p95Us = "p95_us"
        case p99Us = "p99_us"
        case p999Us = "p999_us"
        case maxUs = "max_us"
    }

    public init(
        count: Int, ok: Int, errors: Int, clientErrors: Int, errorRate: Double, p50Us: Int,
        p90Us: Int, p95Us: Int, p99Us: Int, p999Us: Int, maxUs: Int, throttled: Int? = nil
    ) {
        self.throttled = throttled
        self.count = count
        self.ok = ok
        self.errors = errors
        self.clientErrors = clientErrors
        self.errorRate = errorRate
        self.p50Us = p50Us
        self.p90Us = p90Us
        self.p95Us = p95Us
        self.p99Us = p99Us
        self.p999Us = p999Us
        self.maxUs = maxUs
    }
}
