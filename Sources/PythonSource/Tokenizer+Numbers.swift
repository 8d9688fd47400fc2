/// Numbers and operators, matched exactly as `tokenize`'s regular expressions do: its alternations
/// are ordered (Imagnumber, then Floatnumber, then Intnumber), so `0777` is NUMBER `0` then
/// NUMBER `777`, and `1if` is NUMBER `1` then NAME `if`.
extension Tokenizer.Scanner {
    /// The byte at `index`, or 0 past the end (0 matches no pattern below).
    @inline(__always)
    func byte(at index: Int) -> UInt8 { index < count ? bytes[index] : 0 }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The end of `[0-9](?:_?[0-9])*` at `start`, or nil.
    func digitPartEnd(_ start: Int) -> Int? {
        guard isDigit(byte(at: start)) else { return nil }
        var index = start + 1
        while true {
            let next = byte(at: index)
            if isDigit(next) {
                index += 1
            } else if next == UInt8(ascii: "_"), isDigit(byte(at: index + 1)) {
                index += 2
            } else {
                return index
            }
        }
    }

    /// `[eE][-+]?[0-9](?:_?[0-9])*`
    func exponentEnd(_ start: Int) -> Int? {
        guard byte(at: start) | 0x20 == UInt8(ascii: "e") else { return nil }
        var index = start + 1
        if byte(at: index) == UInt8(ascii: "+") || byte(at: index) == UInt8(ascii: "-") { index += 1 }
        return digitPartEnd(index)
    }

    /// `([0-9](?:_?[0-9])*\.(?:[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)` + optional exponent.
    func pointFloatEnd(_ start: Int) -> Int? {
        var end: Int
        if let digits = digitPartEnd(start), byte(at: digits) == UInt8(ascii: ".") {
            end = digitPartEnd(digits + 1) ?? digits + 1
        } else if byte(at: start) == UInt8(ascii: "."), let fraction = digitPartEnd(start + 1) {
            end = fraction
        } else {
            return nil
        }
        if let exponent = exponentEnd(end) { end = exponent }
        return end
    }

    /// `[0-9](?:_?[0-9])*` + exponent.
    func exponentFloatEnd(_ start: Int) -> Int? {
        guard let digits = digitPartEnd(start) else { return nil }
        return exponentEnd(digits)
    }

    /// `(?:_?[digits])+` after a radix prefix.
    func radixDigitsEnd(_ start: Int, _ isRadixDigit: (UInt8) -> Bool) -> Int? {
        var index = start
        while true {
            let next = byte(at: index)
            if isRadixDigit(next) {
                index += 1
            } else if next == UInt8(ascii: "_"), isRadixDigit(byte(at: index + 1)) {
                index += 2
            } else {
                return index > start ? index : nil
            }
        }
    }

    /// The end of tokenize's Number pattern at `start` (a digit, or `.` before a digit).
    func numberEnd(from start: Int) -> Int {
        @inline(__always) func isJ(_ index: Int) -> Bool { byte(at: index) | 0x20 == UInt8(ascii: "j") }
        // Imagnumber
        if let digits = digitPartEnd(start), isJ(digits) { return digits + 1 }
        if let float = pointFloatEnd(start), isJ(float) { return float + 1 }
        if let float = exponentFloatEnd(start), isJ(float) { return float + 1 }
        // Floatnumber
        if let float = pointFloatEnd(start) ?? exponentFloatEnd(start) { return float }
        // Intnumber
        if byte(at: start) == UInt8(ascii: "0") {
            let radix = byte(at: start + 1) | 0x20
            let digits: Int? =
                switch radix {
                case UInt8(ascii: "x"):
                    radixDigitsEnd(start + 2) { byte in
                        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
                    }
                case UInt8(ascii: "o"):
                    radixDigitsEnd(start + 2) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }
                case UInt8(ascii: "b"):
                    radixDigitsEnd(start + 2) { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }
                default: nil
                }
            if let digits { return digits }
            // `0(?:_?0)*`
            return radixDigitsEnd(start + 1) { $0 == UInt8(ascii: "0") } ?? start + 1
        }
        return digitPartEnd(start) ?? start + 1
    }

    /// The end of the longest operator in `token.EXACT_TOKEN_TYPES` at `start` (brackets are
    /// handled by the caller), or `start` when none matches (`!` alone, `$`, `?`, a backtick).
    func operatorEnd(from start: Int) -> Int {
        let first = bytes[start]
        let second = byte(at: start + 1)
        let equals = UInt8(ascii: "=")
        switch first {
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "~"):
            return start + 1
        case UInt8(ascii: "+"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "^"), UInt8(ascii: "|"),
            UInt8(ascii: "@"), UInt8(ascii: "="), UInt8(ascii: ":"):
            return second == equals ? start + 2 : start + 1
        case UInt8(ascii: "!"):
            return second == equals ? start + 2 : start
        case UInt8(ascii: "-"):
            return second == equals || second == UInt8(ascii: ">") ? start + 2 : start + 1
        case UInt8(ascii: "."):
            return second == UInt8(ascii: ".") && byte(at: start + 2) == UInt8(ascii: ".") ? start + 3 : start + 1
        case UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            // `**=`, `**`, `*=`, `*` (and likewise `//`, `<<`, `>>`); also `<=` and `>=`.
            if second == first {
                return byte(at: start + 2) == equals ? start + 3 : start + 2
            }
            return second == equals ? start + 2 : start + 1
        default:
            return start
        }
    }
}
