/// Python 3.12 f-strings (PEP 701) may reuse the outer quote inside a replacement field:
/// `f"{x["a"]}"`, `f"{'\n'.join(y)}"`. Python 3.11's `tokenize` would end such a string at the
/// first inner quote, so the scanner first follows the replacement fields and keeps the whole
/// f-string as one STRING token. When that finds no proper end, the caller falls back to 3.11's
/// plain scan, so 3.11-valid code (which cannot reuse the outer quote) tokenizes exactly as before.
extension Tokenizer.Scanner {
    /// The offset after the closing quote(s) of an f-string whose body starts at `start`, or nil.
    /// Only a triple-quoted string may hold a line end in its literal text and format specs; a
    /// replacement field's expression may span lines and hold comments in any f-string (3.12).
    func nestedFStringEnd(from start: Int, quote: UInt8, triple: Bool, raw: Bool, nesting: Int = 0) -> Int? {
        // Real code nests a few levels; a bound keeps hostile input from exhausting the stack.
        guard nesting < 32 else { return nil }
        var index = start
        while index < count {
            let byte = bytes[index]
            if byte == quote {
                if !triple { return index + 1 }
                if index + 2 < count, bytes[index + 1] == quote, bytes[index + 2] == quote { return index + 3 }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\\"):
                guard index + 1 < count else { return nil }
                let next = bytes[index + 1]
                if next == 0x0A || next == 0x0D {
                    guard triple else { return nil }
                    index += 2
                } else if next == UInt8(ascii: "{") || next == UInt8(ascii: "}") {
                    index += 1  // a backslash does not escape a brace: `\{x}` still has a field
                } else if !raw, next == UInt8(ascii: "N"), index + 2 < count, bytes[index + 2] == UInt8(ascii: "{") {
                    // `\N{NAME}` is an escape, not a field.
                    var close = index + 3
                    while close < count, bytes[close] != UInt8(ascii: "}") {
                        if bytes[close] == quote || bytes[close] == 0x0A || bytes[close] == 0x0D { return nil }
                        close += 1
                    }
                    guard close < count else { return nil }
                    index = close + 1
                } else {
                    index += 2
                }
            case 0x0A, 0x0D:
                guard triple else { return nil }
                index += 1
            case UInt8(ascii: "{"):
                if index + 1 < count, bytes[index + 1] == UInt8(ascii: "{") {
                    index += 2
                } else {
                    guard
                        let end = replacementFieldEnd(
                            from: index + 1, quote: quote, triple: triple, raw: raw, nesting: nesting + 1)
                    else { return nil }
                    index = end
                }
            case UInt8(ascii: "}"):
                index += index + 1 < count && bytes[index + 1] == UInt8(ascii: "}") ? 2 : 1
            default:
                index += 1
            }
        }
        return nil
    }

    /// The offset after the `}` that closes the replacement field whose expression starts at `start`.
    func replacementFieldEnd(from start: Int, quote: UInt8, triple: Bool, raw: Bool, nesting: Int) -> Int? {
        var depth = 0
        var index = start
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let innerTriple = index + 2 < count && bytes[index + 1] == byte && bytes[index + 2] == byte
                let body = index + (innerTriple ? 3 : 1)
                let (isFString, isRaw) = prefixFlags(beforeQuoteAt: index, notBefore: start)
                let end =
                    isFString
                    ? nestedFStringEnd(from: body, quote: byte, triple: innerTriple, raw: isRaw, nesting: nesting + 1)
                    : plainStringEnd(from: body, quote: byte, triple: innerTriple)
                guard let end else { return nil }
                index = end
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                index += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                guard depth > 0 else { return nil }
                depth -= 1
                index += 1
            case UInt8(ascii: "}"):
                if depth == 0 { return index + 1 }
                depth -= 1
                index += 1
            case UInt8(ascii: ":"):
                if depth == 0 {
                    return formatSpecEnd(from: index + 1, quote: quote, triple: triple, raw: raw, nesting: nesting + 1)
                }
                index += 1
            case UInt8(ascii: "#"):
                while index < count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            default:
                index += 1
            }
        }
        return nil
    }

    /// The offset after the `}` that closes a field whose format spec starts at `start`. Quotes
    /// other than the outer closing quote are literal here (`f"{x:'>10}"`); `{...}` nests.
    func formatSpecEnd(from start: Int, quote: UInt8, triple: Bool, raw: Bool, nesting: Int) -> Int? {
        guard nesting < 32 else { return nil }
        var index = start
        while index < count {
            let byte = bytes[index]
            if byte == quote,
                !triple || (index + 2 < count && bytes[index + 1] == quote && bytes[index + 2] == quote)
            {
                return nil  // the string closes inside an open field
            }
            switch byte {
            case UInt8(ascii: "{"):
                guard
                    let end = replacementFieldEnd(
                        from: index + 1, quote: quote, triple: triple, raw: raw, nesting: nesting + 1)
                else { return nil }
                index = end
            case UInt8(ascii: "}"):
                return index + 1
            case UInt8(ascii: "\\"):
                guard index + 1 < count else { return nil }
                if !triple, bytes[index + 1] == 0x0A || bytes[index + 1] == 0x0D { return nil }
                index += 2
            case 0x0A, 0x0D:
                guard triple else { return nil }
                index += 1
            default:
                index += 1
            }
        }
        return nil
    }

    /// The offset after a non-f string literal nested in a replacement field.
    func plainStringEnd(from start: Int, quote: UInt8, triple: Bool) -> Int? {
        var index = start
        while index < count {
            let byte = bytes[index]
            if byte == quote {
                if !triple { return index + 1 }
                if index + 2 < count, bytes[index + 1] == quote, bytes[index + 2] == quote { return index + 3 }
            } else if byte == UInt8(ascii: "\\") {
                guard index + 1 < count else { return nil }
                if !triple, bytes[index + 1] == 0x0A || bytes[index + 1] == 0x0D { return nil }
                index += 2
                continue
            } else if byte == 0x0A || byte == 0x0D {
                guard triple else { return nil }
            }
            index += 1
        }
        return nil
    }

    /// Whether the letters right before a nested quote make it an f-string and/or a raw string.
    func prefixFlags(beforeQuoteAt quoteIndex: Int, notBefore lowerBound: Int) -> (isFString: Bool, isRaw: Bool) {
        var index = quoteIndex
        while index > lowerBound, quoteIndex - index < 2 {
            let letter = bytes[index - 1] | 0x20
            guard
                letter == UInt8(ascii: "f") || letter == UInt8(ascii: "r") || letter == UInt8(ascii: "b")
                    || letter == UInt8(ascii: "u")
            else { break }
            index -= 1
        }
        // Letters that continue a longer name (`x if"a" else y`) are no prefix.
        if index > lowerBound, isNameByte(bytes[index - 1]) { return (false, false) }
        var isFString = false
        var isRaw = false
        for letter in bytes[index..<quoteIndex] {
            if letter | 0x20 == UInt8(ascii: "f") { isFString = true }
            if letter | 0x20 == UInt8(ascii: "r") { isRaw = true }
        }
        return (isFString, isRaw)
    }

    @inline(__always)
    func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), 0x80...0xFF:
            true
        default: false
        }
    }
}
