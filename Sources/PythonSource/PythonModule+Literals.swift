extension PythonModule {
    /// The value of a range of code tokens that is a string constant: one literal or several
    /// adjacent ones, with escapes decoded. Nil for bytes, for f-strings with replacement fields,
    /// and for anything that is not only string literals: the scanner never guesses a value.
    public func stringValue(_ range: Range<Int>) -> String? {
        guard !range.isEmpty else { return nil }
        var result = ""
        for index in range {
            guard code[index].kind == .string, let part = literalValue(code[index].range) else { return nil }
            result += part
        }
        return result
    }

    func literalValue(_ range: Range<Int>) -> String? {
        let bytes = source.bytes
        var index = range.lowerBound
        var raw = false
        var formatted = false
        while index < range.upperBound, bytes[index] != UInt8(ascii: "'"), bytes[index] != UInt8(ascii: "\"") {
            switch bytes[index] | 0x20 {
            case UInt8(ascii: "r"): raw = true
            case UInt8(ascii: "f"): formatted = true
            case UInt8(ascii: "b"): return nil
            default: break
            }
            index += 1
        }
        guard index < range.upperBound else { return nil }
        let quote = bytes[index]
        let triple = index + 2 < range.upperBound && bytes[index + 1] == quote && bytes[index + 2] == quote
            && range.upperBound - index >= 6
        let quoteLength = triple ? 3 : 1
        let bodyStart = index + quoteLength
        let bodyEnd = range.upperBound - quoteLength
        guard bodyStart <= bodyEnd else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bodyEnd - bodyStart)
        var cursor = bodyStart
        while cursor < bodyEnd {
            let byte = bytes[cursor]
            if formatted, byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                guard cursor + 1 < bodyEnd, bytes[cursor + 1] == byte else { return nil }
                out.append(byte)
                cursor += 2
                continue
            }
            if byte == UInt8(ascii: "\\"), !raw, cursor + 1 < bodyEnd {
                let next = bytes[cursor + 1]
                cursor += 2
                switch next {
                case UInt8(ascii: "\n"): continue
                case UInt8(ascii: "\r"):
                    if cursor < bodyEnd, bytes[cursor] == UInt8(ascii: "\n") { cursor += 1 }
                    continue
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = UInt32(next - UInt8(ascii: "0"))
                    var digits = 1
                    while digits < 3, cursor < bodyEnd, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[cursor]) {
                        value = value * 8 + UInt32(bytes[cursor] - UInt8(ascii: "0"))
                        cursor += 1
                        digits += 1
                    }
                    guard let scalar = Unicode.Scalar(value) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let width = next == UInt8(ascii: "x") ? 2 : (next == UInt8(ascii: "u") ? 4 : 8)
                    guard cursor + width <= bodyEnd,
                        let value = UInt32(String(decoding: bytes[cursor..<cursor + width], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(value)
                    else { return nil }
                    cursor += width
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(next)
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "v"): out.append(0x0B)
                case UInt8(ascii: "N"): return nil
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(next)
                }
                continue
            }
            out.append(byte)
            cursor += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
