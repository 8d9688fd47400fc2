/// Builds a `PythonModule`'s structure in a few linear passes over its tokens.
struct StructureBuilder {
    let source: SourceText
    let tokens: [Token]
    var code: [Token] = []
    var lines: [LogicalLine] = []
    var definitions: [Definition] = []
    var calls: [Call] = []
    var statements: [ScopedStatement] = []
    var lineScopes: [Int?] = []
    var enclosingHeaders: [Int?] = []
    var lineOfCode: [Int32] = []
    var matching: [Int32] = []
    var problems: [SyntaxProblem] = []

    init(source: SourceText, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    mutating func build() {
        buildLogicalLines()
        matchBrackets()
        buildDefinitions()
        buildCalls()
        buildStatements()
    }

    // MARK: - Token helpers

    func bytesEqual(_ index: Int, _ text: StaticString) -> Bool {
        let range = code[index].range
        guard range.count == text.utf8CodeUnitCount else { return false }
        let pointer = text.utf8Start
        var offset = 0
        for position in range {
            if source.bytes[position] != pointer[offset] { return false }
            offset += 1
        }
        return true
    }

    func isOp(_ index: Int, _ text: StaticString) -> Bool {
        index >= 0 && index < code.count && code[index].kind == .op && bytesEqual(index, text)
    }

    func isName(_ index: Int, _ text: StaticString) -> Bool {
        index >= 0 && index < code.count && code[index].kind == .name && bytesEqual(index, text)
    }

    func text(_ index: Int) -> String { source.text(code[index].range) }

    func firstByte(_ index: Int) -> UInt8 { source.bytes[code[index].range.lowerBound] }

    func isOpenBracket(_ index: Int) -> Bool {
        guard code[index].kind == .op, code[index].range.count == 1 else { return false }
        let byte = firstByte(index)
        return byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{")
    }

    func isCloseBracket(_ index: Int) -> Bool {
        guard code[index].kind == .op, code[index].range.count == 1 else { return false }
        let byte = firstByte(index)
        return byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
    }

    static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Keywords as bytes, grouped by length, so the check allocates nothing.
    static let keywordBytes: [[[UInt8]]] = {
        var groups = Array(repeating: [[UInt8]](), count: 9)
        for keyword in keywords { groups[keyword.utf8.count].append(Array(keyword.utf8)) }
        return groups
    }()

    func isKeyword(_ index: Int) -> Bool {
        let token = code[index]
        let length = token.range.count
        guard token.kind == .name, length >= 2, length <= 8 else { return false }
        let start = token.range.lowerBound
        return source.bytes.withUnsafeBufferPointer { buffer in
            candidates: for keyword in Self.keywordBytes[length] {
                for offset in 0..<length where buffer[start + offset] != keyword[offset] { continue candidates }
                return true
            }
            return false
        }
    }

    // MARK: - Logical lines

    mutating func buildLogicalLines() {
        code.reserveCapacity(tokens.count)
        lineOfCode.reserveCapacity(tokens.count)
        var depth = 0
        var lineStart = 0
        var lineDepth = 0
        for token in tokens {
            switch token.kind {
            case .indent: depth += 1
            case .dedent: depth -= 1
            case .comment, .nl, .encoding: continue
            case .newline, .endmarker:
                if code.count > lineStart { finishLine(start: lineStart, depth: lineDepth) }
                lineStart = code.count
            default:
                if code.count == lineStart { lineDepth = depth }
                code.append(token)
                lineOfCode.append(Int32(lines.count))
            }
        }
        if code.count > lineStart { finishLine(start: lineStart, depth: lineDepth) }
    }

    mutating func finishLine(start: Int, depth: Int) {
        let range = start..<code.count
        let first = code[start]
        let lineStartOffset = source.lineStarts[first.start.line - 1]
        var line = LogicalLine(
            range: range, depth: depth, startOffset: first.range.lowerBound, firstLine: first.start.line,
            lastLine: code[range.upperBound - 1].end.line, indent: lineStartOffset..<first.range.lowerBound,
            headerColon: nil, keyword: nil, isAsync: false
        )
        var head = start
        if isName(head, "async"), head + 1 < range.upperBound {
            line.isAsync = true
            head += 1
        }
        if isOp(head, "@") {
            line.keyword = .decorator
        } else if code[head].kind == .name, code[head].range.count <= 7, code[head].range.count >= 2,
            firstByte(head) >= UInt8(ascii: "c"), firstByte(head) <= UInt8(ascii: "w"),
            let keyword = compoundKeyword(head), keyword != .decorator
        {
            switch keyword {
            case .match, .case:
                // Soft keywords: `match = 1` and `match(x)` are ordinary statements.
                let next = head + 1
                if next < range.upperBound, !(code[next].kind == .op && !isOp(next, "(") && !isOp(next, "[")
                    && !isOp(next, "{") && !isOp(next, "-") && !isOp(next, "*")),
                    let colon = findHeaderColon(from: next, to: range.upperBound), colon == range.upperBound - 1
                {
                    line.keyword = keyword
                    line.headerColon = colon
                }
            default:
                line.keyword = keyword
                line.headerColon = findHeaderColon(from: head + 1, to: range.upperBound)
                if line.headerColon == nil {
                    line.keyword = nil
                    let last = code[range.upperBound - 1]
                    problems.append(
                        SyntaxProblem(line: last.end.line, byteColumn: last.end.column, message: "expected ':' after the `\(keyword.rawValue)` statement"))
                }
            }
        }
        lines.append(line)
    }

    /// The compound keyword a name token spells, read from its bytes (no String is built).
    func compoundKeyword(_ index: Int) -> CompoundKeyword? {
        switch firstByte(index) {
        case UInt8(ascii: "i"): return bytesEqual(index, "if") ? .if : nil
        case UInt8(ascii: "e"):
            if bytesEqual(index, "elif") { return .elif }
            if bytesEqual(index, "else") { return .else }
            return bytesEqual(index, "except") ? .except : nil
        case UInt8(ascii: "f"):
            if bytesEqual(index, "for") { return .for }
            return bytesEqual(index, "finally") ? .finally : nil
        case UInt8(ascii: "w"):
            if bytesEqual(index, "while") { return .while }
            return bytesEqual(index, "with") ? .with : nil
        case UInt8(ascii: "t"): return bytesEqual(index, "try") ? .try : nil
        case UInt8(ascii: "d"): return bytesEqual(index, "def") ? .def : nil
        case UInt8(ascii: "c"):
            if bytesEqual(index, "class") { return .class }
            return bytesEqual(index, "case") ? .case : nil
        case UInt8(ascii: "m"): return bytesEqual(index, "match") ? .match : nil
        default: return nil
        }
    }

    /// The first `:` at bracket depth 0 that is not a lambda's.
    func findHeaderColon(from start: Int, to end: Int) -> Int? {
        var depth = 0
        var lambdas = 0
        var index = start
        while index < end {
            let token = code[index]
            if token.kind == .op {
                if isOpenBracket(index) {
                    depth += 1
                } else if isCloseBracket(index) {
                    depth -= 1
                } else if depth == 0, token.range.count == 1, firstByte(index) == UInt8(ascii: ":") {
                    if lambdas > 0 { lambdas -= 1 } else { return index }
                }
            } else if depth == 0, token.kind == .name, isName(index, "lambda") {
                lambdas += 1
            }
            index += 1
        }
        return nil
    }

    // MARK: - Brackets

    mutating func matchBrackets() {
        matching = Array(repeating: -1, count: code.count)
        var stack: [Int] = []
        var currentLine: Int32 = -1
        for index in code.indices {
            if lineOfCode[index] != currentLine {
                stack.removeAll(keepingCapacity: true)
                currentLine = lineOfCode[index]
            }
            if isOpenBracket(index) {
                stack.append(index)
            } else if isCloseBracket(index) {
                guard let open = stack.popLast() else {
                    problems.append(SyntaxProblem(line: code[index].start.line, byteColumn: code[index].start.column, message: "unmatched '\(text(index))'"))
                    continue
                }
                let pair = (firstByte(open), firstByte(index))
                if pair != (UInt8(ascii: "("), UInt8(ascii: ")")) && pair != (UInt8(ascii: "["), UInt8(ascii: "]"))
                    && pair != (UInt8(ascii: "{"), UInt8(ascii: "}"))
                {
                    problems.append(
                        SyntaxProblem(
                            line: code[index].start.line, byteColumn: code[index].start.column,
                            message: "closing '\(text(index))' does not match opening '\(text(open))' on line \(code[open].start.line)"))
                }
                matching[open] = Int32(index)
                matching[index] = Int32(open)
            }
        }
    }

    // MARK: - Definitions

    mutating func buildDefinitions() {
        lineScopes = Array(repeating: nil, count: lines.count)
        enclosingHeaders = Array(repeating: nil, count: lines.count)
        var stack: [(definition: Int, depth: Int)] = []
        var headers: [(line: Int, depth: Int)] = []
        for lineIndex in lines.indices {
            let line = lines[lineIndex]
            while let top = headers.last, line.depth <= top.depth { headers.removeLast() }
            enclosingHeaders[lineIndex] = headers.last?.line
            if line.headerColon != nil, line.inlineBody == nil { headers.append((lineIndex, line.depth)) }
            while let top = stack.last, line.depth <= top.depth {
                closeBody(of: top.definition, end: lineIndex)
                stack.removeLast()
            }
            lineScopes[lineIndex] = stack.last?.definition
            guard line.keyword == .def || line.keyword == .class, let colon = line.headerColon else { continue }
            var keywordToken = line.range.lowerBound
            if line.isAsync { keywordToken += 1 }
            let nameToken = keywordToken + 1
            guard nameToken < colon, code[nameToken].kind == .name else { continue }
            let name = text(nameToken)
            let parent = stack.last?.definition
            let qualname: String
            if let parent {
                let outer = definitions[parent]
                qualname = outer.qualname + (outer.kind == .class ? "." : ".<locals>.") + name
            } else {
                qualname = name
            }
            var decorators: [Int] = []
            var previous = lineIndex - 1
            while previous >= 0, lines[previous].keyword == .decorator, lines[previous].depth == line.depth {
                decorators.insert(previous, at: 0)
                previous -= 1
            }
            let kind: Definition.Kind =
                line.keyword == .class ? .class : (line.isAsync ? .asyncFunction : .function)
            var parameters: [Parameter] = []
            var bases: [Range<Int>] = []
            let open = nameToken + 1
            if open < colon, isOp(open, "("), matching[open] > 0 {
                let items = splitByComma(open + 1..<Int(matching[open]))
                if kind == .class { bases = items } else { parameters = items.compactMap(parameter) }
            }
            let inline = line.inlineBody != nil
            let firstTokenOffset = inline ? code[colon + 1].range.lowerBound : 0
            let body = Body(
                isInline: inline, lines: lineIndex..<(lineIndex + 1), indent: firstTokenOffset..<firstTokenOffset,
                docstring: nil, insertionLine: line.firstLine, insertionOffset: firstTokenOffset
            )
            definitions.append(
                Definition(
                    kind: kind, name: name, qualname: qualname, parent: parent, decorators: decorators,
                    header: lineIndex, line: code[line.range.lowerBound].start.line, nameToken: nameToken,
                    parameters: parameters, bases: bases, body: body
                )
            )
            if inline {
                let index = definitions.count - 1
                if let docEnd = docstringEnd(colon + 1..<line.range.upperBound) {
                    definitions[index].body.docstring = code[colon + 1].range.lowerBound..<docEnd
                }
            } else {
                stack.append((definitions.count - 1, line.depth))
            }
        }
        while let top = stack.popLast() { closeBody(of: top.definition, end: lines.count) }
    }

    mutating func closeBody(of index: Int, end: Int) {
        let header = definitions[index].header
        let firstBody = header + 1
        guard firstBody < end else { return }
        let first = lines[firstBody]
        var body = definitions[index].body
        body.lines = firstBody..<end
        body.indent = first.indent
        body.insertionLine = first.firstLine
        body.insertionOffset = source.lineStarts[first.firstLine - 1]
        if let docEnd = docstringEnd(first.range) {
            body.docstring = first.startOffset..<docEnd
            if firstBody + 1 < end {
                let next = lines[firstBody + 1]
                body.insertionLine = next.firstLine
                body.insertionOffset = source.lineStarts[next.firstLine - 1]
            } else {
                body.insertionLine = first.lastLine + 1
                body.insertionOffset =
                    first.lastLine < source.lineStarts.count ? source.lineStarts[first.lastLine] : source.bytes.count
            }
        }
        definitions[index].body = body
    }

    /// When a statement is only string literals (a docstring), the byte offset where it ends.
    func docstringEnd(_ range: Range<Int>) -> Int? {
        guard !range.isEmpty else { return nil }
        for index in range where code[index].kind != .string { return nil }
        return code[range.upperBound - 1].range.upperBound
    }

    func parameter(_ range: Range<Int>) -> Parameter? {
        guard !range.isEmpty else { return nil }
        var index = range.lowerBound
        var stars = 0
        if isOp(index, "*") {
            stars = 1
            index += 1
        } else if isOp(index, "**") {
            stars = 2
            index += 1
        }
        guard index < range.upperBound, code[index].kind == .name else { return nil }
        var parameter = Parameter(name: text(index), stars: stars, annotation: nil, defaultValue: nil)
        index += 1
        if index < range.upperBound, isOp(index, ":") {
            var end = index + 1
            while end < range.upperBound, !isOp(end, "=") {
                if matching[end] > end { end = Int(matching[end]) }
                end += 1
            }
            parameter.annotation = (index + 1)..<end
            index = end
        }
        if index < range.upperBound, isOp(index, "=") {
            parameter.defaultValue = (index + 1)..<range.upperBound
        }
        return parameter
    }

    /// Splits a token range at commas of bracket depth 0, dropping empty parts.
    func splitByComma(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            if matching[index] > index {
                index = Int(matching[index]) + 1
                continue
            }
            if isOp(index, ",") {
                if index > start { parts.append(start..<index) }
                start = index + 1
            }
            index += 1
        }
        if range.upperBound > start { parts.append(start..<range.upperBound) }
        return parts
    }
}
