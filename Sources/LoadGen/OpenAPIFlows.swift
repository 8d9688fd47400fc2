import Artifacts

/// Turns the producer links of an OpenAPI document into flows: one per producer collection,
/// run by one virtual user as create → read → update → actions → delete, so every id-taking
/// step gets an id the app just handed out.
enum OpenAPIFlows {
    /// Producers chained above a flow's own, at most (`/a/{a}/b/{b}/c` POST needs two first).
    static let maxChain = 3
    /// A flow stands in for several operations of weight 6 each; 6 keeps it as likely as one of them.
    static let flowWeight = 6

    /// The flows, and the operations they cover that take path parameters: those must not also
    /// go out on their own with made-up ids.
    static func build(links: OpenAPILinks, requests: [[PlanRequest]?]) -> (flows: [PlanFlow], covered: Set<Int>) {
        let operations = links.operations
        var chains: [Int: [Int]?] = [:]
        func chain(_ producer: Int, depth: Int) -> [Int]? {
            guard depth <= maxChain, requests[producer] != nil else { return nil }
            if depth == 1, let known = chains[producer] { return known }
            let parameters = operations[producer].pathParameters
            var result: [Int]? = [producer]
            if let last = parameters.last {
                result = nil
                if let binder = links.bindings[producer][last]?.producer, binder != producer,
                    let upper = chain(binder, depth: depth + 1),
                    parameters.allSatisfy({ links.bindings[producer][$0].map { upper.contains($0.producer) } == true })
                {
                    result = upper + [producer]
                }
            }
            if depth == 1 { chains[producer] = result }
            return result
        }

        var owner: [Int: Int] = [:]
        for (consumer, operation) in operations.enumerated() where requests[consumer] != nil {
            let parameters = operation.pathParameters
            guard let last = parameters.last, let producer = links.bindings[consumer][last]?.producer,
                producer != consumer, let upper = chain(producer, depth: 1),
                parameters.allSatisfy({ links.bindings[consumer][$0].map { upper.contains($0.producer) } == true })
            else { continue }
            owner[consumer] = producer
        }
        let heads = Set(owner.values)

        var flows: [PlanFlow] = []
        var covered: Set<Int> = []
        var names: Set<String> = []
        for head in heads.sorted() {
            let consumers = owner.keys.filter { owner[$0] == head && !heads.contains($0) }
                .sorted { order(operations[$0], $0).lexicographicallyPrecedes(order(operations[$1], $1)) }
            guard !consumers.isEmpty, let producers = chain(head, depth: 1) else { continue }
            let members = producers + consumers
            var name = "\(collectionName(operations[head])) lifecycle"
            if names.contains(name) { name = "\(operations[head].method.uppercased()) \(operations[head].path) lifecycle" }
            names.insert(name)
            flows.append(PlanFlow(name: name, weight: flowWeight, steps: steps(members, links: links, requests: requests)))
            covered.formUnion(members.filter { !operations[$0].pathParameters.isEmpty })
        }
        return (flows, covered)
    }

    /// Reads first, then updates, then actions (POSTs below the resource), deletes last and the
    /// deepest delete first, so the resource is gone only after everything else ran on it.
    private static func order(_ operation: OpenAPILinks.Operation, _ index: Int) -> [Int] {
        let rank = ["get": 0, "put": 1, "patch": 1, "post": 2, "delete": 3][operation.method] ?? 2
        let depth = operation.segments.count
        return [rank, rank == 3 ? -depth : depth, index]
    }

    /// `bookings` for `/api/bookings`; the last segment that is not a parameter.
    private static func collectionName(_ operation: OpenAPILinks.Operation) -> String {
        operation.segments.last { OpenAPILinks.Operation.parameterName($0) == nil }.map(String.init) ?? operation.path
    }

    /// The members' first request variants, with path parameters renamed to the flow's
    /// variables and producers extracting them.
    private static func steps(_ members: [Int], links: OpenAPILinks, requests: [[PlanRequest]?]) -> [PlanRequest] {
        var variables: [OpenAPILinks.Binding: String] = [:]
        var taken: Set<String> = []
        var renames: [Int: [String: String]] = [:]
        for member in members {
            for parameter in links.operations[member].pathParameters {
                guard let binding = links.bindings[member][parameter] else { continue }
                if variables[binding] == nil {
                    var name = parameter
                    var suffix = 2
                    while taken.contains(name) {
                        name = "\(parameter)_\(suffix)"
                        suffix += 1
                    }
                    variables[binding] = name
                    taken.insert(name)
                }
                renames[member, default: [:]][parameter] = variables[binding]!
            }
        }
        return members.map { member in
            let variants = requests[member]!
            var step = variants[0]
            if variants.count > 1, step.name.hasSuffix(" #1") { step.name = String(step.name.dropLast(3)) }
            step.weight = 1
            let rename = renames[member] ?? [:]
            let parts = step.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map { segment in
                OpenAPILinks.Operation.parameterName(segment).flatMap { rename[$0] }.map { "{\($0)}" } ?? String(segment)
            }
            step.path = path.joined(separator: "/") + (parts.count > 1 ? "?" + parts[1] : "")
            for parameter in rename.keys { step.params[parameter] = nil }
            for (binding, variable) in variables where binding.producer == member {
                step.extract[variable] = binding.source.extractPointer
            }
            return step
        }
    }
}
