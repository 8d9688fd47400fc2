import Foundation
/// Route paths in each framework's spelling, and their `{name}` form.
enum PathSyntax {
    /// FastAPI/Starlette `{id:int}` → `{id}`.
    static func normalizeBraces(_ path: String) -> String {
        var result = ""
        var inside = false
        var skipping = false
        for character in path {
            if character == "{" { inside = true; skipping = false; result.append(character); continue }
            if character == "}" { inside = false; skipping = false; result.append(character); continue }
            if inside, character == ":" { skipping = true; continue }
            if !skipping { result.append(character) }
        }
        return result
    }

    /// Flask and Django `<int:id>`, `<id>`, `<path:rest>` → `{id}`.
    static func normalizeAngles(_ path: String) -> String {
        var result = ""
        var index = path.startIndex
        while index < path.endIndex {
            let character = path[index]
            if character == "<", let close = path[index...].firstIndex(of: ">") {
                let inner = path[path.index(after: index)..<close]
                let name = inner.split(separator: ":").last.map(String.init) ?? String(inner)
                result += "{" + name.trimmingCharacters() + "}"
                index = path.index(after: close)
            } else {
                result.append(character)
                index = path.index(after: index)
            }
        }
        return result
    }

    /// `regexToPath` for a pattern that may hold `{?name}` markers (parts known only at run
    /// time), which are no regex and are kept as they are.
    static func regexToPath(markersHidden pattern: String) -> String? {
        guard pattern.contains("{?") else { return regexToPath(pattern) }
        var markers: [String] = []
        var hidden = ""
        var rest = Substring(pattern)
        while let open = rest.range(of: "{?"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            hidden += rest[..<open.lowerBound] + "CHAOSTESTMARKER\(markers.count)X"
            markers.append(String(rest[open.lowerBound...close]))
            rest = rest[rest.index(after: close)...]
        }
        hidden += rest
        guard var path = regexToPath(hidden) else { return nil }
        for (index, marker) in markers.enumerated().reversed() { path = path.replacingOccurrences(of: "CHAOSTESTMARKER\(index)X", with: marker) }
        return path
    }

    /// Django `re_path` patterns: `^items/(?P<pk>[0-9]+)/$` → `items/{pk}/`. Nil when the regex
    /// has parts that are not a literal path (alternation, unnamed groups, repetition): those
    /// are reported, never guessed.
    static func regexToPath(_ pattern: String) -> String? {
        var text = Substring(pattern)
        if text.hasPrefix("^") { text = text.dropFirst() }
        if text.hasSuffix("$") { text = text.dropLast() }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if text[index...].hasPrefix("(?P<") {
                let nameStart = text.index(index, offsetBy: 4)
                guard let nameEnd = text[nameStart...].firstIndex(of: ">") else { return nil }
                var depth = 0
                var cursor = index
                var close: Substring.Index?
                while cursor < text.endIndex {
                    if text[cursor] == "\\" { cursor = text.index(after: cursor) }
                    else if text[cursor] == "(" { depth += 1 }
                    else if text[cursor] == ")" { depth -= 1; if depth == 0 { close = cursor; break } }
                    if cursor < text.endIndex { cursor = text.index(after: cursor) }
                }
                guard let close else { return nil }
                result += "{" + text[nameStart..<nameEnd] + "}"
                index = text.index(after: close)
                continue
            }
            if character == "\\" {
                let next = text.index(after: index)
                guard next < text.endIndex else { return nil }
                let escaped = text[next]
                guard "./-_".contains(escaped) else { return nil }
                result.append(escaped)
                index = text.index(after: next)
                continue
            }
            if "()[]*+?|{}^$".contains(character) { return nil }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }

    /// Flask's join of a blueprint prefix and a rule.
    static func flaskJoin(_ prefix: String, _ rule: String) -> String {
        guard !prefix.isEmpty else { return rule }
        guard !rule.isEmpty else { return prefix }
        return String(prefix.trimmingSuffix("/")) + "/" + String(rule.drop { $0 == "/" })
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    func trimmingSuffix(_ character: Character) -> Substring {
        var text = Substring(self)
        while text.last == character { text = text.dropLast() }
        return text
    }
}
