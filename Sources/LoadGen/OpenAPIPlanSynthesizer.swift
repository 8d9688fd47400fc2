import Artifacts

/// Builds a plan from an OpenAPI 3 document: one request per operation, with bodies and
/// parameters built from the schemas (examples and defaults first, then enums, formats,
/// bounds and required fields). Each field gets a small set of values; the seed picks among
/// them, so the same seed gives the same plan. Operations whose path ids another operation
/// produces (``OpenAPILinks``) run in flows after their producer (``OpenAPIFlows``) instead.
public struct OpenAPIPlanSynthesizer {
    static let methods = ["get", "post", "put", "patch", "delete"]

    let document: JSONValue
    let source: String
    var generator: SeededGenerator
    /// False gives the plan of one independent request per operation, ids made up: what the
    /// synthesizer did before flows, kept so tests can measure what flows change.
    var stateful = true

    public init(document: JSONValue, source: String, seed: UInt64) {
        self.document = document
        self.source = source
        generator = SeededGenerator(seed: seed, stream: 0x0a9e_4a91, index: 0)
    }

    /// The plan, or a ``PlanError`` when the document has no operations at all.
    public mutating func plan() throws -> LoadPlan {
        guard case .object(let paths)? = document.value(atPointer: "/paths") else {
            throw PlanError(file: source, key: "paths", message: "is missing; this is not an OpenAPI 3 document.")
        }
        var plan = LoadPlan(source: source)
        var operations: [OpenAPILinks.Operation] = []
        var built: [[PlanRequest]?] = []
        // Every operation is drawn in document order, flow member or not, so a document with
        // no producers gets exactly the requests it always got from the same seed.
        for path in paths.keys.sorted() {
            guard case .object(let item) = resolve(paths[path]!) else { continue }
            let shared = item["parameters"]?.arrayValues ?? []
            for method in Self.methods {
                guard let operation = item[method].map(resolve), case .object = operation else { continue }
                let key = "\(method.uppercased()) \(path)"
                operations.append(OpenAPILinks.Operation(method: method, path: path, definition: operation))
                do {
                    built.append(try requests(method: method, path: path, operation: operation, shared: shared))
                } catch let reason as Unsynthesizable {
                    built.append(nil)
                    plan.unsynthesized.append("\(key): \(reason.message)")
                }
            }
        }
        let schemas = self
        let links = OpenAPILinks(operations: operations, flatten: { schemas.flatten($0) })
        let (flows, covered) = stateful ? OpenAPIFlows.build(links: links, requests: built) : ([], [])
        plan.flows = flows
        for (index, requests) in built.enumerated() where !covered.contains(index) {
            plan.requests.append(contentsOf: requests ?? [])
        }
        guard !plan.requests.isEmpty || !plan.flows.isEmpty else {
            throw PlanError(
                file: source, key: "paths",
                message: "has no operation a request could be built for"
                    + (plan.unsynthesized.isEmpty ? "." : ": " + plan.unsynthesized.joined(separator: "; "))
                    + " Write a plan file and pass it with --plan.")
        }
        // A document served by a mounted sub-app (`/api/openapi.json`) says where it lives in
        // `servers`: its paths are relative to that, and requests must carry it.
        if let base = basePath {
            for index in plan.requests.indices { plan.requests[index].prefixPath(base) }
            for flow in plan.flows.indices {
                for step in plan.flows[flow].steps.indices { plan.flows[flow].steps[step].prefixPath(base) }
            }
        }
        return plan
    }

    /// The path of the first server when it is one on this host (`/api`, `http://127.0.0.1/api`
    /// is not followed: the target is the host); nil for `/` or none.
    var basePath: String? {
        guard case .string(let url)? = document.value(atPointer: "/servers/0/url"), url.hasPrefix("/"), url != "/" else {
            return nil
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    private struct Unsynthesizable: Error {
        var message: String
    }

    private mutating func requests(method: String, path: String, operation: JSONValue, shared: [JSONValue]) throws
        -> [PlanRequest]
    {
        var params: [String: [JSONValue]] = [:]
        var query: [String] = []
        var headers: [String: String] = [:]
        var byName: [String: JSONValue] = [:]
        for parameter in (shared + (operation.value(atPointer: "/parameters")?.arrayValues ?? [])).map(resolve) {
            if case .string(let name)? = parameter.value(atPointer: "/name"),
                case .string(let location)? = parameter.value(atPointer: "/in")
            {
                byName["\(location):\(name)"] = parameter
            }
        }
        for key in byName.keys.sorted() {
            let parameter = byName[key]!
            guard case .string(let name)? = parameter.value(atPointer: "/name"),
                case .string(let location)? = parameter.value(atPointer: "/in")
            else { continue }
            let required = parameter.value(atPointer: "/required") == .bool(true)
            var schema = parameter.value(atPointer: "/schema") ?? .object([:])
            if let example = parameter.value(atPointer: "/example"), case .object(var members) = schema {
                members["example"] = example
                schema = .object(members)
            }
            let hasHint = schema.value(atPointer: "/example") != nil || schema.value(atPointer: "/default") != nil
            guard required || location == "path" || hasHint else { continue }
            let values = try valueSet(schema, field: "parameter \(name)")
            switch location {
            case "path":
                params[name] = values
            case "query":
                params[name] = values
                query.append("\(name)={\(name)}")
            case "header":
                headers[name] = values[0].interpolationText
            default:
                throw Unsynthesizable(message: "its required \(location) parameter \(name) cannot be sent by a plan")
            }
        }
        var bodies: [JSONValue?] = [nil]
        if let body = operation.value(atPointer: "/requestBody").map(resolve) {
            let required = body.value(atPointer: "/required") == .bool(true)
            if let schema = body.value(atPointer: "/content/application~1json/schema") {
                bodies = try bodyVariants(schema)
            } else if required {
                throw Unsynthesizable(message: "its required body is not application/json")
            }
        }
        let fullPath = query.isEmpty ? path : path + "?" + query.joined(separator: "&")
        let name = (operation.value(atPointer: "/operationId")?.interpolationText) ?? "\(method.uppercased()) \(path)"
        return bodies.enumerated().map { index, body in
            PlanRequest(
                name: bodies.count > 1 ? "\(name) #\(index + 1)" : name, method: method, path: fullPath,
                headers: headers, json: body, weight: 6 / bodies.count, params: params)
        }
    }

    /// Up to three distinct bodies, each field drawn from its value set.
    private mutating func bodyVariants(_ schema: JSONValue) throws -> [JSONValue?] {
        var variants: [JSONValue] = []
        for _ in 0..<3 {
            let body = try draw(schema, field: "body", depth: 0)
            if !variants.contains(body) { variants.append(body) }
        }
        return variants
    }

    private mutating func draw(_ raw: JSONValue, field: String, depth: Int) throws -> JSONValue {
        let schema = flatten(raw)
        guard depth < 8 else { throw Unsynthesizable(message: "\(field) nests deeper than 8 levels") }
        if schemaType(schema) == "object" || schema.value(atPointer: "/properties") != nil {
            if let example = schema.value(atPointer: "/example") ?? schema.value(atPointer: "/default") {
                return example
            }
            guard case .object(let properties)? = schema.value(atPointer: "/properties") else {
                return .object([:])
            }
            let required = Set((schema.value(atPointer: "/required")?.arrayValues ?? []).map(\.interpolationText))
            var members: [String: JSONValue] = [:]
            for name in properties.keys.sorted() {
                let property = flatten(properties[name]!)
                let hinted = property.value(atPointer: "/example") != nil || property.value(atPointer: "/default") != nil
                guard required.contains(name) || hinted else { continue }
                members[name] = try draw(property, field: "\(field).\(name)", depth: depth + 1)
            }
            return .object(members)
        }
        if schemaType(schema) == "array" {
            if let example = schema.value(atPointer: "/example") ?? schema.value(atPointer: "/default") { return example }
            let items = schema.value(atPointer: "/items") ?? .object([:])
            var count = 1
            if case .int(let minimum)? = schema.value(atPointer: "/minItems") { count = max(1, min(minimum, 5)) }
            var values: [JSONValue] = []
            for index in 0..<count { values.append(try draw(items, field: "\(field)[\(index)]", depth: depth + 1)) }
            return .array(values)
        }
        let values = try valueSet(schema, field: field)
        return values[Int(generator.next() % UInt64(values.count))]
    }

    /// A small set of valid values for a scalar schema, most trustworthy first.
    private func valueSet(_ raw: JSONValue, field: String) throws -> [JSONValue] {
        let schema = flatten(raw)
        if let example = schema.value(atPointer: "/example") { return [example] }
        if case .array(let examples)? = schema.value(atPointer: "/examples"), !examples.isEmpty {
            return Array(examples.prefix(3))
        }
        if let value = schema.value(atPointer: "/default") { return [value] }
        if let value = schema.value(atPointer: "/const") { return [value] }
        if case .array(let options)? = schema.value(atPointer: "/enum"), !options.isEmpty {
            return Array(options.prefix(3))
        }
        switch schemaType(schema) {
        case "string":
            let format = schema.value(atPointer: "/format")?.interpolationText ?? ""
            switch format {
            case "date": return [.string("2030-01-15"), .string("2030-06-01")]
            case "date-time": return [.string("2030-01-15T10:00:00Z"), .string("2030-06-01T18:30:00Z")]
            case "email": return [.string("ada@example.com"), .string("grace@example.com")]
            case "uuid":
                return [.string("6f1c1f3e-8a3b-4c59-9a55-0d3c2f0b7a11"), .string("0b0d9a9e-52f4-4e2a-8f0e-3b2f7f6c1d22")]
            case "uri", "url": return [.string("http://127.0.0.1/")]
            default: break
            }
            if schema.value(atPointer: "/pattern") != nil {
                throw Unsynthesizable(message: "\(field) must match a pattern, and no example is given")
            }
            var minimum = 1
            var maximum = 12
            if case .int(let value)? = schema.value(atPointer: "/minLength") { minimum = value }
            if case .int(let value)? = schema.value(atPointer: "/maxLength") { maximum = value }
            guard minimum <= maximum else { throw Unsynthesizable(message: "\(field) has minLength above maxLength") }
            return ["sample", "test"].map { word in
                var text = word
                while text.count < minimum { text += word }
                return .string(String(text.prefix(max(minimum, min(maximum, text.count)))))
            }
        case "integer", "number":
            let integer = schemaType(schema) == "integer"
            var low = number(schema.value(atPointer: "/minimum")) ?? number(schema.value(atPointer: "/exclusiveMinimum")).map { $0 + 1 }
            var high = number(schema.value(atPointer: "/maximum")) ?? number(schema.value(atPointer: "/exclusiveMaximum")).map { $0 - 1 }
            if low == nil && high == nil { low = 1; high = 10 }
            if low == nil { low = min(1, high!) }
            if high == nil { high = max(low! + 9, low!) }
            guard low! <= high! else { throw Unsynthesizable(message: "\(field) has minimum above maximum") }
            let middle = (low! + high!) / 2
            let candidates = [low!, integer ? middle.rounded(.down) : middle, high!]
            var values: [JSONValue] = []
            for candidate in candidates {
                let value: JSONValue = integer ? .int(Int(candidate)) : .double(candidate)
                if !values.contains(value) { values.append(value) }
            }
            return values
        case "boolean":
            return [.bool(true), .bool(false)]
        case "null":
            return [.null]
        default:
            throw Unsynthesizable(message: "\(field) has no type, example or default to build a value from")
        }
    }

    private func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: return nil
        }
    }

    private func schemaType(_ schema: JSONValue) -> String? {
        switch schema.value(atPointer: "/type") {
        case .string(let type)?: return type
        case .array(let types)?: return types.map(\.interpolationText).first { $0 != "null" }
        default: return nil
        }
    }

    /// Follows `$ref` (local only) and merges `allOf`; picks the first non-null `anyOf`/`oneOf` branch.
    private func flatten(_ raw: JSONValue) -> JSONValue {
        let schema = resolve(raw)
        guard case .object(var members) = schema else { return schema }
        for key in ["anyOf", "oneOf"] {
            if case .array(let options)? = members[key] {
                let choice = options.map(resolve).first { $0.value(atPointer: "/type") != .string("null") }
                if let choice, case .object(let chosen) = flatten(choice) {
                    members[key] = nil
                    members.merge(chosen) { current, _ in current }
                }
            }
        }
        if case .array(let parts)? = members["allOf"] {
            members["allOf"] = nil
            var required: [JSONValue] = members["required"]?.arrayValues ?? []
            var properties: [String: JSONValue] = [:]
            if case .object(let own)? = members["properties"] { properties = own }
            for part in parts {
                guard case .object(let merged) = flatten(part) else { continue }
                if case .object(let more)? = merged["properties"] { properties.merge(more) { current, _ in current } }
                required += merged["required"]?.arrayValues ?? []
                members.merge(merged.filter { $0.key != "properties" && $0.key != "required" }) { current, _ in current }
            }
            if !properties.isEmpty { members["properties"] = .object(properties) }
            if !required.isEmpty { members["required"] = .array(required) }
        }
        return .object(members)
    }

    private func resolve(_ value: JSONValue) -> JSONValue {
        var current = value
        for _ in 0..<16 {
            guard case .string(let reference)? = current.value(atPointer: "/$ref"), reference.hasPrefix("#"),
                let target = document.value(atPointer: String(reference.dropFirst()))
            else { return current }
            current = target
        }
        return current
    }
}
