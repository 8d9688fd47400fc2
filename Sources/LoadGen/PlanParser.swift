import Artifacts
import Foundation
import Yams

/// Reads and validates a plan file, YAML or JSON (JSON is read as YAML 1.2, which keeps line numbers).
///
/// ```yaml
/// headers: {Accept: application/json}
/// params: {city: [Paris, Lima]}
/// requests:
///   - {name: search, method: POST, path: /api/search, json: {to: "{city}"}, weight: 50}
/// flows:
///   - name: book
///     steps:
///       - {name: search, method: POST, path: /api/search, json: {}, extract: {id: /results/0/id}}
///       - {name: book, method: POST, path: /api/bookings, json: {itinerary_id: "{id}"}}
///
/// A plan may also log each virtual user in and create data once before the first phase;
/// `{env.NAME}` in headers, bodies and form fields is read from the environment:
///
/// ```yaml
/// login: {path: /login, form: {username: "{env.CHAOS_USER}", password: "{env.CHAOS_PASSWORD}"}, csrf: true}
/// setup:
///   - {method: POST, path: /projects, json: {name: load}, extract: {project_id: /id}}
/// requests:
///   - {method: GET, path: "/projects/{project_id}/tasks"}
/// ```
public enum PlanParser {
    /// Request bodies above this size are refused: a plan is not a way to upload files.
    public static let maxBodyBytes = 1 << 20

    static let topLevelKeys = ["name", "headers", "params", "login", "setup", "requests", "flows"]
    static let requestKeys = ["name", "method", "path", "headers", "json", "form", "weight", "params", "extract"]
    static let loginKeys = ["method", "path", "page", "form", "json", "headers", "csrf", "token"]
    static let flowKeys = ["name", "weight", "steps"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// Reads the plan at `path`; every problem is a ``PlanError`` naming the file, line and key.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LoadPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PlanError(file: path, key: "", message: "cannot be read; check that the plan file exists.")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PlanError(file: path, key: "", message: "is not UTF-8 text; save the plan as UTF-8 YAML or JSON.")
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Parses plan text; `file` names it in errors, `environment` fills `{env.NAME}`.
    public static func parse(
        _ text: String, file: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LoadPlan {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        }
        guard let root else {
            throw PlanError(file: file, key: "", message: "is empty; a plan needs `requests:` or `flows:`.")
        }
        return try Parse(file: file, environment: environment).plan(root)
    }

    private static func syntaxError(_ error: YamlError, file: String) -> PlanError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return PlanError(
                file: file, line: mark.line, column: mark.column, key: "",
                message: "is not valid YAML or JSON: \(problem). Fix the syntax at this line.")
        default:
            return PlanError(file: file, key: "", message: "is not valid YAML or JSON: \(error).")
        }
    }
}

/// One validation pass over a composed YAML tree.
private struct Parse {
    let file: String
    let environment: [String: String]

    /// `text` with every `{env.NAME}` replaced by the variable's value; an unset one is an error.
    func substituted(_ text: String, _ node: Node, _ key: String) throws -> String {
        guard text.contains("{env.") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{env.") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                output += rest[open.lowerBound...]
                return output
            }
            let name = String(rest[open.upperBound..<close])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw error(node, key, "'{env.\(name)}' is not an environment variable name; use letters, digits and _.")
            }
            guard let value = environment[name] else {
                throw error(node, key, "uses {env.\(name)}, but \(name) is not set; export \(name) before running, so the secret stays out of the plan.")
            }
            output += value
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    func error(_ node: Node?, _ key: String, _ message: String) -> PlanError {
        PlanError(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, key: key, message: message)
    }

    func mapping(_ node: Node, _ key: String) throws -> [(String, Node, Node)] {
        guard let mapping = node.mapping else {
            throw error(node, key, "must be a mapping of keys to values, not \(describe(node)).")
        }
        var seen = Set<String>()
        return try mapping.map { pair in
            guard let name = pair.key.scalar?.string else {
                throw error(pair.key, key, "has a key that is not a plain string.")
            }
            guard seen.insert(name).inserted else {
                throw error(pair.key, key.isEmpty ? name : "\(key).\(name)", "appears twice; keep one.")
            }
            return (name, pair.key, pair.value)
        }
    }

    func checkKeys(_ members: [(String, Node, Node)], allowed: [String], at key: String) throws {
        for (name, keyNode, _) in members where !allowed.contains(name) {
            let path = key.isEmpty ? name : "\(key).\(name)"
            throw error(keyNode, path, "is not a known key; use one of \(allowed.joined(separator: ", ")).")
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar): return "the scalar '\(scalar.string)'"
        case .alias: return "an alias"
        }
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard let scalar = node.scalar, node.tag.rawValue != Tag.Name.null.rawValue else {
            throw error(node, key, "must be a string, not \(describe(node)).")
        }
        return scalar.string
    }

    func positiveInt(_ node: Node, _ key: String) throws -> Int {
        guard let value = node.int, value > 0 else {
            throw error(node, key, "must be a whole number above 0, not \(describe(node)).")
        }
        return value
    }

    func stringMap(_ node: Node, _ key: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for (name, _, value) in try mapping(node, key) {
            result[name] = try substituted(try string(value, "\(key).\(name)"), value, "\(key).\(name)")
        }
        return result
    }

    func json(_ node: Node, _ key: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let value = node.bool { return .bool(value) }
                if let value = node.int { return .int(value) }
                if let value = node.float { return .double(value) }
            }
            return .string(try substituted(scalar.string, node, key))
        case .sequence(let sequence):
            return .array(try sequence.enumerated().map { try json($1, "\(key)[\($0)]") })
        case .mapping:
            var members: [String: JSONValue] = [:]
            for (name, _, value) in try mapping(node, key) {
                members[name] = try json(value, "\(key).\(name)")
            }
            return .object(members)
        case .alias:
            throw error(node, key, "uses a YAML alias; write the value out in full.")
        }
    }

    func params(_ node: Node, _ key: String) throws -> [String: [JSONValue]] {
        var result: [String: [JSONValue]] = [:]
        for (name, _, value) in try mapping(node, key) {
            let path = "\(key).\(name)"
            let values: [JSONValue]
            if case .sequence = value {
                values = try json(value, path).arrayValues
            } else {
                values = [try json(value, path)]
            }
            guard !values.isEmpty else {
                throw error(value, path, "is an empty list; give at least one value.")
            }
            if values.contains(where: \.isContainer) {
                throw error(value, path, "must be a value or a list of plain values (strings, numbers, booleans).")
            }
            result[name] = values
        }
        return result
    }

    func plan(_ root: Node) throws -> LoadPlan {
        let members = try mapping(root, "")
        try checkKeys(members, allowed: PlanParser.topLevelKeys, at: "")
        var plan = LoadPlan(source: file)
        var requestsNode: Node?
        var flowsNode: Node?
        var setupNode: Node?
        for (name, _, value) in members {
            switch name {
            case "name": _ = try string(value, "name")
            case "headers": plan.headers = try stringMap(value, "headers")
            case "params": plan.params = try params(value, "params")
            case "requests": requestsNode = value
            case "flows": flowsNode = value
            case "login": plan.login = try login(value, "login")
            case "setup": setupNode = value
            default: break
            }
        }
        var globals = Set(plan.params.keys)
        if let setupNode {
            guard let list = setupNode.sequence, !list.isEmpty else {
                throw error(setupNode, "setup", "must be a non-empty list of requests, not \(describe(setupNode)).")
            }
            for (index, node) in list.enumerated() {
                let step = try request(node, "setup[\(index)]", known: globals, allowExtract: true)
                globals.formUnion(step.extract.keys)
                plan.setup.append(step)
            }
        }
        if let requestsNode {
            guard let list = requestsNode.sequence else {
                throw error(requestsNode, "requests", "must be a list of requests, not \(describe(requestsNode)).")
            }
            plan.requests = try list.enumerated().map { index, node in
                try request(node, "requests[\(index)]", known: globals, allowExtract: false)
            }
        }
        if let flowsNode {
            guard let list = flowsNode.sequence else {
                throw error(flowsNode, "flows", "must be a list of flows, not \(describe(flowsNode)).")
            }
            plan.flows = try list.enumerated().map { index, node in
                try flow(node, "flows[\(index)]", globals: globals)
            }
        }
        guard !plan.requests.isEmpty || !plan.flows.isEmpty else {
            throw error(root, "", "has no `requests:` and no `flows:`; add at least one request.")
        }
        return plan
    }

    func login(_ node: Node, _ key: String) throws -> PlanLogin {
        let members = try mapping(node, key)
        try checkKeys(members, allowed: PlanParser.loginKeys, at: key)
        var method = "POST"
        var path: String?
        var page: String?
        var form: [String: String]?
        var body: JSONValue?
        var headers: [String: String] = [:]
        var csrf = false
        var token: String?
        for (member, _, value) in members {
            let memberKey = "\(key).\(member)"
            switch member {
            case "method":
                let text = try string(value, memberKey).uppercased()
                guard ["POST", "PUT", "PATCH"].contains(text) else {
                    throw error(value, memberKey, "'\(text)' cannot carry credentials; use POST (the default), PUT or PATCH.")
                }
                method = text
            case "path", "page":
                let text = try string(value, memberKey)
                guard text.hasPrefix("/") else {
                    throw error(value, memberKey, "'\(text)' must start with '/'; the target URL is given by --url.")
                }
                if member == "path" { path = text } else { page = text }
            case "form": form = try stringMap(value, memberKey)
            case "json": body = try json(value, memberKey)
            case "headers": headers = try stringMap(value, memberKey)
            case "csrf":
                guard let flag = value.bool else { throw error(value, memberKey, "must be true or false, not \(describe(value)).") }
                csrf = flag
            case "token":
                let pointer = try string(value, memberKey)
                guard pointer.hasPrefix("/") else {
                    throw error(value, memberKey, "'\(pointer)' is not a JSON pointer; write where the answer holds the token, like /access_token.")
                }
                token = pointer
            default: break
            }
        }
        guard let path else {
            throw error(node, "\(key).path", "is missing; give the login endpoint, such as /login or /token.")
        }
        if form != nil && body != nil {
            throw error(node, key, "has both `form:` and `json:`; a login sends one body.")
        }
        guard form != nil || body != nil else {
            throw error(node, key, "has no `form:` or `json:`; give the credentials, such as form: {username: \"{env.CHAOS_USER}\", password: \"{env.CHAOS_PASSWORD}\"}.")
        }
        return PlanLogin(method: method, path: path, form: form, json: body, headers: headers, csrf: csrf, page: page, token: token)
    }

    func flow(_ node: Node, _ key: String, globals: Set<String>) throws -> PlanFlow {
        let members = try mapping(node, key)
        try checkKeys(members, allowed: PlanParser.flowKeys, at: key)
        var name: String?
        var weight = 1
        var stepsNode: Node?
        for (member, _, value) in members {
            switch member {
            case "name": name = try string(value, "\(key).name")
            case "weight": weight = try positiveInt(value, "\(key).weight")
            case "steps": stepsNode = value
            default: break
            }
        }
        guard let name else { throw error(node, "\(key).name", "is missing; give every flow a name.") }
        guard let stepsNode, let list = stepsNode.sequence, !list.isEmpty else {
            throw error(stepsNode ?? node, "\(key).steps", "must be a non-empty list of requests.")
        }
        var known = globals
        var steps: [PlanRequest] = []
        for (index, stepNode) in list.enumerated() {
            let step = try request(stepNode, "\(key).steps[\(index)]", known: known, allowExtract: true)
            known.formUnion(step.extract.keys)
            steps.append(step)
        }
        return PlanFlow(name: name, weight: weight, steps: steps)
    }

    func request(_ node: Node, _ key: String, known: Set<String>, allowExtract: Bool) throws -> PlanRequest {
        let members = try mapping(node, key)
        try checkKeys(members, allowed: PlanParser.requestKeys, at: key)
        var name: String?
        var method: String?
        var path: String?
        var headers: [String: String] = [:]
        var body: JSONValue?
        var form: [String: String]?
        var weight = 1
        var localParams: [String: [JSONValue]] = [:]
        var extract: [String: String] = [:]
        var pathNode: Node?
        for (member, keyNode, value) in members {
            let memberKey = "\(key).\(member)"
            switch member {
            case "name": name = try string(value, memberKey)
            case "method":
                let text = try string(value, memberKey).uppercased()
                guard PlanParser.methods.contains(text) else {
                    throw error(value, memberKey, "'\(text)' is not an HTTP method; use one of \(PlanParser.methods.joined(separator: ", ")).")
                }
                method = text
            case "path":
                let text = try string(value, memberKey)
                guard text.hasPrefix("/") else {
                    throw error(value, memberKey, "'\(text)' must start with '/'; the target URL is given by --url.")
                }
                path = text
                pathNode = value
            case "headers": headers = try stringMap(value, memberKey)
            case "json":
                let parsed = try json(value, memberKey)
                let size = parsed.serialized().count
                guard size <= PlanParser.maxBodyBytes else {
                    throw error(value, memberKey, "is \(size) bytes; request bodies are capped at \(PlanParser.maxBodyBytes) bytes.")
                }
                body = parsed
            case "form": form = try stringMap(value, memberKey)
            case "weight": weight = try positiveInt(value, memberKey)
            case "params": localParams = try params(value, memberKey)
            case "extract":
                guard allowExtract else {
                    throw error(keyNode, memberKey, "is only allowed in flow steps; move this request into a flow.")
                }
                for (variable, _, pointerNode) in try mapping(value, memberKey) {
                    let pointer = try string(pointerNode, "\(memberKey).\(variable)")
                    let searches = pointer.hasPrefix(PlanRequest.searchPrefix)
                        && pointer.dropFirst(PlanRequest.searchPrefix.count).hasPrefix("/")
                        && pointer.contains("{\(variable)}")
                    guard pointer.isEmpty || pointer.hasPrefix("/") || pointer == PlanRequest.locationPointer || searches else {
                        throw error(pointerNode, "\(memberKey).\(variable)", "'\(pointer)' is not a JSON pointer; write it like /results/0/id (or \(PlanRequest.locationPointer) for the Location header's last segment, or \(PlanRequest.searchPrefix)/items/{\(variable)} to find it in a link or a member of the answer).")
                    }
                    extract[variable] = pointer
                }
            default: break
            }
        }
        guard let method else { throw error(node, "\(key).method", "is missing; say which HTTP method to send.") }
        guard let path else { throw error(node, "\(key).path", "is missing; give the path to request, such as /api/items.") }
        if form != nil && body != nil {
            throw error(node, key, "has both `json:` and `form:`; a request sends one body.")
        }
        let defined = known.union(localParams.keys)
        for placeholder in PlanTemplate.placeholders(in: path) where !defined.contains(placeholder) {
            throw error(
                pathNode, "\(key).path",
                "uses {\(placeholder)}, which no `params:` entry, `setup:` step's `extract:`\(allowExtract ? " or earlier step's `extract:`" : "") defines; add it.")
        }
        return PlanRequest(
            name: name, method: method, path: path, headers: headers, json: body, weight: weight,
            params: localParams, extract: extract, form: form)
    }
}

extension JSONValue {
    var arrayValues: [JSONValue] {
        if case .array(let values) = self { return values }
        return [self]
    }

    var isContainer: Bool {
        switch self {
        case .array, .object: return true
        default: return false
        }
    }
}
