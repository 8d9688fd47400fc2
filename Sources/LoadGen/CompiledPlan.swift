import AsyncHTTPClient
import Artifacts
import NIOCore
import NIOHTTP1

/// A plan turned into what the hot path needs: methods parsed, headers merged, constant bodies
/// serialized once, and a cumulative weight table to pick units from.
struct CompiledPlan: Sendable {
    enum Unit: Sendable {
        case request(CompiledRequest)
        case flow(name: String, steps: [CompiledRequest])
    }

    let units: [Unit]
    let cumulativeWeights: [UInt64]
    let params: [String: [JSONValue]]
    let login: PlanLogin?
    let setup: [CompiledRequest]

    init(_ plan: LoadPlan, baseURL: String) {
        var units: [Unit] = []
        var cumulative: [UInt64] = []
        var total: UInt64 = 0
        for request in plan.requests {
            units.append(.request(CompiledRequest(request, planHeaders: plan.headers, baseURL: baseURL)))
            total += UInt64(max(1, request.weight))
            cumulative.append(total)
        }
        for flow in plan.flows {
            units.append(.flow(name: flow.name, steps: flow.steps.map { CompiledRequest($0, planHeaders: plan.headers, baseURL: baseURL) }))
            total += UInt64(max(1, flow.weight))
            cumulative.append(total)
        }
        self.units = units
        self.cumulativeWeights = cumulative
        self.params = plan.params
        self.login = plan.login
        self.setup = plan.setup.map { CompiledRequest($0, planHeaders: plan.headers, baseURL: baseURL) }
    }

    /// A unit chosen in proportion to the weights.
    func pick(_ generator: inout SeededGenerator) -> Unit {
        let draw = generator.next() % (cumulativeWeights.last ?? 1)
        var low = 0
        var high = cumulativeWeights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulativeWeights[middle] > draw { high = middle } else { low = middle + 1 }
        }
        return units[low]
    }
}

/// One request template, ready to send.
struct CompiledRequest: Sendable {
    let name: String
    let endpoint: String
    let method: HTTPMethod
    let path: String
    let headers: HTTPHeaders
    let json: JSONValue?
    let form: [String: String]?
    /// The body, when it has no placeholders and so is the same for every request.
    let constantBody: ByteBuffer?
    let params: [String: [JSONValue]]
    let extract: [String: String]
    /// The whole request, built once, when nothing in it varies but the request id:
    /// sending then skips parsing the URL again.
    let prebuilt: HTTPClient.Request?

    init(_ request: PlanRequest, planHeaders: [String: String], baseURL: String) {
        name = request.name
        endpoint = request.endpoint
        method = HTTPMethod(rawValue: request.method)
        path = request.path
        var merged = planHeaders
        for (key, value) in request.headers { merged[key] = value }
        if request.json != nil || request.form != nil, !merged.keys.contains(where: { $0.lowercased() == "content-type" }) {
            merged["Content-Type"] = request.form != nil ? FormEncoding.contentType : "application/json"
        }
        headers = HTTPHeaders(merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        json = request.json
        form = request.form
        if let json = request.json, !PlanTemplate.containsPlaceholder(json) {
            constantBody = ByteBuffer(bytes: json.serialized())
        } else if let form = request.form, form.values.allSatisfy({ PlanTemplate.placeholders(in: $0).isEmpty }) {
            constantBody = ByteBuffer(bytes: FormEncoding.encode(form))
        } else {
            constantBody = nil
        }
        params = request.params
        extract = request.extract
        if PlanTemplate.placeholders(in: request.path).isEmpty && (request.json == nil && request.form == nil || constantBody != nil) {
            prebuilt = try? HTTPClient.Request(
                url: baseURL + request.path, method: method, headers: headers, body: constantBody.map { .byteBuffer($0) })
        } else {
            prebuilt = nil
        }
    }

    /// The body with placeholders filled from `lookup`; nil for a request without one.
    func body(_ lookup: (String) -> JSONValue?) -> [UInt8]? {
        if let constantBody { return Array(constantBody.readableBytesView) }
        if let json { return PlanTemplate.fill(json, lookup).serialized() }
        if let form { return FormEncoding.encode(form.mapValues { PlanTemplate.fill($0, encode: false, lookup) }) }
        return nil
    }

    /// Methods that change state, on which Django wants the CSRF token.
    var isUnsafe: Bool { ![HTTPMethod.GET, .HEAD, .OPTIONS].contains(method) }
}
