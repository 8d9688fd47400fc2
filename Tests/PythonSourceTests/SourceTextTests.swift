import Testing

@testable import PythonSource

@Suite struct SourceTextTests {
    @Test func stripsTheBOMAndReportsUTF8Sig() throws {
        let text = try SourceText(decoding: [0xEF, 0xBB, 0xBF] + Array("x = 1\r\ny = 2\r\n".utf8))
        #expect(text.encoding == "utf-8-sig")
        #expect(text.bomLength == 3)
        #expect(text.bytes.first == UInt8(ascii: "x"))
        #expect(text.lineStarts == [0, 7])
    }

    @Test func decodesALatin1CookieToUTF8() throws {
        let raw = Array("# -*- coding: latin-1 -*-\ns = '".utf8) + [0xE9] + Array("'\n".utf8)
        let text = try SourceText(decoding: raw)
        #expect(text.encoding == "iso-8859-1")
        #expect(!text.isIdentityEncoded)
        #expect(text.text(text.lineRange(2)) == "s = 'é'\n")
    }

    @Test func rejectsInvalidUTF8WithItsLine() {
        let raw = Array("a = 1\nb = '".utf8) + [0xFF] + Array("'\n".utf8)
        #expect(throws: SourceDecodingError.self) { try SourceText(decoding: raw) }
        do {
            _ = try SourceText(decoding: raw)
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("0xFF"))
        }
    }

    @Test func cookieOnlyCountsInAComment() throws {
        let text = try SourceText(decoding: Array("x = 'coding: latin-1'\n".utf8))
        #expect(text.encoding == "utf-8")
    }

    @Test func treatsCRLFCRAndLFAsLineEnds() {
        let text = SourceText("a\r\nb\rc\nd")
        #expect(text.lineStarts == [0, 3, 5, 7])
        #expect(text.line(containing: 5) == 3)
    }

    @Test func countsCharacterColumns() {
        let text = SourceText("π = 'é'\n")
        #expect(text.characterColumn(line: 1, byteColumn: 3) == 2)
    }
}
