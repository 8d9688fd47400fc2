/// The structure of one Python file, read from its tokens: logical lines, definitions, calls,
/// assignments and imports, with the spans a rewriter needs.
///
/// This is not a full parser. It recovers exactly the shapes the scanner and the injector use
/// and leaves every other construct alone, so it stays fast enough to read the whole CPython
/// stdlib in well under a second. A class, because every stage passes it around and its dozen
/// arrays would otherwise be retained and released on each copy.
public final class PythonModule: Sendable {
    public let source: SourceText
    /// Every token, as `tokenize` would produce them.
    public let tokens: [Token]
    /// The significant tokens only: no comments, NL, NEWLINE, INDENT, DEDENT, ENCODING or ENDMARKER.
    public let code: [Token]
    public let logicalLines: [LogicalLine]
    public let definitions: [Definition]
    public let calls: [Call]
    public let statements: [ScopedStatement]
    /// Per logical line, the innermost definition whose body holds it (nil: module level).
    public let lineScopes: [Int?]
    /// Per logical line, the compound statement header (`if`, `for`, `def`...) whose block holds it.
    public let enclosingHeaders: [Int?]
    /// For each index in `code`, its logical line.
    public let lineOfCode: [Int32]
    /// For each bracket in `code`, the index of its partner; -1 elsewhere.
    public let matchingBracket: [Int32]
    /// Syntax errors the tokenizer lets through (mismatched brackets, a header without its colon).
    public let syntaxProblems: [SyntaxProblem]

    public convenience init(source: SourceText) throws(TokenizeError) {
        self.init(source: source, tokens: try Tokenizer.tokenize(source))
    }

    public init(source: SourceText, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
        var builder = StructureBuilder(source: source, tokens: tokens)
        builder.build()
        code = builder.code
        logicalLines = builder.lines
        definitions = builder.definitions
        calls = builder.calls
        statements = builder.statements
        lineScopes = builder.lineScopes
        enclosingHeaders = builder.enclosingHeaders
        lineOfCode = builder.lineOfCode
        matchingBracket = builder.matching
        syntaxProblems = builder.problems
    }

    /// The text of a code token.
    public func text(_ index: Int) -> String { source.text(code[index].range) }

    /// The source text spanning a range of code tokens (as written, including inner white space).
    public func text(_ range: Range<Int>) -> String {
        guard !range.isEmpty else { return "" }
        return source.text(code[range.lowerBound].range.lowerBound..<code[range.upperBound - 1].range.upperBound)
    }

    /// The logical line holding a byte offset, if any token of a logical line covers or follows it
    /// on the same statement.
    public func logicalLine(containing byteOffset: Int) -> Int? {
        var low = 0
        var high = logicalLines.count - 1
        guard high >= 0 else { return nil }
        while low < high {
            let mid = (low + high + 1) / 2
            if logicalLines[mid].startOffset <= byteOffset { low = mid } else { high = mid - 1 }
        }
        let line = logicalLines[low]
        guard line.startOffset <= byteOffset, byteOffset < code[line.range.upperBound - 1].range.upperBound else {
            return nil
        }
        return low
    }

    /// The innermost definition whose body holds a code token (nil: module level).
    public func scope(ofCode index: Int) -> Int? {
        let line = Int(lineOfCode[index])
        if let def = definitionIndex(headerLine: line), definitions[def].body.isInline,
            let colon = logicalLines[line].headerColon, index > colon
        {
            return def
        }
        return lineScopes[line]
    }

    /// The definition whose header is the given logical line.
    public func definitionIndex(headerLine: Int) -> Int? {
        var low = 0
        var high = definitions.count
        while low < high {
            let mid = (low + high) / 2
            if definitions[mid].header < headerLine { low = mid + 1 } else { high = mid }
        }
        return low < definitions.count && definitions[low].header == headerLine ? low : nil
    }

    public func isName(_ index: Int, _ name: String) -> Bool {
        guard index >= 0, index < code.count, code[index].kind == .name else { return false }
        return bytesEqual(code[index].range, name)
    }

    public func isOp(_ index: Int, _ op: String) -> Bool {
        guard index >= 0, index < code.count, code[index].kind == .op else { return false }
        return bytesEqual(code[index].range, op)
    }

    func bytesEqual(_ range: Range<Int>, _ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        for offset in range {
            guard let byte = utf8.next(), byte == source.bytes[offset] else { return false }
        }
        return utf8.next() == nil
    }
}

/// A statement with the definition whose body holds it.
public struct ScopedStatement: Sendable {
    public var scope: Int?
    public var statement: Statement
}

/// A syntax error found while reading structure: 1-based line, 0-based byte column.
public struct SyntaxProblem: Sendable, Equatable {
    public var line: Int
    public var byteColumn: Int
    public var message: String
}
