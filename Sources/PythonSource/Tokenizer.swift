/// Splits Python 3 source into the token stream CPython 3.11's `tokenize.tokenize` produces.
///
/// The scanner works on the UTF-8 bytes of a `SourceText` and mirrors `Lib/tokenize.py` line by
/// line, so its output (types, exact text, positions, the synthesized NEWLINE/DEDENT/ENDMARKER)
/// matches CPython's on every stdlib file `tokenize` accepts. Two deliberate extensions:
/// - a lone `\r` ends a line, as it does for CPython's compiler (`tokenize.py` splits on `\n`
///   only; no stdlib file contains a lone `\r`), so a CR-only file reads as CR-terminated lines;
/// - an f-string with Python 3.12 nested quotes (`f"{x["a"]}"`) stays one STRING token.
public struct Tokenizer {
    /// Tokenizes a whole file. The first token is ENCODING (empty range, line 0), the last ENDMARKER.
    public static func tokenize(_ source: SourceText) throws(TokenizeError) -> [Token] {
        let result: Result<[Token], TokenizeError> = source.bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(buffer)
            do throws(TokenizeError) {
                try scanner.run()
                return .success(scanner.tokens)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Source that `tokenize` refuses: an unterminated triple-quoted string, a bracket or backslash
/// continuation open at end of file, or a dedent to a column no enclosing block uses.
public struct TokenizeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 0-based column in UTF-8 bytes of the decoded text.
    public var column: Int
    /// CPython's wording, e.g. "EOF in multi-line string".
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(line):\(column): \(message)" }
}
