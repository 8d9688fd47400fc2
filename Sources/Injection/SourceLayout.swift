/// The shape of a Python file that hook placement needs, read straight from its bytes: tokens
/// (names, operators, strings, comments), logical lines, and function definitions with their
/// bodies. It never decodes the text: every delimiter Python has is ASCII, so UTF-8, latin-1 and
/// BOM files are read alike and offsets are offsets into the file on disk.
///
/// Physical lines are split on `\n` only, as in the patches; a file with a lone `\r` line break
/// (which Python also treats as a line end) is refused rather than misread.
struct SourceLayout {
    enum TokenKind: Equatable { case name, op, string, number, comment }

    struct Token {
        var kind: TokenKind
        var range: Range<Int>
        /// 1-based physical line of the first byte.
        var line: Int
    }

    struct LogicalLine {
        var tokens: Range<Int>
        var firstLine: Int
        var lastLine: Int
        /// The leading whitespace bytes of `firstLine`.
        var indent: [UInt8]
        var indentWidth: Int
    }

    struct Definition {
        var isAsync: Bool
        var isClass: Bool
        var name: String
        /// Python's `__qualname__`.
        var qualname: String
        /// The line of `def`, `async` or `class`.
        var line: Int
        var header: Int
        /// Index of the header's `:` token.
        var colonToken: Int
        /// True for `def f(): return 1`.
        var inlineBody: Bool
        /// Logical lines of the block body (empty for an inline body), outermost statements and nested ones.
        var bodyLines: Range<Int>
    }

    let bytes: [UInt8]
    let bomLength: Int
    /// Byte offset where each physical line starts; `lineStarts[0]` is line 1.
    let lineStarts: [Int]
    private(set) var tokens: [Token] = []
    private(set) var logicalLines: [LogicalLine] = []
    private(set) var definitions: [Definition] = []

    struct LayoutError: Error {
        var line: Int
        var message: String
    }

    init(_ bytes: [UInt8]) throws(LayoutError) {
        self.bytes = bytes
        bomLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        if starts.last == bytes.count, bytes.count > 0 { starts.removeLast() }
        lineStarts = starts
        try lex()
        findDefinitions()
    }

    var lineCount: Int { lineStarts.count }

    /// The bytes of line `n` without its `\n` / `\r\n`.
    func lineContent(_ n: Int) -> ArraySlice<UInt8> {
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] : bytes.count
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return bytes[start..<end]
    }

    func text(_ token: Token) -> String { String(decoding: bytes[token.range], as: UTF8.self) }

    func text(_ index: Int) -> String { text(tokens[index]) }

    // MARK: Lexing

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    private static func isNameByte(_ b: UInt8) -> Bool { isNameStart(b) || (b >= 0x30 && b <= 0x39) }

    private mutating func lex() throws(LayoutError) {
        var i = bomLength
        var line = 1
        var depth = 0
        var lineTokenStart: Int?
        var lineFirst = 1
        let n = bytes.count
        func endLogical(_ lastLine: Int) {
            guard let start = lineTokenStart else { return }
            let first = tokens[start].line
            let (indent, width) = indentation(of: first)
            logicalLines.append(
                LogicalLine(
                    tokens: start..<tokens.count, firstLine: first, lastLine: lastLine, indent: indent,
                    indentWidth: width))
            lineTokenStart = nil
        }
        func add(_ kind: TokenKind, _ range: Range<Int>, _ at: Int) {
            if kind != .comment, lineTokenStart == nil {
                lineTokenStart = tokens.count
                lineFirst = at
            }
            tokens.append(Token(kind: kind, range: range, line: at))
        }
        while i < n {
            let b = bytes[i]
            switch b {
            case 0x0A:
                if depth == 0 { endLogical(line) }
                line += 1
                i += 1
            case 0x0D:
                guard i + 1 < n, bytes[i + 1] == 0x0A else {
                    throw LayoutError(
                        line: line,
                        message:
                            "a lone carriage return (\\r) line break; chaos-test rewrites files with \\n or \\r\\n line ends only"
                    )
                }
                i += 1
            case 0x20, 0x09, 0x0C:
                i += 1
            case 0x5C:  // backslash continuation
                var j = i + 1
                if j < n, bytes[j] == 0x0D { j += 1 }
                guard j < n, bytes[j] == 0x0A else { throw LayoutError(line: line, message: "unexpected backslash") }
                line += 1
                i = j + 1
            case 0x23:
                let start = i
                while i < n, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                // A comment on a line of its own is not part of any logical line.
                if lineTokenStart != nil { add(.comment, start..<i, line) }
            case 0x22, 0x27:
                let start = i
                let startLine = line
                try scanString(&i, &line)
                add(.string, start..<i, startLine)
            default:
                if Self.isNameStart(b) {
                    let start = i
                    while i < n, Self.isNameByte(bytes[i]) { i += 1 }
                    // String prefixes: r, b, u, f and their pairs, any case.
                    if i < n, bytes[i] == 0x22 || bytes[i] == 0x27, i - start <= 2,
                        bytes[start..<i].allSatisfy({ "rRbBuUfF".utf8.contains($0) })
                    {
                        let startLine = line
                        try scanString(&i, &line)
                        add(.string, start..<i, startLine)
                    } else {
                        add(.name, start..<i, line)
                    }
                } else if (b >= 0x30 && b <= 0x39)
                    || (b == 0x2E && i + 1 < n && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39)
                {
                    let start = i
                    while i < n {
                        let c = bytes[i]
                        if Self.isNameByte(c) || c == 0x2E {
                            i += 1
                        } else if c == 0x2B || c == 0x2D, bytes[i - 1] == 0x65 || bytes[i - 1] == 0x45,
                            !bytes[start..<i].contains(where: { $0 == 0x78 || $0 == 0x58 })
                        {
                            i += 1
                        } else {
                            break
                        }
                    }
                    add(.number, start..<i, line)
                } else {
                    var length = 1
                    if i + 1 < n {
                        let pair = (b, bytes[i + 1])
                        if pair == (0x2D, 0x3E) || pair == (0x3A, 0x3D) || pair == (0x2A, 0x2A) || pair == (0x2F, 0x2F)
                        {
                            length = 2
                        } else if bytes[i + 1] == 0x3D, "+-*/%&|^<>=!@".utf8.contains(b) {
                            length = 2
                        }
                    }
                    if b == 0x28 || b == 0x5B || b == 0x7B { depth += 1 }
                    if b == 0x29 || b == 0x5D || b == 0x7D { depth = max(0, depth - 1) }
                    add(.op, i..<(i + length), line)
                    i += length
                }
            }
        }
        _ = lineFirst
        endLogical(line)
    }

    private func scanString(_ i: inout Int, _ line: inout Int) throws(LayoutError) {
        let n = bytes.count
        let quote = bytes[i]
        let triple = i + 2 < n && bytes[i + 1] == quote && bytes[i + 2] == quote
        let startLine = line
        i += triple ? 3 : 1
        while i < n {
            let c = bytes[i]
            if c == 0x5C {
                if i + 1 < n, bytes[i + 1] == 0x0A { line += 1 }
                if i + 2 < n, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A {
                    line += 1
                    i += 1
                }
                i += 2
                continue
            }
            if c == 0x0A {
                guard triple else { throw LayoutError(line: startLine, message: "unterminated string") }
                line += 1
            }
            if c == quote {
                if !triple {
                    i += 1
                    return
                }
                if i + 2 < n, bytes[i + 1] == quote, bytes[i + 2] == quote {
                    i += 3
                    return
                }
            }
            i += 1
        }
        throw LayoutError(line: startLine, message: "unterminated string")
    }

    private func indentation(of line: Int) -> ([UInt8], Int) {
        var indent: [UInt8] = []
        var width = 0
        var i = lineStarts[line - 1]
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 {
                width += 1
            } else if b == 0x09 {
                width = (width / 8 + 1) * 8
            } else if b == 0x0C {
                width = 0
            } else if b == 0xEF, i == 0, bomLength == 3 {
                i += 3
                continue
            } else {
                break
            }
            indent.append(b)
            i += 1
        }
        return (indent, width)
    }

    // MARK: Definitions

    private mutating func findDefinitions() {
        // A stack of (indent width, qualname prefix, is function) for the enclosing scopes.
        var scopes: [(width: Int, prefix: String, isFunction: Bool, definition: Int?)] = []
        var definitions: [Definition] = []
        for (index, logical) in logicalLines.enumerated() {
            while let last = scopes.last, logical.indentWidth <= last.width {
                if let d = last.definition { definitions[d].bodyLines = definitions[d].bodyLines.lowerBound..<index }
                scopes.removeLast()
            }
            var t = logical.tokens.lowerBound
            let end = logical.tokens.upperBound
            let isAsync = tokens[t].kind == .name && text(t) == "async"
            if isAsync { t += 1 }
            guard t < end, tokens[t].kind == .name, text(t) == "def" || text(t) == "class",
                t + 1 < end, tokens[t + 1].kind == .name
            else { continue }
            let isClass = text(t) == "class"
            if isClass && isAsync { continue }
            let name = text(t + 1)
            // The header's colon: the first `:` at bracket depth 0 after the name.
            var depth = 0
            var colon: Int?
            for k in (t + 2)..<end where tokens[k].kind == .op {
                let op = text(k)
                if op == "(" || op == "[" || op == "{" { depth += 1 }
                if op == ")" || op == "]" || op == "}" { depth -= 1 }
                if op == ":", depth == 0 {
                    colon = k
                    break
                }
            }
            guard let colon else { continue }
            let inline = (colon + 1..<end).contains { tokens[$0].kind != .comment }
            let parent = scopes.last
            let prefix = parent.map { $0.prefix + ($0.isFunction ? ".<locals>." : ".") } ?? ""
            let qualname = prefix + name
            definitions.append(
                Definition(
                    isAsync: isAsync, isClass: isClass, name: name, qualname: qualname,
                    line: logical.firstLine, header: index, colonToken: colon, inlineBody: inline,
                    bodyLines: (index + 1)..<(index + 1)))
            if !inline {
                scopes.append((logical.indentWidth, qualname, !isClass, definitions.count - 1))
            }
        }
        for scope in scopes {
            if let d = scope.definition {
                definitions[d].bodyLines = definitions[d].bodyLines.lowerBound..<logicalLines.count
            }
        }
        self.definitions = definitions
    }

    /// The logical line whose physical lines include `line`.
    func logicalLineIndex(containing line: Int) -> Int? {
        var low = 0
        var high = logicalLines.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let l = logicalLines[mid]
            if line < l.firstLine {
                high = mid - 1
            } else if line > l.lastLine {
                low = mid + 1
            } else {
                return mid
            }
        }
        return nil
    }

    /// The innermost function (not class) whose block body holds logical line `index`.
    func enclosingFunction(ofLogicalLine index: Int) -> Definition? {
        definitions.filter { !$0.isClass && $0.bodyLines.contains(index) }.max { $0.header < $1.header }
    }

    /// The 1-based physical line holding byte `offset`.
    func line(ofOffset offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// True when the file's line `line` ends inside a string or with a backslash, so a comment
    /// cannot be appended to it.
    func lineEndsInsideToken(_ line: Int) -> Bool {
        let content = lineContent(line)
        if content.last == 0x5C { return true }
        let end = content.endIndex
        return tokens.contains { $0.kind == .string && $0.range.lowerBound < end && $0.range.upperBound > end }
    }
}
