extension Tokenizer {
    /// The state of one tokenization: `tokenize._tokenize`'s locals, over a byte buffer.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let count: Int
        var tokens: [Token] = []

        var lineNumber = 0
        var lineStart = 0
        /// Offset just past the current line's terminator (or the end of the text).
        var lineEnd = 0
        var parenLevel = 0
        var continued = false
        var indents: [Int] = [0]
        /// A string that began on an earlier line and has not closed yet (`contstr`).
        var pending: PendingString?
        /// tokenize's `needcont`: set by a backslash-continued single-quoted string, cleared only
        /// when a continued string closes. While set, every continuation line of a pending string
        /// (even a later triple-quoted one, after an ERRORTOKEN left it set) must end in a
        /// backslash, else the string becomes an ERRORTOKEN.
        var needsContinuation = false

        struct PendingString {
            var start: Int
            var startPosition: SourcePosition
            var quote: UInt8
            var triple: Bool
            /// Where an f-string found by the nested (3.12) scan ends.
            var knownEnd: Int?
        }

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            self.count = bytes.count
            tokens.reserveCapacity(bytes.count / 4 + 16)
        }

        // MARK: emitting

        @inline(__always)
        mutating func emit(_ kind: TokenKind, _ start: Int, _ end: Int) {
            tokens.append(
                Token(
                    kind: kind, range: start..<end,
                    start: SourcePosition(line: lineNumber, column: start - lineStart),
                    end: SourcePosition(line: lineNumber, column: end - lineStart)))
        }

        /// Emits a token that began on an earlier line and ends on the current one.
        @inline(__always)
        mutating func emit(_ kind: TokenKind, from start: Int, at position: SourcePosition, to end: Int) {
            tokens.append(
                Token(
                    kind: kind, range: start..<end, start: position,
                    end: SourcePosition(line: lineNumber, column: end - lineStart)))
        }

        // MARK: lines

        /// Offset just past the line terminator (`\n`, `\r\n` or a lone `\r`) at or after `start`.
        @inline(__always)
        func endOfLine(from start: Int) -> Int {
            var index = start
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A { return index + 1 }
                if byte == 0x0D {
                    if index + 1 < count, bytes[index + 1] == 0x0A { return index + 2 }
                    return index + 1
                }
                index += 1
            }
            return count
        }

        /// True when the line ends with a backslash right before its terminator.
        func endsWithBackslashContinuation(_ start: Int, _ end: Int) -> Bool {
            guard end > start else { return false }
            var terminator = end - 1
            guard bytes[terminator] == 0x0A || bytes[terminator] == 0x0D else { return false }
            if bytes[terminator] == 0x0A, terminator > start, bytes[terminator - 1] == 0x0D { terminator -= 1 }
            return terminator > start && bytes[terminator - 1] == UInt8(ascii: "\\")
        }

        // MARK: the line loop (tokenize._tokenize)

        mutating func run() throws(TokenizeError) {
            tokens.append(
                Token(
                    kind: .encoding, range: 0..<0, start: SourcePosition(line: 0, column: 0),
                    end: SourcePosition(line: 0, column: 0)))
            var previousStart = 0
            var previousEnd = 0
            lineLoop: while true {
                previousStart = lineStart
                previousEnd = lineEnd
                lineStart = lineEnd
                lineNumber += 1
                let atEOF = lineStart >= count
                lineEnd = atEOF ? lineStart : endOfLine(from: lineStart)
                let max = lineEnd
                var pos = lineStart

                if let string = pending {
                    if atEOF {
                        throw TokenizeError(
                            line: string.startPosition.line, column: string.startPosition.column,
                            message: "EOF in multi-line string")
                    }
                    if let end = continuedStringEnd(string) {
                        pos = end
                        emit(.string, from: string.start, at: string.startPosition, to: end)
                        pending = nil
                        needsContinuation = false
                    } else if needsContinuation && !endsWithBackslashContinuation(lineStart, lineEnd) {
                        emit(.errorToken, from: string.start, at: string.startPosition, to: lineEnd)
                        pending = nil
                        continue lineLoop
                    } else {
                        continue lineLoop
                    }
                } else if parenLevel == 0 && !continued {
                    if atEOF { break lineLoop }
                    var column = 0
                    measure: while pos < max {
                        switch bytes[pos] {
                        case 0x20: column += 1
                        case 0x09: column = (column / 8 + 1) * 8
                        case 0x0C: column = 0
                        default: break measure
                        }
                        pos += 1
                    }
                    if pos == max { break lineLoop }
                    let first = bytes[pos]
                    if first == UInt8(ascii: "#") || first == 0x0A || first == 0x0D {
                        if first == UInt8(ascii: "#") {
                            var commentEnd = pos
                            while commentEnd < max, bytes[commentEnd] != 0x0A, bytes[commentEnd] != 0x0D {
                                commentEnd += 1
                            }
                            emit(.comment, pos, commentEnd)
                            pos = commentEnd
                        }
                        emit(.nl, pos, max)
                        continue lineLoop
                    }
                    if column > indents[indents.count - 1] {
                        indents.append(column)
                        emit(.indent, lineStart, pos)
                    }
                    while column < indents[indents.count - 1] {
                        if !indents.contains(column) {
                            throw TokenizeError(
                                line: lineNumber, column: pos - lineStart,
                                message: "unindent does not match any outer indentation level")
                        }
                        indents.removeLast()
                        emit(.dedent, pos, pos)
                    }
                } else {
                    if atEOF {
                        throw TokenizeError(line: lineNumber, column: 0, message: "EOF in multi-line statement")
                    }
                    continued = false
                }

                scanTokens(from: pos)
            }

            // tokenize adds a NEWLINE when the last line has no line end and is not a comment.
            if previousEnd > previousStart {
                let last = bytes[previousEnd - 1]
                if last != 0x0A && last != 0x0D && !isCommentLine(previousStart, previousEnd) {
                    let column = previousEnd - previousStart
                    tokens.append(
                        Token(
                            kind: .newline, range: previousEnd..<previousEnd,
                            start: SourcePosition(line: lineNumber - 1, column: column),
                            end: SourcePosition(line: lineNumber - 1, column: column + 1)))
                }
            }
            let eof = SourcePosition(line: lineNumber, column: 0)
            for _ in 1..<indents.count {
                tokens.append(Token(kind: .dedent, range: count..<count, start: eof, end: eof))
            }
            tokens.append(Token(kind: .endmarker, range: count..<count, start: eof, end: eof))
        }

        /// `line.strip().startswith("#")`.
        func isCommentLine(_ start: Int, _ end: Int) -> Bool {
            var index = start
            while index < end {
                let byte = bytes[index]
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || (byte >= 0x1C && byte <= 0x1F) {
                    index += 1
                } else {
                    return byte == UInt8(ascii: "#")
                }
            }
            return false
        }

        /// Where a string left open on an earlier line closes on the current line, or nil.
        func continuedStringEnd(_ string: PendingString) -> Int? {
            if let known = string.knownEnd {
                return known <= lineEnd ? known : nil
            }
            return string.triple
                ? tripleQuotedEnd(from: lineStart, quote: string.quote)
                : singleQuotedTailEnd(from: lineStart, quote: string.quote)
        }

        // MARK: tokens within a line (the PseudoToken loop)

        mutating func scanTokens(from start: Int) {
            var pos = start
            let max = lineEnd
            while pos < max {
                var begin = pos
                while begin < max {
                    let byte = bytes[begin]
                    if byte != 0x20 && byte != 0x09 && byte != 0x0C { break }
                    begin += 1
                }
                if begin == max { return }  // trailing whitespace on a last line with no line end
                let byte = bytes[begin]
                switch byte {
                case 0x0A:
                    emit(parenLevel > 0 ? .nl : .newline, begin, begin + 1)
                    pos = begin + 1
                case 0x0D:
                    let end = begin + 1 < max && bytes[begin + 1] == 0x0A ? begin + 2 : begin + 1
                    emit(parenLevel > 0 ? .nl : .newline, begin, end)
                    pos = end
                case UInt8(ascii: "#"):
                    var end = begin + 1
                    while end < max, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                    emit(.comment, begin, end)
                    pos = end
                case UInt8(ascii: "\\"):
                    if begin + 1 < max, bytes[begin + 1] == 0x0A || bytes[begin + 1] == 0x0D {
                        continued = true
                        return  // the continuation swallows the line end
                    }
                    pos = emitErrorCharacter(at: pos)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let end = numberEnd(from: begin)
                    emit(.number, begin, end)
                    pos = end
                case UInt8(ascii: "."):
                    if begin + 1 < max, bytes[begin + 1] >= UInt8(ascii: "0"), bytes[begin + 1] <= UInt8(ascii: "9") {
                        let end = numberEnd(from: begin)
                        emit(.number, begin, end)
                        pos = end
                    } else {
                        let end = operatorEnd(from: begin)
                        emit(.op, begin, end)
                        pos = end
                    }
                case UInt8(ascii: "'"), UInt8(ascii: "\""):
                    switch string(at: begin, prefixLength: 0) {
                    case .token(let end):
                        pos = end
                    case .openToNextLine:
                        return
                    case .notAString:
                        pos = emitErrorCharacter(at: pos)
                    }
                case UInt8(ascii: "r"), UInt8(ascii: "R"), UInt8(ascii: "b"), UInt8(ascii: "B"),
                    UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "f"), UInt8(ascii: "F"):
                    let prefix = stringPrefixLength(at: begin)
                    if prefix > 0 {
                        switch string(at: begin, prefixLength: prefix) {
                        case .token(let end):
                            pos = end
                            continue
                        case .openToNextLine:
                            return
                        case .notAString:
                            break  // tokenize's Name alternative takes the prefix letters
                        }
                    }
                    let end = nameEnd(from: begin + 1)
                    emit(.name, begin, end)
                    pos = end
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "_"):
                    let end = nameEnd(from: begin + 1)
                    emit(.name, begin, end)
                    pos = end
                case 0x80...0xFF:
                    let (scalar, length) = scalar(at: begin)
                    if Self.isWordCharacter(scalar) {
                        let end = nameEnd(from: begin + length)
                        // `\w+` matched; tokenize calls it NAME only if it starts like an identifier
                        // (a digit such as `٣` or `²` starts an OP token there).
                        emit(scalar.properties.isXIDStart ? .name : .op, begin, end)
                        pos = end
                    } else {
                        pos = emitErrorCharacter(at: pos)
                    }
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                    parenLevel += 1
                    emit(.op, begin, begin + 1)
                    pos = begin + 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    parenLevel -= 1
                    emit(.op, begin, begin + 1)
                    pos = begin + 1
                default:
                    let end = operatorEnd(from: begin)
                    if end > begin {
                        emit(.op, begin, end)
                        pos = end
                    } else {
                        pos = emitErrorCharacter(at: pos)
                    }
                }
            }
        }

        /// tokenize's fallback when no pattern matches at `pos`: one character (which may be the
        /// whitespace before the offending character) becomes an ERRORTOKEN.
        mutating func emitErrorCharacter(at pos: Int) -> Int {
            let byte = bytes[pos]
            var length = 1
            if byte >= 0xF0 { length = 4 } else if byte >= 0xE0 { length = 3 } else if byte >= 0xC0 { length = 2 }
            let end = Swift.min(pos + length, lineEnd)
            emit(.errorToken, pos, end)
            return end
        }

        /// `\w+` after a first word character: ASCII letters, digits and `_`, and the Unicode
        /// letters and numbers (categories L and N) that Python's `\w` matches.
        @inline(__always)
        func nameEnd(from start: Int) -> Int {
            var index = start
            while index < count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                    index += 1
                case 0x80...0xFF:
                    let (scalar, length) = scalar(at: index)
                    guard Self.isWordCharacter(scalar) else { return index }
                    index += length
                default:
                    return index
                }
            }
            return index
        }

        /// Decodes the UTF-8 sequence that starts at `index` (the text is valid UTF-8).
        func scalar(at index: Int) -> (Unicode.Scalar, Int) {
            let lead = bytes[index]
            var value: UInt32
            var length: Int
            if lead < 0xE0 {
                value = UInt32(lead & 0x1F)
                length = 2
            } else if lead < 0xF0 {
                value = UInt32(lead & 0x0F)
                length = 3
            } else {
                value = UInt32(lead & 0x07)
                length = 4
            }
            length = Swift.min(length, count - index)
            for offset in 1..<Swift.max(length, 1) {
                value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
            }
            return (Unicode.Scalar(value) ?? "\u{FFFD}", Swift.max(length, 1))
        }

        /// Python's `\w` for a non-ASCII character: `str.isalnum()`, i.e. a letter or a number.
        static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber:
                true
            default:
                false
            }
        }
    }
}
