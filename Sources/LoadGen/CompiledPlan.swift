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

    init(_ plan: LoadPlan) {
        var units: [Unit] = []
        var cumulative: [UInt64] = []
        var total: UInt64 = 0
        for request in plan.requests {
            units.append(.request(CompiledRequest(request, planHeaders: plan.headers)))
            total += UInt64(max(1, request.weight))
            cumulative.append(total)
        }
        for flow in plan.flows {
            units.append(.flow(name: flow.name, steps: flow.steps.map { CompiledRequest($0, planHeaders: plan.headers) }))
            total += UInt64(max(1, flow.weight))
            cumulative.append(total)
        }
        self.units = units
        self.cumulativeWeights = cumulative
        self.params = plan.params
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
    /// The body, when it has no placeholders and so is the same for every request.
    let constantBody: ByteBuffer?
    let params: [String: [JSONValue]]
    let extract: [String: String]

    init(_ request: PlanRequest, planHeaders: [String: String]) {
        name = request.name
        endpoint = request.endpoint
        method = HTTPMethod(rawValue: request.method)
        path = request.path
        var merged = planHeaders
        for (key, value) in request.headers { merged[key] = value }
        if request.json != nil, !merged.keys.contains(where: { $0.lowercased() == "content-type" }) {
            merged["Content-Type"] = "application/json"
        }
        headers = HTTPHeaders(merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        json = request.json
        if let json = request.json, !PlanTemplate.containsPlaceholder(json) {
            constantBody = ByteBuffer(bytes: json.serialized())
        } else {
            constantBody = nil
        }
        params = request.params
        extract = request.extract
    }
}
