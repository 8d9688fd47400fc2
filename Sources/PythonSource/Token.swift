/// The token types of CPython's `tokenize` module, in its spelling.
public enum TokenKind: UInt8, Sendable, CaseIterable {
    case endmarker, name, number, string, newline, indent, dedent, op, comment, nl, errorToken, encoding

    /// The name `tokenize.tok_name` gives this type (`NAME`, `OP`, `ERRORTOKEN`...).
    public var pythonName: String {
        switch self {
        case .endmarker: "ENDMARKER"
        case .name: "NAME"
        case .number: "NUMBER"
        case .string: "STRING"
        case .newline: "NEWLINE"
        case .indent: "INDENT"
        case .dedent: "DEDENT"
        case .op: "OP"
        case .comment: "COMMENT"
        case .nl: "NL"
        case .errorToken: "ERRORTOKEN"
        case .encoding: "ENCODING"
        }
    }
}

/// A place in a `SourceText`: 1-based line, 0-based column in UTF-8 bytes of the decoded text.
///
/// Bytes, not characters, keep the hot path free of Unicode work; `SourceText.characterColumn`
/// converts when a location is shown to a user or compared with CPython.
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// One token. Its exact text is `source.bytes[range]`, except for tokens `tokenize` synthesizes
/// (DEDENT, ENDMARKER, a NEWLINE at end of file with no newline), whose range is empty.
///
/// Stored in 32-bit fields (28 bytes instead of 56): a scan of the stdlib makes millions of
/// tokens, and halving them halves the memory the scanner writes. Files are capped far below
/// 2 GiB, so offsets and lines fit.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    private var lower: Int32
    private var upper: Int32
    private var startLine: Int32
    private var startColumn: Int32
    private var endLine: Int32
    private var endColumn: Int32

    public init(kind: TokenKind, range: Range<Int>, start: SourcePosition, end: SourcePosition) {
        self.kind = kind
        lower = Int32(truncatingIfNeeded: range.lowerBound)
        upper = Int32(truncatingIfNeeded: range.upperBound)
        startLine = Int32(truncatingIfNeeded: start.line)
        startColumn = Int32(truncatingIfNeeded: start.column)
        endLine = Int32(truncatingIfNeeded: end.line)
        endColumn = Int32(truncatingIfNeeded: end.column)
    }

    /// Byte offsets into `SourceText.bytes`.
    public var range: Range<Int> {
        get { Int(lower)..<Int(upper) }
        set {
            lower = Int32(truncatingIfNeeded: newValue.lowerBound)
            upper = Int32(truncatingIfNeeded: newValue.upperBound)
        }
    }

    public var start: SourcePosition {
        get { SourcePosition(line: Int(startLine), column: Int(startColumn)) }
        set {
            startLine = Int32(truncatingIfNeeded: newValue.line)
            startColumn = Int32(truncatingIfNeeded: newValue.column)
        }
    }

    public var end: SourcePosition {
        get { SourcePosition(line: Int(endLine), column: Int(endColumn)) }
        set {
            endLine = Int32(truncatingIfNeeded: newValue.line)
            endColumn = Int32(truncatingIfNeeded: newValue.column)
        }
    }
}
