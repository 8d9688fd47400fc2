/// A Python source file decoded to UTF-8 the way CPython decodes it: a UTF-8 BOM, else a coding
/// cookie on one of the first two lines, else UTF-8 (PEP 263, `tokenize.detect_encoding`).
///
/// `bytes` is the decoded text without the BOM. For UTF-8 files (by far the most common) an
/// offset in `bytes` plus `bomLength` is the offset in the file on disk, which lets the patch
/// writer edit the original bytes and leave every other byte alone.
public struct SourceText: Sendable {
    /// The text as UTF-8, BOM removed.
    public let bytes: [UInt8]
    /// The encoding `tokenize.detect_encoding` reports: `utf-8`, `utf-8-sig`, or the cookie's name
    /// as `tokenize._get_normal_name` spells it (`latin-1` → `iso-8859-1`, `latin1` stays).
    public let encoding: String
    /// 3 when the file began with a UTF-8 BOM, else 0.
    public let bomLength: Int
    /// True when `bytes` is byte-for-byte the file after its BOM (UTF-8 and ASCII files).
    public let isIdentityEncoded: Bool
    /// Byte offset in `bytes` where each line starts; `lineStarts[0]` is line 1.
    /// Lines end after `\n`, after `\r\n`, or after a lone `\r` (as CPython's compiler reads them).
    public let lineStarts: [Int]

    public init(decoding raw: [UInt8]) throws(SourceDecodingError) {
        var body = raw[...]
        var bom = 0
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
            bom = 3
            body = raw[3...]
        }
        let cookie = try Self.codingCookie(in: body)
        // The name tokenize reports (its `_get_normal_name`: `latin1` stays `latin1`); decoding
        // goes by the broader `normalize`.
        let reported = cookie.map(Self.tokenizeName)
        if bom == 3, let cookie, reported != "utf-8" {
            throw SourceDecodingError(line: 1, message: "encoding problem: \(cookie) with BOM")
        }
        let encodingName: String
        var decoded: [UInt8]
        var identity = true
        switch cookie.map(Self.normalize) {
        case nil, "utf-8":
            encodingName = bom == 3 ? "utf-8-sig" : reported ?? "utf-8"
            decoded = Array(body)
            if let bad = Self.firstInvalidUTF8(decoded) {
                let line = decoded[..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
                let lineStart = decoded[..<bad].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                let column = decoded[lineStart..<bad].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
                throw SourceDecodingError(
                    line: line, column: column,
                    message: "invalid UTF-8 byte 0x\(String(decoded[bad], radix: 16, uppercase: true)) "
                        + "(the file has no coding cookie, so Python reads it as UTF-8; "
                        + "save it as UTF-8 or declare its encoding with '# -*- coding: ... -*-')"
                )
            }
        case "iso-8859-1":
            encodingName = reported!
            decoded = []
            decoded.reserveCapacity(body.count + body.count / 8)
            for byte in body {
                if byte < 0x80 {
                    decoded.append(byte)
                } else {
                    decoded.append(0xC0 | (byte >> 6))
                    decoded.append(0x80 | (byte & 0x3F))
                    identity = false
                }
            }
        case "ascii":
            encodingName = reported!
            decoded = Array(body)
            if let bad = decoded.firstIndex(where: { $0 >= 0x80 }) {
                let line = decoded[..<bad].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
                throw SourceDecodingError(line: line, message: "non-ASCII byte in a file declared as ascii")
            }
        case let other?:
            guard let table = Self.codePage(other) else {
                throw SourceDecodingError(
                    line: 1,
                    message: "unsupported source encoding '\(other)': chaos-test reads UTF-8, latin-1, ascii, "
                        + "cp1252 and koi8-r files; convert the file to UTF-8 or exclude it with --exclude"
                )
            }
            encodingName = reported!
            decoded = []
            decoded.reserveCapacity(body.count + body.count / 4)
            var line = 1
            for byte in body {
                if byte == 0x0A { line += 1 }
                if byte < 0x80 {
                    decoded.append(byte)
                    continue
                }
                let scalar = table[Int(byte) - 0x80]
                guard scalar != 0 else {
                    throw SourceDecodingError(
                        line: line,
                        message: "byte 0x\(String(byte, radix: 16, uppercase: true)) is undefined in \(other); "
                            + "fix the coding cookie or save the file as UTF-8")
                }
                identity = false
                if scalar < 0x800 {
                    decoded.append(0xC0 | UInt8(scalar >> 6))
                    decoded.append(0x80 | UInt8(scalar & 0x3F))
                } else {
                    decoded.append(0xE0 | UInt8(scalar >> 12))
                    decoded.append(0x80 | UInt8((scalar >> 6) & 0x3F))
                    decoded.append(0x80 | UInt8(scalar & 0x3F))
                }
            }
        }
        self.bytes = decoded
        self.encoding = encodingName
        self.bomLength = bom
        self.isIdentityEncoded = identity
        self.lineStarts = Self.lineStarts(of: decoded)
    }

    /// Decodes a string that is already Unicode (tests, generated code).
    public init(_ text: String) {
        // A Swift String is valid Unicode, so only a cookie naming another encoding could fail;
        // the text is already decoded, so the cookie is irrelevant here.
        self.bytes = Array(text.utf8)
        self.encoding = "utf-8"
        self.bomLength = 0
        self.isIdentityEncoded = true
        self.lineStarts = Self.lineStarts(of: bytes)
    }

    public var lineCount: Int { lineStarts.count }

    /// The bytes of a 1-based line including its line ending.
    public func lineRange(_ line: Int) -> Range<Int> {
        let start = lineStarts[line - 1]
        let end = line < lineStarts.count ? lineStarts[line] : bytes.count
        return start..<end
    }

    /// The 1-based line that holds a byte offset.
    public func line(containing offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// Converts a 0-based byte column on a line to a 0-based column in Unicode code points,
    /// the unit CPython's `tokenize` and `ast` col offsets (for str) use.
    public func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return byteColumn }
        let start = lineStarts[line - 1]
        var count = 0
        var index = start
        let end = min(start + byteColumn, bytes.count)
        while index < end {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        // Past the end of the text (tokenize's synthesized NEWLINE ends one column after the
        // last line) a byte counts as one column.
        return count + Swift.max(0, start + byteColumn - bytes.count)
    }

    /// The text of a byte range as a String (lossless for valid UTF-8).
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte == 0x0A {
                    starts.append(index + 1)
                } else if byte == 0x0D {
                    if index + 1 < count, buffer[index + 1] == 0x0A { index += 1 }
                    starts.append(index + 1)
                }
                index += 1
            }
        }
        if starts.count > 1, starts.last == bytes.count { starts.removeLast() }
        return starts
    }

    /// PEP 263: `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on line 1, or on line 2 when line 1 is
    /// blank or a comment.
    static func codingCookie(in body: ArraySlice<UInt8>) throws(SourceDecodingError) -> String? {
        var lineStart = body.startIndex
        for lineNumber in 1...2 {
            guard lineStart < body.endIndex else { return nil }
            var lineEnd = lineStart
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A, body[lineEnd] != 0x0D { lineEnd += 1 }
            let line = body[lineStart..<lineEnd]
            var index = line.startIndex
            while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0C {
                index += 1
            }
            if index < line.endIndex, line[index] == UInt8(ascii: "#") {
                if let name = Self.cookieName(in: line[index...]) { return name }
            } else if index < line.endIndex {
                return nil  // code on this line: no cookie may follow
            }
            if lineNumber == 1 {
                var next = lineEnd
                if next < body.endIndex, body[next] == 0x0D { next += 1 }
                if next < body.endIndex, body[next] == 0x0A { next += 1 }
                lineStart = next
            }
        }
        return nil
    }

    private static func cookieName(in comment: ArraySlice<UInt8>) -> String? {
        let pattern = Array("coding".utf8)
        var index = comment.startIndex
        while index + pattern.count < comment.endIndex {
            if comment[index..<index + pattern.count].elementsEqual(pattern) {
                var cursor = index + pattern.count
                if comment[cursor] == UInt8(ascii: ":") || comment[cursor] == UInt8(ascii: "=") {
                    cursor += 1
                    while cursor < comment.endIndex, comment[cursor] == 0x20 || comment[cursor] == 0x09 { cursor += 1 }
                    var end = cursor
                    while end < comment.endIndex, Self.isCookieByte(comment[end]) { end += 1 }
                    if end > cursor { return String(decoding: comment[cursor..<end], as: UTF8.self) }
                }
            }
            index += 1
        }
        return nil
    }

    private static func isCookieByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// `tokenize._get_normal_name`: the encoding name `tokenize` reports for a cookie.
    static func tokenizeName(_ name: String) -> String {
        let lowered = String(String(name.lowercased().prefix(12)).map { $0 == "_" ? "-" : $0 })
        if lowered == "utf-8" || lowered.hasPrefix("utf-8-") { return "utf-8" }
        let latin = ["latin-1", "iso-8859-1", "iso-latin-1"]
        if latin.contains(where: { lowered == $0 || lowered.hasPrefix($0 + "-") }) { return "iso-8859-1" }
        return name
    }

    /// `tokenize._get_normal_name`, extended with the common spellings of latin-1 and ascii.
    static func normalize(_ name: String) -> String {
        let lowered = String(String(name.lowercased().prefix(12)).map { $0 == "_" ? "-" : $0 })
        if lowered == "utf-8" || lowered.hasPrefix("utf-8-") || lowered == "utf8" { return "utf-8" }
        let latin = ["latin-1", "iso-8859-1", "iso-latin-1", "latin1", "l1", "iso8859-1", "8859", "cp819", "latin"]
        if latin.contains(where: { lowered == $0 || lowered.hasPrefix($0 + "-") }) { return "iso-8859-1" }
        if ["ascii", "us-ascii", "646"].contains(lowered) { return "ascii" }
        if ["cp1252", "windows-1252", "1252"].contains(lowered) { return "cp1252" }
        if ["koi8-r", "koi8r"].contains(lowered) { return "koi8-r" }
        return name
    }

    /// The offset of the first byte that does not belong to well-formed UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        // The standard library's validator is vectorized; walk byte by byte only to find
        // where a file that fails it goes wrong.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 { index += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: return index
            }
            guard index + length <= count else { return index }
            for offset in 1..<length {
                let next = bytes[index + offset]
                guard next & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }
}

/// A file that cannot be decoded as Python source.
public struct SourceDecodingError: Error, Sendable, Equatable {
    public var line: Int
    /// 1-based column in characters of the first bad byte; 1 when the problem is the whole line.
    public var column: Int
    public var message: String

    public init(line: Int, column: Int = 1, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}
