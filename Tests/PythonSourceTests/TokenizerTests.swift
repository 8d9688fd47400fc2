import Testing

@testable import PythonSource

/// Each expectation is what CPython 3.11's `tokenize` prints for the same source (checked with
/// `python3 -m tokenize`), except where a comment says the tokenizer deliberately differs
/// (Python 3.12 f-strings, a lone CR).
@Suite struct TokenizerTests {
    @Test func bomAndCRLF() throws {
        let source = try SourceText(decoding: [0xEF, 0xBB, 0xBF] + Array("if x:\r\n\ty = 1\r\n".utf8))
        #expect(
            renderTokens(source, try Tokenizer.tokenize(source)) == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'if' 1:0-1:2",
                "NAME 'x' 1:3-1:4",
                "OP ':' 1:4-1:5",
                "NEWLINE '\\r\\n' 1:5-1:7",
                "INDENT '\\t' 2:0-2:1",
                "NAME 'y' 2:1-2:2",
                "OP '=' 2:3-2:4",
                "NUMBER '1' 2:5-2:6",
                "NEWLINE '\\r\\n' 2:6-2:8",
                "DEDENT '' 3:0-3:0",
                "ENDMARKER '' 3:0-3:0",
            ])
    }

    @Test func latin1CookieAndNonASCIIName() throws {
        let source = try SourceText(decoding: Array("# -*- coding: latin-1 -*-\ns = ".utf8) + [0xE9, 0x0A])
        #expect(
            renderTokens(source, try Tokenizer.tokenize(source)) == [
                "ENCODING 'iso-8859-1' 0:0-0:0",
                "COMMENT '# -*- coding: latin-1 -*-' 1:0-1:25",
                "NL '\\n' 1:25-1:26",
                "NAME 's' 2:0-2:1",
                "OP '=' 2:2-2:3",
                "NAME 'é' 2:4-2:5",
                "NEWLINE '\\n' 2:5-2:6",
                "ENDMARKER '' 3:0-3:0",
            ])
    }

    @Test func cp1252CookieDecodesAndKeepsTokenizesSpelling() throws {
        // 0x80 is `€` in Windows-1252; tokenize reports the cookie as written.
        let source = try SourceText(decoding: Array("# coding: cp1252\ns = '".utf8) + [0x80, 0x27, 0x0A])
        #expect(
            renderTokens(source, try Tokenizer.tokenize(source)) == [
                "ENCODING 'cp1252' 0:0-0:0",
                "COMMENT '# coding: cp1252' 1:0-1:16",
                "NL '\\n' 1:16-1:17",
                "NAME 's' 2:0-2:1",
                "OP '=' 2:2-2:3",
                "STRING ''€'' 2:4-2:7",
                "NEWLINE '\\n' 2:7-2:8",
                "ENDMARKER '' 3:0-3:0",
            ])
        let latin1 = try SourceText(decoding: Array("#coding:latin1\n".utf8))
        #expect(latin1.encoding == "latin1")
    }

    @Test func tabsAndFormFeedsInIndentation() throws {
        // Eight spaces and a tab both reach column 8; a form feed resets the column to 0.
        #expect(
            try render("if a:\n        b = 1\n\u{0C}\tc = 2\n\u{0C}# c\nd\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'if' 1:0-1:2",
                "NAME 'a' 1:3-1:4",
                "OP ':' 1:4-1:5",
                "NEWLINE '\\n' 1:5-1:6",
                "INDENT '        ' 2:0-2:8",
                "NAME 'b' 2:8-2:9",
                "OP '=' 2:10-2:11",
                "NUMBER '1' 2:12-2:13",
                "NEWLINE '\\n' 2:13-2:14",
                "NAME 'c' 3:2-3:3",
                "OP '=' 3:4-3:5",
                "NUMBER '2' 3:6-3:7",
                "NEWLINE '\\n' 3:7-3:8",
                "COMMENT '# c' 4:1-4:4",
                "NL '\\n' 4:4-4:5",
                "DEDENT '' 5:0-5:0",
                "NAME 'd' 5:0-5:1",
                "NEWLINE '\\n' 5:1-5:2",
                "ENDMARKER '' 6:0-6:0",
            ])
    }

    @Test func backslashContinuation() throws {
        #expect(
            try render("x = 1 + \\\n    2\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'x' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "NUMBER '1' 1:4-1:5",
                "OP '+' 1:6-1:7",
                "NUMBER '2' 2:4-2:5",
                "NEWLINE '\\n' 2:5-2:6",
                "ENDMARKER '' 3:0-3:0",
            ])
    }

    @Test func implicitJoiningInBrackets() throws {
        #expect(
            try render("f(a,\n  # c\n\n  b)\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'f' 1:0-1:1",
                "OP '(' 1:1-1:2",
                "NAME 'a' 1:2-1:3",
                "OP ',' 1:3-1:4",
                "NL '\\n' 1:4-1:5",
                "COMMENT '# c' 2:2-2:5",
                "NL '\\n' 2:5-2:6",
                "NL '\\n' 3:0-3:1",
                "NAME 'b' 4:2-4:3",
                "OP ')' 4:3-4:4",
                "NEWLINE '\\n' 4:4-4:5",
                "ENDMARKER '' 5:0-5:0",
            ])
    }

    @Test func everyStringPrefix() throws {
        // `ub` is no prefix: tokenize reads a name, then a string.
        #expect(
            try render("r'a' b'b' u'c' f'd' rb'e' BR'f' fR'g' Rf'h' U'm' ub'x'\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "STRING 'r'a'' 1:0-1:4",
                "STRING 'b'b'' 1:5-1:9",
                "STRING 'u'c'' 1:10-1:14",
                "STRING 'f'd'' 1:15-1:19",
                "STRING 'rb'e'' 1:20-1:25",
                "STRING 'BR'f'' 1:26-1:31",
                "STRING 'fR'g'' 1:32-1:37",
                "STRING 'Rf'h'' 1:38-1:43",
                "STRING 'U'm'' 1:44-1:48",
                "NAME 'ub' 1:49-1:51",
                "STRING ''x'' 1:51-1:54",
                "NEWLINE '\\n' 1:54-1:55",
                "ENDMARKER '' 2:0-2:0",
            ])
    }

    @Test func tripleQuotedAndContinuedStrings() throws {
        #expect(
            try render("s = '''a\nb''' + \"\"\"x\"\"\"\nt = 'a\\\nb'\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 's' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "STRING ''''a\\nb'''' 1:4-2:4",
                "OP '+' 2:5-2:6",
                "STRING '\"\"\"x\"\"\"' 2:7-2:14",
                "NEWLINE '\\n' 2:14-2:15",
                "NAME 't' 3:0-3:1",
                "OP '=' 3:2-3:3",
                "STRING ''a\\\\\\nb'' 3:4-4:2",
                "NEWLINE '\\n' 4:2-4:3",
                "ENDMARKER '' 5:0-5:0",
            ])
    }

    @Test func unterminatedSingleQuotedStringsBecomeErrorTokens() throws {
        // tokenize turns each whitespace character before the stray quote into its own ERRORTOKEN,
        // and a backslash-continued string that does not close into one ERRORTOKEN up to its line end.
        #expect(
            try render("x = 'abc\ny = 'a\\\nb\nz\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'x' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "ERRORTOKEN ' ' 1:3-1:4",
                "ERRORTOKEN ''' 1:4-1:5",
                "NAME 'abc' 1:5-1:8",
                "NEWLINE '\\n' 1:8-1:9",
                "NAME 'y' 2:0-2:1",
                "OP '=' 2:2-2:3",
                "ERRORTOKEN ''a\\\\\\nb\\n' 2:4-3:2",
                "NAME 'z' 4:0-4:1",
                "NEWLINE '\\n' 4:1-4:2",
                "ENDMARKER '' 5:0-5:0",
            ])
    }

    @Test func aStaleContinuationFlagTurnsALaterTripleQuotedStringIntoAnErrorToken() throws {
        // tokenize never clears `needcont` after the first string's ERRORTOKEN, so the triple-quoted
        // string's continuation line must end in a backslash too; it does not, and its first two
        // lines become an ERRORTOKEN as well.
        #expect(
            try render("'a\\\nb\n'''x\nmid\ny'''\n'''\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "ERRORTOKEN ''a\\\\\\nb\\n' 1:0-2:2",
                "ERRORTOKEN ''''x\\nmid\\n' 3:0-4:4",
                "NAME 'y' 5:0-5:1",
                "STRING ''''\\n'''' 5:1-6:3",
                "NEWLINE '\\n' 6:3-6:4",
                "ENDMARKER '' 7:0-7:0",
            ])
    }

    @Test func pythonElevenFStrings() throws {
        #expect(
            try render("f\"{x!r:>{w}}\" f\"{{a}}\" rf\"\\{x}\" f\"{'a'}\"\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "STRING 'f\"{x!r:>{w}}\"' 1:0-1:13",
                "STRING 'f\"{{a}}\"' 1:14-1:22",
                "STRING 'rf\"\\\\{x}\"' 1:23-1:31",
                "STRING 'f\"{'a'}\"' 1:32-1:40",
                "NEWLINE '\\n' 1:40-1:41",
                "ENDMARKER '' 2:0-2:0",
            ])
    }

    @Test func pythonTwelveFStringsWithNestedQuotesStayOneToken() throws {
        // Python 3.11's tokenize would split each of these at the first inner quote.
        #expect(
            try render("a = f\"{x[\"a\"]}\" + f\"{'\\n'.join(y)}\"\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'a' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "STRING 'f\"{x[\"a\"]}\"' 1:4-1:15",
                "OP '+' 1:16-1:17",
                "STRING 'f\"{'\\\\n'.join(y)}\"' 1:18-1:35",
                "NEWLINE '\\n' 1:35-1:36",
                "ENDMARKER '' 2:0-2:0",
            ])
        #expect(
            try render("f\"{x:'>10}\" f'{a[\"b\"]:{c}}' f'{d:{'>'}{w}}' f'{ {'k': 1}['k'] }'\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "STRING 'f\"{x:'>10}\"' 1:0-1:11",
                "STRING 'f'{a[\"b\"]:{c}}'' 1:12-1:27",
                "STRING 'f'{d:{'>'}{w}}'' 1:28-1:43",
                "STRING 'f'{ {'k': 1}['k'] }'' 1:44-1:64",
                "NEWLINE '\\n' 1:64-1:65",
                "ENDMARKER '' 2:0-2:0",
            ])
        #expect(
            try render("s = f\"\"\"\n{x[\"\"\"k\"\"\"]}\n\"\"\"\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 's' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "STRING 'f\"\"\"\\n{x[\"\"\"k\"\"\"]}\\n\"\"\"' 1:4-3:3",
                "NEWLINE '\\n' 3:3-3:4",
                "ENDMARKER '' 4:0-4:0",
            ])
    }

    @Test func pythonTwelveReplacementFieldsMaySpanLinesInASingleQuotedFString() throws {
        // As in CPython 3.12's test_fstring.py: the expression part may hold line ends and comments.
        #expect(
            try render("f\"{(\n  1 +  # one\n  2\n)}\" + x\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "STRING 'f\"{(\\n  1 +  # one\\n  2\\n)}\"' 1:0-4:3",
                "OP '+' 4:4-4:5",
                "NAME 'x' 4:6-4:7",
                "NEWLINE '\\n' 4:7-4:8",
                "ENDMARKER '' 5:0-5:0",
            ])
    }

    @Test func fStringWithNoNestedEndFallsBackToThePlainScan() throws {
        // `f"{"` is no valid f-string; tokenize 3.11 still ends it at the second quote.
        #expect(
            try render("f\"{\" + '\"'\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "STRING 'f\"{\"' 1:0-1:4",
                "OP '+' 1:5-1:6",
                "STRING ''\"'' 1:7-1:10",
                "NEWLINE '\\n' 1:10-1:11",
                "ENDMARKER '' 2:0-2:0",
            ])
    }

    @Test func deeplyNestedFStringFallsBackInsteadOfExhaustingTheStack() throws {
        let text = "f\"" + String(repeating: "{x:", count: 5000) + "\"\n"
        let tokens = try Tokenizer.tokenize(SourceText(text))
        #expect(tokens.map(\.kind) == [.encoding, .string, .newline, .endmarker])
        #expect(tokens[1].range == 0..<(text.utf8.count - 1))
    }

    @Test func nonASCIIIdentifiers() throws {
        // `\w` stops at a variation selector (category Mn); `€` is no word character at all.
        #expect(
            try render("café = naïve\nx\u{E0100} = €\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'café' 1:0-1:4",
                "OP '=' 1:5-1:6",
                "NAME 'naïve' 1:7-1:12",
                "NEWLINE '\\n' 1:12-1:13",
                "NAME 'x' 2:0-2:1",
                "ERRORTOKEN '\u{E0100}' 2:1-2:2",
                "OP '=' 2:3-2:4",
                "ERRORTOKEN ' ' 2:4-2:5",
                "ERRORTOKEN '€' 2:5-2:6",
                "NEWLINE '\\n' 2:6-2:7",
                "ENDMARKER '' 3:0-3:0",
            ])
    }

    @Test func numbers() throws {
        #expect(
            try render("0x_1F 1_000.5e-3j 0777 .5 1e5 1if 0b101 0o17 1_000j 5. 1__0\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NUMBER '0x_1F' 1:0-1:5",
                "NUMBER '1_000.5e-3j' 1:6-1:17",
                "NUMBER '0' 1:18-1:19",
                "NUMBER '777' 1:19-1:22",
                "NUMBER '.5' 1:23-1:25",
                "NUMBER '1e5' 1:26-1:29",
                "NUMBER '1' 1:30-1:31",
                "NAME 'if' 1:31-1:33",
                "NUMBER '0b101' 1:34-1:39",
                "NUMBER '0o17' 1:40-1:44",
                "NUMBER '1_000j' 1:45-1:51",
                "NUMBER '5.' 1:52-1:54",
                "NUMBER '1' 1:55-1:56",
                "NAME '__0' 1:56-1:59",
                "NEWLINE '\\n' 1:59-1:60",
                "ENDMARKER '' 2:0-2:0",
            ])
    }

    @Test func operatorsAndStrayCharacters() throws {
        #expect(
            try render("a ... -> := ** **= // //= << >>= != <> @= ~ !x $\n") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'a' 1:0-1:1",
                "OP '...' 1:2-1:5",
                "OP '->' 1:6-1:8",
                "OP ':=' 1:9-1:11",
                "OP '**' 1:12-1:14",
                "OP '**=' 1:15-1:18",
                "OP '//' 1:19-1:21",
                "OP '//=' 1:22-1:25",
                "OP '<<' 1:26-1:28",
                "OP '>>=' 1:29-1:32",
                "OP '!=' 1:33-1:35",
                "OP '<' 1:36-1:37",
                "OP '>' 1:37-1:38",
                "OP '@=' 1:39-1:41",
                "OP '~' 1:42-1:43",
                "ERRORTOKEN ' ' 1:43-1:44",
                "ERRORTOKEN '!' 1:44-1:45",
                "NAME 'x' 1:45-1:46",
                "ERRORTOKEN ' ' 1:46-1:47",
                "ERRORTOKEN '$' 1:47-1:48",
                "NEWLINE '\\n' 1:48-1:49",
                "ENDMARKER '' 2:0-2:0",
            ])
    }

    @Test func noFinalNewline() throws {
        #expect(
            try render("if x:\n  y") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'if' 1:0-1:2",
                "NAME 'x' 1:3-1:4",
                "OP ':' 1:4-1:5",
                "NEWLINE '\\n' 1:5-1:6",
                "INDENT '  ' 2:0-2:2",
                "NAME 'y' 2:2-2:3",
                "NEWLINE '' 2:3-2:4",
                "DEDENT '' 3:0-3:0",
                "ENDMARKER '' 3:0-3:0",
            ])
        #expect(
            try render("x = 1  # c") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'x' 1:0-1:1",
                "OP '=' 1:2-1:3",
                "NUMBER '1' 1:4-1:5",
                "COMMENT '# c' 1:7-1:10",
                "NEWLINE '' 1:10-1:11",
                "ENDMARKER '' 2:0-2:0",
            ])
        // A last line that is only a comment, or only whitespace, gets no NEWLINE.
        #expect(
            try render("# only\n# c") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "COMMENT '# only' 1:0-1:6",
                "NL '\\n' 1:6-1:7",
                "COMMENT '# c' 2:0-2:3",
                "NL '' 2:3-2:3",
                "ENDMARKER '' 3:0-3:0",
            ])
        #expect(
            try render("if x:\n  y = 1\n   ") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'if' 1:0-1:2",
                "NAME 'x' 1:3-1:4",
                "OP ':' 1:4-1:5",
                "NEWLINE '\\n' 1:5-1:6",
                "INDENT '  ' 2:0-2:2",
                "NAME 'y' 2:2-2:3",
                "OP '=' 2:4-2:5",
                "NUMBER '1' 2:6-2:7",
                "NEWLINE '\\n' 2:7-2:8",
                "DEDENT '' 3:0-3:0",
                "ENDMARKER '' 3:0-3:0",
            ])
        #expect(try render("") == ["ENCODING 'utf-8' 0:0-0:0", "ENDMARKER '' 1:0-1:0"])
    }

    @Test func aLoneCarriageReturnEndsALine() throws {
        // tokenize.py splits on `\n` only; CPython's compiler, SourceText and this tokenizer also
        // end a line at a lone `\r`, so a CR-only file reads as CR-terminated lines.
        #expect(
            try render("if a:\r  b = 1\r") == [
                "ENCODING 'utf-8' 0:0-0:0",
                "NAME 'if' 1:0-1:2",
                "NAME 'a' 1:3-1:4",
                "OP ':' 1:4-1:5",
                "NEWLINE '\\r' 1:5-1:6",
                "INDENT '  ' 2:0-2:2",
                "NAME 'b' 2:2-2:3",
                "OP '=' 2:4-2:5",
                "NUMBER '1' 2:6-2:7",
                "NEWLINE '\\r' 2:7-2:8",
                "DEDENT '' 3:0-3:0",
                "ENDMARKER '' 3:0-3:0",
            ])
    }

    @Test func unterminatedTripleQuotedStringIsAnError() {
        #expect(throws: TokenizeError(line: 2, column: 4, message: "EOF in multi-line string")) {
            try Tokenizer.tokenize(SourceText("x = 1\ns = '''abc\n\ndef\n"))
        }
    }

    @Test func inconsistentDedentIsAnError() {
        #expect(
            throws: TokenizeError(
                line: 4, column: 2, message: "unindent does not match any outer indentation level")
        ) {
            try Tokenizer.tokenize(SourceText("if a:\n    b\n    c\n  d\n"))
        }
    }

    @Test func openBracketAtEndOfFileIsAnError() {
        #expect(throws: TokenizeError(line: 3, column: 0, message: "EOF in multi-line statement")) {
            try Tokenizer.tokenize(SourceText("f(a,\n  b\n"))
        }
    }
}
