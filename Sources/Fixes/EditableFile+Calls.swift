import PythonSource

extension EditableFile {
    /// The call scan reported at a line, by its callee text.
    func call(onLine line: Int, callee: String) -> Call? {
        calls(onLine: line).first { $0.callee == callee }
    }

    /// An edit adding `name=value` as the call's last keyword argument, in the call's own layout:
    /// on its own line when the arguments are one per line with a trailing comma, else inline.
    func addKeyword(_ name: String, value: String, to call: Call) -> SourceEdit {
        let code = module.code
        guard let last = call.arguments.last else {
            let at = range(ofCode: call.open).upperBound
            return SourceEdit(range: at..<at, replacement: Array("\(name)=\(value)".utf8))
        }
        let lastToken = last.value.upperBound - 1
        let hasTrailingComma = lastToken + 1 < call.close && module.isOp(lastToken + 1, ",")
        if hasTrailingComma {
            let comma = lastToken + 1
            let commaLine = code[comma].start.line
            if code[call.close].start.line > commaLine {
                let argumentLine = code[last.value.lowerBound].start.line
                let at = range(ofCode: comma).upperBound
                let text = newline + indentation(ofLine: argumentLine) + Array("\(name)=\(value),".utf8)
                return SourceEdit(range: at..<at, replacement: text)
            }
            let at = range(ofCode: comma).upperBound
            return SourceEdit(range: at..<at, replacement: Array(" \(name)=\(value),".utf8))
        }
        let at = range(ofCode: lastToken).upperBound
        return SourceEdit(range: at..<at, replacement: Array(", \(name)=\(value)".utf8))
    }

    /// True when a name token `name` appears anywhere in the function's lines.
    func uses(_ name: String, in function: Definition) -> Bool {
        let header = module.logicalLines[function.header]
        let end = function.body.lines.upperBound
        let lastLine = end > 0 ? module.logicalLines[end - 1].lastLine : header.lastLine
        return module.code.indices.contains { index in
            let token = module.code[index]
            return token.start.line >= header.firstLine && token.start.line <= lastLine && module.isName(index, name)
        }
    }

    /// The statement's physical lines prefixed with `extra` indentation, each with its ending.
    func reindented(_ lines: ClosedRange<Int>, by extra: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            let bytes = raw[lineRange(line)]
            let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            if !blank { out += extra }
            out += bytes
        }
        if out.last != 0x0A { out += newline }
        return out
    }

    /// The statement's physical lines with one `indentUnit` removed from the front of each.
    func dedented(_ lines: ClosedRange<Int>) -> [UInt8]? {
        var out: [UInt8] = []
        for line in lines {
            let bytes = Array(raw[lineRange(line)])
            let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            if blank {
                out += bytes
            } else if bytes.starts(with: indentUnit) {
                out += bytes.dropFirst(indentUnit.count)
            } else {
                return nil
            }
        }
        return out
    }
}
