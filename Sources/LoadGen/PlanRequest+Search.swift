import Artifacts
import Foundation

extension PlanRequest {
    /// The `extract:` prefix that finds a path parameter in an earlier answer without knowing
    /// its shape: `search:/items/{id}` takes `{id}` from the first link to that route in the
    /// body (an HTML `href`, a URL in JSON), or, in a JSON body with no such link, from the
    /// first member named like the parameter (`id`, `item_id`, `pk`...). Plans built from the
    /// scan chain routes this way: an app nobody described still gets real ids.
    public static let searchPrefix = "search:"

    /// The value of `variable` in `body`, searched as the `search:` template says.
    static func searchValue(_ body: [UInt8], template: String, variable: String) -> JSONValue? {
        let text = String(decoding: body, as: UTF8.self)
        if let found = linkValue(in: text, template: template, variable: variable) { return .string(found) }
        guard let document = try? JSONValue.parse(Data(body)) else { return nil }
        return memberValue(in: document, names: memberNames(for: variable))
    }

    /// The template as a pattern: each `{name}` one path segment, the rest literal; the match
    /// must end where a path segment ends.
    static func linkValue(in text: String, template: String, variable: String) -> String? {
        var pattern = ""
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            names.append(String(rest[rest.index(after: open)..<close]))
            pattern += "([^/\"'?#<>\\s\\\\]+)"
            rest = rest[rest.index(after: close)...]
        }
        // The link ends there (a trailing slash allowed): `/projects/7/tasks/1` is no link to `/projects/{id}`.
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "(?=/?(?:[\"'?#<>\\s\\\\]|$))"
        guard let index = names.firstIndex(of: variable), let regex = try? NSRegularExpression(pattern: pattern) else {
            return nil
        }
        let range = NSRange(text.startIndex..., in: text)
        for match in regex.matches(in: text, range: range) {
            guard let group = Range(match.range(at: index + 1), in: text) else { continue }
            let value = String(text[group])
            // A template's own placeholder echoed back (`/items/{id}` in an OpenAPI page) is no id.
            if value.hasPrefix("{") || value.hasPrefix("%7B") || value.hasPrefix("<") { continue }
            return value.removingPercentEncoding ?? value
        }
        return nil
    }

    /// `item_id` in `/items/{item_id}`: `item_id`, then `id`, `pk`, `uuid`, `slug`, `key`.
    static func memberNames(for variable: String) -> [String] {
        var names = [variable]
        for generic in ["id", "pk", "uuid", "slug", "key", "name"] where !names.contains(generic) { names.append(generic) }
        return names
    }

    /// Breadth-first, so a top-level or first-item member wins over one nested deep inside.
    static func memberValue(in document: JSONValue, names: [String]) -> JSONValue? {
        var level: [JSONValue] = [document]
        for _ in 0..<6 {
            var next: [JSONValue] = []
            for name in names {
                for node in level {
                    if case .object(let members) = node, let value = members[name] {
                        switch value {
                        case .string(let text) where !text.isEmpty: return value
                        case .int: return value
                        default: break
                        }
                    }
                }
            }
            for node in level {
                switch node {
                case .object(let members): next += members.keys.sorted().map { members[$0]! }
                case .array(let items): next += items.prefix(20)
                default: break
                }
            }
            if next.isEmpty { return nil }
            level = next
        }
        return nil
    }
}
