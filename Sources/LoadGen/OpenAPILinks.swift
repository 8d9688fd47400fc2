import Artifacts
import Foundation

/// Which operation produces each path parameter of the others, so that a flow can create a
/// resource and then reach `/bookings/{booking_id}` with the id it got back instead of a
/// made-up one (which only ever earns a 404).
///
/// Explicit OpenAPI `links` on a 2xx response come first. Otherwise a producer is a POST (or a
/// PUT to a collection path) whose 2xx JSON response has an id-like field, or that declares a
/// `Location` header; it feeds the parameter right after its own path in the paths under it
/// (`POST /bookings` feeds `{booking_id}` in `/bookings/{booking_id}/confirm`), by name: the
/// response field of the parameter's own name, else `id`, `uuid`, `pk`, `key`, `<singular>_id`.
struct OpenAPILinks {
    /// One operation of the document, in the synthesizer's order (paths sorted, then methods).
    struct Operation {
        /// Lower-case, as the document spells it.
        var method: String
        var path: String
        var definition: JSONValue

        var segments: [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

        /// The path parameters in the order they appear.
        var pathParameters: [String] { segments.compactMap(Self.parameterName) }

        static func parameterName(_ segment: Substring) -> String? {
            guard segment.hasPrefix("{"), segment.hasSuffix("}"), segment.count > 2 else { return nil }
            return String(segment.dropFirst().dropLast())
        }

        /// The path with every parameter written `{}`, so `/p/{id}/t` and `/p/{pid}/t` compare equal.
        static func shape(_ segments: some Collection<Substring>) -> String {
            "/" + segments.map { parameterName($0) == nil ? String($0) : "{}" }.joined(separator: "/")
        }
    }

    /// Where in the producer's response the value is.
    enum Source: Hashable {
        /// An RFC 6901 pointer into the JSON body.
        case body(String)
        /// The last path segment of the `Location` header.
        case location

        /// The `extract:` value a flow step uses for it.
        var extractPointer: String {
            switch self {
            case .body(let pointer): return pointer
            case .location: return PlanRequest.locationPointer
            }
        }
    }

    struct Binding: Hashable {
        var producer: Int
        var source: Source
    }

    static let idFields = ["id", "uuid", "pk", "key"]

    let operations: [Operation]
    /// For each operation (by index), the producer of each of its path parameters that has one.
    private(set) var bindings: [[String: Binding]]

    init(operations: [Operation], flatten: (JSONValue) -> JSONValue) {
        self.operations = operations
        bindings = Array(repeating: [:], count: operations.count)
        let responses = operations.map { Self.successResponse($0.definition, flatten: flatten) }
        var byShape: [String: [Int]] = [:]
        for (index, operation) in operations.enumerated() where Self.isCollectionWrite(operation) {
            guard responses[index] != nil else { continue }
            byShape[Operation.shape(operation.segments), default: []].append(index)
        }
        for (consumer, operation) in operations.enumerated() {
            let segments = operation.segments
            for (position, segment) in segments.enumerated() {
                guard let name = Operation.parameterName(segment) else { continue }
                let shape = Operation.shape(segments.prefix(position))
                for producer in byShape[shape] ?? [] where producer != consumer {
                    let singular = Self.singular(segments.prefix(position).last.map { String($0) } ?? "")
                    if let source = Self.source(for: name, singular: singular, in: responses[producer]!) {
                        bindings[consumer][name] = Binding(producer: producer, source: source)
                        break
                    }
                }
            }
        }
        // Explicit links override what was inferred, parameter by parameter.
        for (producer, operation) in operations.enumerated() {
            for (target, parameter, source) in explicitLinks(operation.definition, flatten: flatten) {
                guard let consumer = target, operations[consumer].pathParameters.contains(parameter) else { continue }
                bindings[consumer][parameter] = Binding(producer: producer, source: source)
            }
        }
    }

    /// POST anywhere, or PUT to a path that does not end in a parameter: both create.
    static func isCollectionWrite(_ operation: Operation) -> Bool {
        operation.method == "post"
            || (operation.method == "put" && operation.segments.last.flatMap(Operation.parameterName) == nil)
    }

    /// The lowest 2xx response: its JSON schema's top-level fields, and whether it sets `Location`.
    struct Response {
        var fields: Set<String>
        var setsLocation: Bool
    }

    static func successResponse(_ definition: JSONValue, flatten: (JSONValue) -> JSONValue) -> Response? {
        guard case .object(let responses)? = definition.value(atPointer: "/responses") else { return nil }
        guard let code = responses.keys.filter({ $0.hasPrefix("2") }).sorted().first else { return nil }
        let response = flatten(responses[code]!)
        var fields: Set<String> = []
        if let schema = response.value(atPointer: "/content/application~1json/schema"),
            case .object(let properties)? = flatten(schema).value(atPointer: "/properties")
        {
            fields = Set(properties.keys)
        }
        var setsLocation = false
        if case .object(let headers)? = response.value(atPointer: "/headers") {
            setsLocation = headers.keys.contains { $0.lowercased() == "location" }
        }
        guard !fields.isEmpty || setsLocation else { return nil }
        return Response(fields: fields, setsLocation: setsLocation)
    }

    static func isIdLike(_ name: String) -> Bool {
        let lower = name.lowercased()
        return idFields.contains(lower) || idFields.contains { lower.hasSuffix("_" + $0) } || name.hasSuffix("Id")
    }

    /// The response field that holds `name`, by the rules in the type's comment.
    static func source(for name: String, singular: String, in response: Response) -> Source? {
        if response.fields.contains(name) { return .body("/" + escape(name)) }
        guard isIdLike(name) else { return nil }
        for field in idFields + [singular + "_id"] where response.fields.contains(field) {
            return .body("/" + escape(field))
        }
        return response.setsLocation ? .location : nil
    }

    /// `bookings` → `booking`, `categories` → `category`; good enough to match `<singular>_id`.
    static func singular(_ word: String) -> String {
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("s") { return String(word.dropLast()) }
        return word
    }

    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `(target operation, its path parameter, source)` for each usable parameter of each link
    /// on the operation's 2xx responses; expressions other than the response body or the
    /// `Location` header (e.g. `$request.path.id`) cannot bind a fresh id and are skipped.
    private func explicitLinks(_ definition: JSONValue, flatten: (JSONValue) -> JSONValue) -> [(Int?, String, Source)] {
        guard case .object(let responses)? = definition.value(atPointer: "/responses") else { return [] }
        var found: [(Int?, String, Source)] = []
        for code in responses.keys.sorted() where code.hasPrefix("2") {
            // Responses and links may be `$ref`s into `components`.
            guard case .object(let links)? = flatten(responses[code]!).value(atPointer: "/links") else { continue }
            for name in links.keys.sorted() {
                let link = flatten(links[name]!)
                let target = targetOperation(link)
                guard case .object(let parameters)? = link.value(atPointer: "/parameters") else { continue }
                for parameter in parameters.keys.sorted() {
                    guard case .string(let expression) = parameters[parameter]! else { continue }
                    let plain = parameter.hasPrefix("path.") ? String(parameter.dropFirst(5)) : parameter
                    if expression.hasPrefix("$response.body#") {
                        found.append((target, plain, .body(String(expression.dropFirst("$response.body#".count)))))
                    } else if expression.lowercased() == "$response.header.location" {
                        found.append((target, plain, .location))
                    }
                }
            }
        }
        return found
    }

    /// The operation a link names by `operationId`, or by a local `operationRef`
    /// (`#/paths/~1bookings~1{booking_id}/get`).
    private func targetOperation(_ link: JSONValue) -> Int? {
        if case .string(let id)? = link.value(atPointer: "/operationId") {
            return operations.firstIndex { $0.definition.value(atPointer: "/operationId") == .string(id) }
        }
        guard case .string(let reference)? = link.value(atPointer: "/operationRef"), reference.hasPrefix("#/paths/")
        else { return nil }
        let tokens = reference.dropFirst("#/paths/".count).split(separator: "/").map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
        guard tokens.count == 2 else { return nil }
        return operations.firstIndex { $0.path == tokens[0] && $0.method == tokens[1].lowercased() }
    }
}
