import PythonSource

/// A route path or prefix read as far as the source tells: known parts as written, each part
/// only known at run time as a `{?name}` marker, so the route is listed rather than dropped.
struct PathText: Equatable {
    var text: String
    /// The expressions the markers stand for, as written.
    var unknown: [String]

    var isComplete: Bool { unknown.isEmpty }
}

extension Evaluator {
    /// Reads a path or prefix expression: literals, `+` of parts, f-strings with names in their
    /// fields, and anything `evaluate` knows. A part it cannot know becomes a marker.
    func pathText(_ range: Range<Int>, module: Int, scope: Int?) -> PathText {
        if case .string(let text) = evaluate(range, module: module, scope: scope) { return PathText(text: text, unknown: []) }
        let code = project.modules[module].module
        var result = PathText(text: "", unknown: [])
        for part in topLevelParts(range, separator: "+", module: module) {
            if case .string(let text) = evaluate(part, module: module, scope: scope) {
                result.text += text
            } else if part.allSatisfy({ code.code[$0].kind == .string }) {
                for index in part {
                    let piece = formattedString(index, module: module, scope: scope)
                    result.text += piece.text
                    result.unknown += piece.unknown
                }
            } else {
                let written = code.text(part)
                result.text += Self.marker(for: written)
                result.unknown.append(written)
            }
        }
        return result
    }

    /// `{?name}` for an expression: its last name outside calls and subscripts, which is what a
    /// reader recognises (`load().root_path` → `{?root_path}`, `prefix_for(x)` → `{?prefix_for}`).
    static func marker(for expression: String) -> String {
        var outside = ""
        var depth = 0
        for character in expression {
            if character == "(" || character == "[" || character == "{" { depth += 1 }
            if depth == 0 { outside.append(character) }
            if (character == ")" || character == "]" || character == "}") && depth > 0 { depth -= 1 }
        }
        let names = outside.split { !($0.isLetter || $0.isNumber || $0 == "_") }
        return "{?" + (names.last.map(String.init) ?? "expr") + "}"
    }

    /// Splits a range at a top-level operator (outside brackets).
    func topLevelParts(_ range: Range<Int>, separator: String, module: Int) -> [Range<Int>] {
        let code = project.modules[module].module
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            if code.matchingBracket[index] > index { index = Int(code.matchingBracket[index]) }
            if code.isOp(index, separator) {
                parts.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        parts.append(start..<range.upperBound)
        return parts.filter { !$0.isEmpty }
    }

    /// The elements of a literal tuple or list (`(a, b)`, `[a, b]`, or a bare `a, b`); nil for
    /// anything else.
    func elements(_ range: Range<Int>, module: Int) -> [Range<Int>]? {
        let code = project.modules[module].module
        guard !range.isEmpty else { return nil }
        if code.isOp(range.lowerBound, "(") || code.isOp(range.lowerBound, "["),
            Int(code.matchingBracket[range.lowerBound]) == range.upperBound - 1
        {
            return topLevelParts((range.lowerBound + 1)..<(range.upperBound - 1), separator: ",", module: module)
        }
        let parts = topLevelParts(range, separator: ",", module: module)
        return parts.count > 1 ? parts : nil
    }

    /// One string token, f-strings included: a field that is a dotted name with a known string
    /// value is filled in, any other field becomes a marker.
    func formattedString(_ index: Int, module: Int, scope: Int?) -> PathText {
        let code = project.modules[module].module
        if let text = code.stringValue(index..<(index + 1)) { return PathText(text: text, unknown: []) }
        let written = Array(code.text(index).utf8)
        var cursor = 0
        var isFormatted = false
        while cursor < written.count, written[cursor] != UInt8(ascii: "'"), written[cursor] != UInt8(ascii: "\"") {
            if written[cursor] | 0x20 == UInt8(ascii: "f") { isFormatted = true }
            cursor += 1
        }
        guard isFormatted, cursor < written.count else {
            return PathText(text: Self.marker(for: code.text(index)), unknown: [code.text(index)])
        }
        let quote = written[cursor]
        let triple = cursor + 2 < written.count && written[cursor + 1] == quote && written[cursor + 2] == quote && written.count - cursor >= 6
        let quoteLength = triple ? 3 : 1
        let body = Array(written[(cursor + quoteLength)..<max(cursor + quoteLength, written.count - quoteLength)])
        var result = PathText(text: "", unknown: [])
        var literal: [UInt8] = []
        var position = 0
        let line = Int(code.lineOfCode[index])
        while position < body.count {
            let byte = body[position]
            if byte == UInt8(ascii: "{"), position + 1 < body.count, body[position + 1] == UInt8(ascii: "{") {
                literal.append(byte)
                position += 2
            } else if byte == UInt8(ascii: "}"), position + 1 < body.count, body[position + 1] == UInt8(ascii: "}") {
                literal.append(byte)
                position += 2
            } else if byte == UInt8(ascii: "{") {
                var depth = 1
                var end = position + 1
                while end < body.count, depth > 0 {
                    if body[end] == UInt8(ascii: "{") { depth += 1 }
                    if body[end] == UInt8(ascii: "}") { depth -= 1 }
                    if depth > 0 { end += 1 }
                }
                let field = String(decoding: body[(position + 1)..<min(end, body.count)], as: UTF8.self)
                result.text += String(decoding: literal, as: UTF8.self)
                literal = []
                let expression = String(field.prefix { $0 != "!" && $0 != ":" && $0 != "=" }).trimmingCharacters()
                if case .string(let text) = dottedName(expression, module: module, scope: scope, line: line) {
                    result.text += text
                } else {
                    result.text += Self.marker(for: expression)
                    result.unknown.append(expression)
                }
                position = end + 1
            } else {
                literal.append(byte)
                position += 1
            }
        }
        result.text += String(decoding: literal, as: UTF8.self)
        return result
    }

    /// `settings.api.prefix` written inside an f-string field: a name and attributes only.
    func dottedName(_ expression: String, module: Int, scope: Int?, line: Int) -> Value {
        let parts = expression.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, !first.isEmpty,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
        else { return .unknown }
        var value = resolveName(first, module: module, scope: scope, line: line)
        for name in parts.dropFirst() {
            value = attribute(value, name, module: module)
            if value == .unknown { return .unknown }
        }
        return value
    }
}
