@testable import PythonSource

/// Renders tokens as `KIND 'text' line:col-line:col` lines, columns in characters as CPython
/// reports them, so expectations read like `python3 -m tokenize` output.
func renderTokens(_ source: SourceText, _ tokens: [Token]) -> [String] {
    tokens.map { token in
        let text = token.kind == .encoding ? tokenizeEncodingName(source) : source.text(token.range)
        let startColumn = source.characterColumn(line: token.start.line, byteColumn: token.start.column)
        let endColumn = source.characterColumn(line: token.end.line, byteColumn: token.end.column)
        return "\(token.kind.pythonName) '\(escaped(text))' "
            + "\(token.start.line):\(startColumn)-\(token.end.line):\(endColumn)"
    }
}

/// Tokenizes a snippet and renders it (see `renderTokens`).
func render(_ text: String) throws -> [String] {
    let source = SourceText(text)
    return renderTokens(source, try Tokenizer.tokenize(source))
}

/// The ENCODING token's string: tokenize reports a BOM file (`utf-8-sig`) as `utf-8`.
func tokenizeEncodingName(_ source: SourceText) -> String {
    source.encoding == "utf-8-sig" ? "utf-8" : source.encoding
}

func escaped(_ text: String) -> String {
    var result = ""
    for character in text.unicodeScalars {
        switch character {
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{0C}": result += "\\f"
        default: result.unicodeScalars.append(character)
        }
    }
    return result
}
