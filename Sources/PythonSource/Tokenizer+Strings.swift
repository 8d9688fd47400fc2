extension Tokenizer.Scanner {
    enum StringScan {
        /// A STRING token was emitted; scanning goes on at this offset on the current line.
        case token(end: Int)
        /// The string continues on the next line (`contstr`); the rest of this line is consumed.
        case openToNextLine
        /// No string starts here (tokenize's ContStr pattern fails).
        case notAString
    }

    /// The length (1 or 2) of a valid string prefix (`r b u f br rb fr rf`, any case) that is
    /// followed by a quote, else 0.
    @inline(__always)
    func stringPrefixLength(at start: Int) -> Int {
        guard start + 1 < count else { return 0 }
        let first = bytes[start] | 0x20
        let second = bytes[start + 1]
        if second == UInt8(ascii: "'") || second == UInt8(ascii: "\"") { return 1 }
        guard start + 2 < count, bytes[start + 2] == UInt8(ascii: "'") || bytes[start + 2] == UInt8(ascii: "\"")
        else { return 0 }
        let lowered = second | 0x20
        switch (first, lowered) {
        case (UInt8(ascii: "b"), UInt8(ascii: "r")), (UInt8(ascii: "r"), UInt8(ascii: "b")),
            (UInt8(ascii: "f"), UInt8(ascii: "r")), (UInt8(ascii: "r"), UInt8(ascii: "f")):
            return 2  // `| 0x20` maps no byte but R/B/F onto r/b/f
        default:
            return 0
        }
    }

    /// Scans a string whose prefix starts at `start`, emitting its token when it ends on this line.
    mutating func string(at start: Int, prefixLength: Int) -> StringScan {
        let quoteIndex = start + prefixLength
        let quote = bytes[quoteIndex]
        var isFString = false
        var isRaw = false
        for index in start..<quoteIndex {
            let letter = bytes[index] | 0x20
            if letter == UInt8(ascii: "f") { isFString = true }
            if letter == UInt8(ascii: "r") { isRaw = true }
        }
        let triple = quoteIndex + 2 < lineEnd && bytes[quoteIndex + 1] == quote && bytes[quoteIndex + 2] == quote
        let position = SourcePosition(line: lineNumber, column: start - lineStart)

        if triple {
            let bodyStart = quoteIndex + 3
            var knownEnd: Int? = nil
            if isFString {
                knownEnd = nestedFStringEnd(from: bodyStart, quote: quote, triple: true, raw: isRaw)
            }
            if let end = knownEnd ?? tripleQuotedEnd(from: bodyStart, quote: quote), end <= lineEnd {
                emit(.string, start, end)
                return .token(end: end)
            }
            pending = PendingString(
                start: start, startPosition: position, quote: quote, triple: true, knownEnd: knownEnd)
            return .openToNextLine
        }

        if isFString, let end = nestedFStringEnd(from: quoteIndex + 1, quote: quote, triple: false, raw: isRaw) {
            if end <= lineEnd {
                emit(.string, start, end)
                return .token(end: end)
            }
            // A 3.12 replacement field that spans lines.
            pending = PendingString(
                start: start, startPosition: position, quote: quote, triple: false, knownEnd: end)
            return .openToNextLine
        }
        // tokenize's ContStr: `'[^\n'\\]*(?:\\.[^\n'\\]*)*('|\\\r?\n)`.
        var index = quoteIndex + 1
        let max = lineEnd
        while index < max {
            let byte = bytes[index]
            if byte == quote {
                emit(.string, start, index + 1)
                return .token(end: index + 1)
            }
            if byte == 0x0A || byte == 0x0D { return .notAString }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < max else { return .notAString }
                let next = bytes[index + 1]
                if next == 0x0A || next == 0x0D {
                    pending = PendingString(
                        start: start, startPosition: position, quote: quote, triple: false, knownEnd: nil)
                    needsContinuation = true
                    return .openToNextLine
                }
                index += 2
                continue
            }
            index += 1
        }
        return .notAString
    }

    /// tokenize's Single3/Double3 tail: the offset after the closing triple quote if it is on
    /// the current line, else nil. An escape never crosses the line end.
    func tripleQuotedEnd(from start: Int, quote: UInt8) -> Int? {
        var index = start
        let max = lineEnd
        while index < max {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < max, bytes[index + 1] != 0x0A else { return nil }
                index += 2
                continue
            }
            if byte == quote, index + 2 < max, bytes[index + 1] == quote, bytes[index + 2] == quote {
                return index + 3
            }
            index += 1
        }
        return nil
    }

    /// tokenize's Single/Double tail, matched from the start of a continuation line.
    func singleQuotedTailEnd(from start: Int, quote: UInt8) -> Int? {
        var index = start
        let max = lineEnd
        while index < max {
            let byte = bytes[index]
            if byte == quote { return index + 1 }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < max, bytes[index + 1] != 0x0A else { return nil }
                index += 2
                continue
            }
            index += 1
        }
        return nil
    }
}
