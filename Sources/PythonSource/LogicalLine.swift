/// One logical line: the significant tokens from the first token of a statement to its NEWLINE,
/// across backslash continuations and bracketed line breaks.
public struct LogicalLine: Sendable {
    /// Indices into `PythonModule.code`.
    public var range: Range<Int>
    /// Block depth: 0 at module level, +1 per enclosing indented block.
    public var depth: Int
    /// Byte offset of the first token.
    public var startOffset: Int
    /// First and last physical line the statement spans (1-based).
    public var firstLine: Int
    public var lastLine: Int
    /// The bytes of leading white space on the first physical line.
    public var indent: Range<Int>
    /// For a compound statement header (`if`, `def`, `with`...): the index in `code` of the colon
    /// that opens its block.
    public var headerColon: Int?
    /// The compound keyword that starts this line (`async` lines report the keyword after it).
    public var keyword: CompoundKeyword?
    /// Set when this line starts with `async` (async def / with / for).
    public var isAsync: Bool

    public var isCompoundHeader: Bool { headerColon != nil }

    /// For a header whose body sits on the same line (`if x: return 1`), the code range after the colon.
    public var inlineBody: Range<Int>? {
        guard let colon = headerColon, colon + 1 < range.upperBound else { return nil }
        return (colon + 1)..<range.upperBound
    }
}

/// Keywords that open a compound statement.
public enum CompoundKeyword: String, Sendable {
    case `if`, elif, `else`, `for`, `while`, `try`, except, finally, with, def, `class`, match, `case`
    case decorator = "@"
}
