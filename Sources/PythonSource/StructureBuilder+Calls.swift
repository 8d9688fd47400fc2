extension StructureBuilder {
    // MARK: - Calls

    mutating func buildCalls() {
        for open in code.indices where isOp(open, "(") {
            let lineIndex = Int(lineOfCode[open])
            let lineStart = lines[lineIndex].range.lowerBound
            let previous = open - 1
            guard previous >= lineStart, matching[open] > open else { continue }
            let kind = code[previous].kind
            if kind == .name {
                if isKeyword(previous) { continue }
                if previous - 1 >= lineStart, isName(previous - 1, "def") || isName(previous - 1, "class") { continue }
            } else if !(isOp(previous, ")") || isOp(previous, "]")) {
                continue
            }
            guard let (chain, start) = calleeChain(endingAt: previous, lineStart: lineStart) else { continue }
            let close = Int(matching[open])
            let arguments = splitByComma(open + 1..<close).map(argument)
            let first = code[start]
            calls.append(
                Call(
                    callee: Self.render(chain), chain: chain, calleeStart: start, open: open, close: close,
                    arguments: arguments, line: first.start.line, byteColumn: first.start.column,
                    isAwaited: start - 1 >= lineStart && isName(start - 1, "await"), logicalLine: lineIndex
                )
            )
        }
    }

    /// Walks a callee backwards from the token before `(`: names joined by dots, calls and
    /// subscripts in between. Returns the parts and the index of the first token.
    func calleeChain(endingAt last: Int, lineStart: Int) -> ([ChainPart], Int)? {
        var parts: [ChainPart] = []
        var index = last
        var start = last
        while index >= lineStart {
            let token = code[index]
            if token.kind == .name {
                if isKeyword(index) && !isName(index, "None") { break }
                parts.append(.name(text(index)))
                start = index
                if index - 1 >= lineStart, isOp(index - 1, ".") {
                    index -= 2
                    continue
                }
                break
            } else if isOp(index, ")") || isOp(index, "]") {
                let open = Int(matching[index])
                guard open >= lineStart else { return nil }
                let before = open - 1
                let chained =
                    before >= lineStart
                    && ((code[before].kind == .name && !isKeyword(before)) || isOp(before, ")") || isOp(before, "]"))
                if chained {
                    parts.append(isOp(index, ")") ? .call : .subscript)
                    index = before
                    continue
                }
                parts.append(.expression)
                start = open
                break
            } else if token.kind == .string || token.kind == .number {
                parts.append(.expression)
                start = index
                break
            } else {
                break
            }
        }
        guard !parts.isEmpty else { return nil }
        return (parts.reversed(), start)
    }

    static func render(_ chain: [ChainPart]) -> String {
        var result = ""
        for part in chain {
            switch part {
            case .name(let name):
                if !result.isEmpty { result += "." }
                result += name
            case .call: result += "()"
            case .subscript: result += "[]"
            case .expression: result += "<expr>"
            }
        }
        return result
    }

    func argument(_ range: Range<Int>) -> Argument {
        var index = range.lowerBound
        if isOp(index, "*") { return Argument(keyword: nil, stars: 1, value: (index + 1)..<range.upperBound) }
        if isOp(index, "**") { return Argument(keyword: nil, stars: 2, value: (index + 1)..<range.upperBound) }
        if code[index].kind == .name, index + 1 < range.upperBound, isOp(index + 1, "=") {
            let name = text(index)
            index += 2
            return Argument(keyword: name, stars: 0, value: index..<range.upperBound)
        }
        return Argument(keyword: nil, stars: 0, value: range)
    }

    // MARK: - Statements

    mutating func buildStatements() {
        var definitionCursor = 0
        for lineIndex in lines.indices {
            let line = lines[lineIndex]
            var scope = lineScopes[lineIndex]
            if let colon = line.headerColon {
                var head = line.range.lowerBound
                if line.isAsync { head += 1 }
                switch line.keyword {
                case .with: withBindings(head + 1..<colon, lineIndex: lineIndex, scope: scope)
                case .for: loopBinding(head + 1..<colon, lineIndex: lineIndex, scope: scope)
                default: break
                }
                guard let inline = line.inlineBody else { continue }
                if line.keyword == .def {
                    while definitionCursor < definitions.count, definitions[definitionCursor].header < lineIndex {
                        definitionCursor += 1
                    }
                    if definitionCursor < definitions.count, definitions[definitionCursor].header == lineIndex {
                        scope = definitionCursor
                    }
                }
                for statement in splitBySemicolon(inline) { simpleStatement(statement, lineIndex: lineIndex, scope: scope) }
            } else if line.keyword != .decorator {
                for statement in splitBySemicolon(line.range) { simpleStatement(statement, lineIndex: lineIndex, scope: scope) }
            }
        }
    }

    func splitBySemicolon(_ range: Range<Int>) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = range.lowerBound
        for index in range where isOp(index, ";") {
            if index > start { parts.append(start..<index) }
            start = index + 1
        }
        if range.upperBound > start { parts.append(start..<range.upperBound) }
        return parts
    }

    mutating func simpleStatement(_ range: Range<Int>, lineIndex: Int, scope: Int?) {
        let first = range.lowerBound
        let line = code[first].start.line
        if isName(first, "import") {
            var names: [Import.Name] = []
            for part in splitByComma(first + 1..<range.upperBound) {
                if let name = importName(part) { names.append(name) }
            }
            append(.importModules(Import(module: "", level: 0, isFrom: false, names: names, line: line, logicalLine: lineIndex)), scope)
            return
        }
        if isName(first, "from") {
            var index = first + 1
            var level = 0
            while index < range.upperBound, isOp(index, ".") || isOp(index, "...") {
                level += code[index].range.count
                index += 1
            }
            var module = ""
            while index < range.upperBound, !isName(index, "import") {
                module += text(index)
                index += 1
            }
            guard index < range.upperBound else { return }
            var listRange = (index + 1)..<range.upperBound
            if listRange.lowerBound < listRange.upperBound, isOp(listRange.lowerBound, "(") {
                listRange = (listRange.lowerBound + 1)..<max(listRange.lowerBound + 1, listRange.upperBound - 1)
            }
            var names: [Import.Name] = []
            for part in splitByComma(listRange) {
                if isOp(part.lowerBound, "*") {
                    names.append(Import.Name(name: "*", alias: nil))
                } else if let name = importName(part) {
                    names.append(name)
                }
            }
            append(.importModules(Import(module: module, level: level, isFrom: true, names: names, line: line, logicalLine: lineIndex)), scope)
            return
        }
        // A `yield` in a dependency function (FastAPI `Depends`, context managers) hands its
        // value to the caller just as `return` does, which is what the scanner needs.
        if isName(first, "return") || (isName(first, "yield") && !isName(first + 1, "from")) {
            if first + 1 < range.upperBound {
                append(.returnValue(value: (first + 1)..<range.upperBound, logicalLine: lineIndex), scope)
            }
            return
        }
        // Assignments: split at `=` of depth 0. Most statements have none: find out before
        // allocating anything.
        var equals: [Int] = []
        var index = first
        while index < range.upperBound {
            if matching[index] > index {
                index = Int(matching[index]) + 1
                continue
            }
            let token = code[index]
            if token.kind == .op, token.range.count == 1, source.bytes[token.range.lowerBound] == UInt8(ascii: "=") {
                equals.append(index)
            } else if token.kind == .name, token.range.count == 6, isName(index, "lambda") {
                break
            }
            index += 1
        }
        // `x: T` with no value binds nothing worth tracking.
        if equals.isEmpty { return }
        var targets: [String] = []
        var annotation: Range<Int>?
        var unknownTargets: [String] = []
        var segmentStart = first
        for equal in equals {
            let segment = segmentStart..<equal
            segmentStart = equal + 1
            var targetRange = segment
            if let colon = segment.first(where: { isOp($0, ":") }) {
                annotation = (colon + 1)..<segment.upperBound
                targetRange = segment.lowerBound..<colon
            }
            if let dotted = dottedName(targetRange) {
                targets.append(dotted)
            } else {
                for part in splitByComma(targetRange) {
                    var inner = part
                    if isOp(inner.lowerBound, "(") || isOp(inner.lowerBound, "[") {
                        inner = (inner.lowerBound + 1)..<(inner.upperBound - 1)
                    }
                    for item in splitByComma(inner) {
                        if let name = dottedName(item.lowerBound < item.upperBound && isOp(item.lowerBound, "*") ? (item.lowerBound + 1)..<item.upperBound : item) {
                            unknownTargets.append(name)
                        }
                    }
                }
            }
        }
        let value = segmentStart..<range.upperBound
        if !targets.isEmpty {
            append(.assignment(Assignment(targets: targets, annotation: annotation, value: value.isEmpty ? nil : value, logicalLine: lineIndex, line: line)), scope)
        }
        if !unknownTargets.isEmpty {
            append(.assignment(Assignment(targets: unknownTargets, annotation: nil, value: nil, logicalLine: lineIndex, line: line)), scope)
        }
    }

    mutating func append(_ statement: Statement, _ scope: Int?) {
        statements.append(ScopedStatement(scope: scope, statement: statement))
    }

    /// `a.b.c` as a string, when the range is exactly a dotted name.
    func dottedName(_ range: Range<Int>) -> String? {
        guard !range.isEmpty, (range.count % 2) == 1 else { return nil }
        var result = ""
        for (offset, index) in range.enumerated() {
            if offset % 2 == 0 {
                guard code[index].kind == .name, !isKeyword(index) else { return nil }
                result += text(index)
            } else {
                guard isOp(index, ".") else { return nil }
                result += "."
            }
        }
        return result
    }

    func importName(_ range: Range<Int>) -> Import.Name? {
        var end = range.upperBound
        var alias: String?
        if range.count >= 3, isName(range.upperBound - 2, "as"), code[range.upperBound - 1].kind == .name {
            alias = text(range.upperBound - 1)
            end = range.upperBound - 2
        }
        guard let name = dottedName(range.lowerBound..<end) else { return nil }
        return Import.Name(name: name, alias: alias)
    }

    mutating func withBindings(_ range: Range<Int>, lineIndex: Int, scope: Int?) {
        var items = splitByComma(range)
        if items.count == 1, let only = items.first, isOp(only.lowerBound, "("),
            Int(matching[only.lowerBound]) == only.upperBound - 1,
            only.contains(where: { isName($0, "as") })
        {
            items = splitByComma((only.lowerBound + 1)..<(only.upperBound - 1))
        }
        for item in items {
            guard let asIndex = item.first(where: { isName($0, "as") }) else { continue }
            let value = item.lowerBound..<asIndex
            if asIndex + 2 == item.upperBound, code[asIndex + 1].kind == .name {
                append(.withBinding(name: text(asIndex + 1), value: value, logicalLine: lineIndex), scope)
            }
        }
    }

    mutating func loopBinding(_ range: Range<Int>, lineIndex: Int, scope: Int?) {
        var names: [String] = []
        var iterable: Range<Int>?
        for index in range {
            if isName(index, "in") {
                if index + 1 < range.upperBound { iterable = (index + 1)..<range.upperBound }
                break
            }
            if code[index].kind == .name, !isKeyword(index) { names.append(text(index)) }
        }
        if !names.isEmpty { append(.loopBinding(names: names, iterable: iterable, logicalLine: lineIndex), scope) }
    }
}
