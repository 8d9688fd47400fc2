import Foundation
import Testing

@testable import PythonSource

/// Compares `Tokenizer` with CPython's own `tokenize` on every `.py` file of the machine's stdlib,
/// and on mutated stdlib snippets that reach the error paths (ERRORTOKEN, EOF inside a string or
/// bracket, bad dedents) the stdlib never takes. `Resources/tokenize_oracle.py` streams CPython's
/// tokens file by file; each file is compared as it arrives, so the whole dump (hundreds of MB)
/// never exists in memory or on disk.
@Suite struct TokenizerDifferentialTests {
    @Test func agreesWithCPythonTokenizeOnTheWholeStdlib() throws {
        let files = try stdlibPythonFiles()
        #expect(files.count > 1000, "expected the CPython stdlib (python3's sysconfig stdlib path)")
        let summary = try runDifferential(on: files)
        for failure in summary.failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
        print(
            "tokenizer differential: \(summary.agreed) files agree, \(summary.failures.count) differ, "
                + "\(summary.rejected) rejected by tokenize (\(summary.rejectedBySwiftToo) also by Tokenizer), "
                + "\(summary.tokens) tokens")
        #expect(summary.failures.isEmpty)
        #expect(summary.agreed + summary.rejected == files.count)
    }

    @Test func agreesWithCPythonTokenizeOnMutatedSnippets() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizer-mutations-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let snippets = try MutatedSnippets.write(count: 2500, from: try stdlibPythonFiles(), into: directory)
        #expect(snippets.count > 1500)

        let summary = try runDifferential(on: snippets, requireSameRejection: true)
        for failure in summary.failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
        print(
            "tokenizer mutations: \(summary.agreed) snippets agree, \(summary.failures.count) differ, "
                + "\(summary.rejected) rejected by tokenize (\(summary.rejectedBySwiftToo) also by Tokenizer "
                + "at the same line), \(summary.tokens) tokens")
        #expect(summary.failures.isEmpty)
        #expect(summary.rejected > 100 && summary.agreed > 500, "the mutations should reach both outcomes")
    }

    struct Summary {
        var agreed = 0
        var rejected = 0
        var rejectedBySwiftToo = 0
        var tokens = 0
        var failures: [String] = []
    }

    /// Streams the oracle's tokens for `files` and compares each file with `Tokenizer`. With
    /// `requireSameRejection`, a file tokenize rejects must make `Tokenizer` throw for the same line.
    private func runDifferential(on files: [String], requireSameRejection: Bool = false) throws -> Summary {
        let oracle = try #require(
            Bundle.module.url(forResource: "tokenize_oracle", withExtension: "py", subdirectory: "Resources"))
        let listName = "tokenizer-differential-\(ProcessInfo.processInfo.processIdentifier)-\(files.count).txt"
        let listFile = FileManager.default.temporaryDirectory.appendingPathComponent(listName)
        try files.joined(separator: "\n").write(to: listFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: listFile) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", oracle.path, listFile.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let reader = OracleReader(pipe.fileHandleForReading)

        var summary = Summary()
        for file in files {
            guard let header = try reader.line() else {
                summary.failures.append("tokenize_oracle.py stopped before \(file)")
                return summary
            }
            let raw = [UInt8](FileManager.default.contents(atPath: file) ?? Data())
            let swiftResult = Result { () throws -> (SourceText, [Token]) in
                let source = try SourceText(decoding: raw)
                return (source, try Tokenizer.tokenize(source))
            }
            if header.hasPrefix("R ") {
                summary.rejected += 1
                // `R <line> <type>: <message>`
                let expectedLine = header.split(separator: " ").dropFirst().first.flatMap { Int($0) }
                switch swiftResult {
                case .failure(let error as TokenizeError) where !requireSameRejection || error.line == expectedLine:
                    summary.rejectedBySwiftToo += 1
                case .failure where !requireSameRejection:
                    summary.rejectedBySwiftToo += 1
                case .failure(let error):
                    summary.failures.append("\(file): tokenize says '\(header)', Tokenizer throws \(error)")
                case .success:
                    if requireSameRejection {
                        summary.failures.append("\(file): tokenize says '\(header)', Tokenizer accepts it")
                    }
                }
                continue
            }
            let expectedCount = try #require(Int(header.dropFirst(2)), "bad oracle header '\(header)'")
            summary.tokens += expectedCount
            if let failure = try compare(file: file, swift: swiftResult, expectedCount: expectedCount, reader) {
                summary.failures.append(failure)
            } else {
                summary.agreed += 1
            }
        }
        return summary
    }

    /// Reads one file's tokens from the oracle (always all of them, to stay in step) and returns
    /// a description of the first difference, or nil when every token agrees.
    private func compare(
        file: String, swift: Result<(SourceText, [Token]), any Error>, expectedCount: Int, _ reader: OracleReader
    ) throws -> String? {
        var firstDifference: String?
        let source: SourceText?
        let tokens: [Token]
        switch swift {
        case .success(let result):
            (source, tokens) = result
        case .failure(let error):
            (source, tokens) = (nil, [])
            firstDifference = "\(file): tokenize accepts it, Tokenizer throws \(error)"
        }
        let lineIsASCII = source.map(Self.asciiLines) ?? []
        for index in 0..<expectedCount {
            let expected = try reader.token()
            guard firstDifference == nil, let source else { continue }
            guard index < tokens.count else {
                firstDifference =
                    "\(file): Tokenizer ends after \(tokens.count) tokens; tokenize goes on with "
                    + expected.rendered
                continue
            }
            let token = tokens[index]
            func column(_ position: SourcePosition) -> Int {
                position.line >= 1 && position.line <= lineIsASCII.count && lineIsASCII[position.line - 1]
                    ? position.column : source.characterColumn(line: position.line, byteColumn: position.column)
            }
            let textMatches =
                token.kind == .encoding
                ? expected.text == Array(tokenizeEncodingName(source).utf8)
                : expected.text.withUnsafeBufferPointer { lhs in
                    source.bytes.withUnsafeBufferPointer { rhs in
                        guard lhs.count == token.range.count else { return false }
                        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return lhs.isEmpty }
                        return memcmp(left, right + token.range.lowerBound, lhs.count) == 0
                    }
                }
            if token.kind.pythonName != expected.kind || !textMatches || token.start.line != expected.startLine
                || column(token.start) != expected.startColumn || token.end.line != expected.endLine
                || column(token.end) != expected.endColumn
            {
                let swiftSide = renderTokens(source, [token])[0]
                firstDifference =
                    "\(file): token \(index) differs:\n  Tokenizer: \(swiftSide)\n  tokenize:  \(expected.rendered)"
            }
        }
        if firstDifference == nil, tokens.count != expectedCount {
            firstDifference = "\(file): Tokenizer has \(tokens.count) tokens, tokenize \(expectedCount)"
        }
        return firstDifference
    }

    /// For each line, whether it is pure ASCII (byte columns are then character columns).
    private static func asciiLines(_ source: SourceText) -> [Bool] {
        var flags = [Bool](repeating: true, count: source.lineCount)
        source.bytes.withUnsafeBufferPointer { bytes in
            var line = 0
            let starts = source.lineStarts
            for index in 0..<bytes.count where bytes[index] >= 0x80 {
                while line + 1 < starts.count, starts[line + 1] <= index { line += 1 }
                flags[line] = false
            }
        }
        return flags
    }
}

/// Every `.py` file under python3's stdlib, test folders included, `site-packages` excluded; sorted.
private func stdlibPythonFiles() throws -> [String] {
    let root = try pythonOutput(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
    let rootURL = URL(fileURLWithPath: root)
    guard let walker = FileManager.default.enumerator(at: rootURL, includingPropertiesForKeys: [.isDirectoryKey])
    else { return [] }
    var files: [String] = []
    for case let url as URL in walker {
        if url.lastPathComponent == "site-packages" {
            walker.skipDescendants()
        } else if url.pathExtension == "py" {
            files.append(url.path)
        }
    }
    return files.sorted()
}

private func pythonOutput(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// One token as `tokenize_oracle.py` writes it.
private struct OracleToken {
    var kind: String
    var startLine: Int
    var startColumn: Int
    var endLine: Int
    var endColumn: Int
    var text: [UInt8]

    var rendered: String {
        let text = escaped(String(decoding: text, as: UTF8.self))
        return "\(kind) '\(text)' \(startLine):\(startColumn)-\(endLine):\(endColumn)"
    }
}

/// Buffered reads from the oracle's stdout. Parsing works on raw bytes: a debug build would
/// otherwise spend most of the test in String and generic collection code.
private final class OracleReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0

    init(_ handle: FileHandle) { self.handle = handle }

    /// Appends the next chunk of output; false at end of stream.
    private func fill() throws -> Bool {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return false }
        buffer.append(contentsOf: data)
        return true
    }

    /// The offset of the next `\n` at or after `position`, reading more output as needed.
    private func nextNewline() throws -> Int? {
        while true {
            let found = buffer.withUnsafeBufferPointer { pointer -> Int? in
                guard position < pointer.count, let base = pointer.baseAddress,
                    let hit = memchr(base + position, 0x0A, pointer.count - position)
                else { return nil }
                return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if let found { return found }
            guard try fill() else { return nil }
        }
    }

    /// The next line without its `\n`, or nil at end of stream.
    func line() throws -> String? {
        guard let newline = try nextNewline() else { return nil }
        let text = String(decoding: buffer[position..<newline], as: UTF8.self)
        position = newline + 1
        return text
    }

    func token() throws -> OracleToken {
        guard let newline = try nextNewline() else { throw OracleError(message: "tokenize_oracle.py ended early") }
        var kindEnd = position
        var numbers = (0, 0, 0, 0, 0, 0)
        let parsed = buffer.withUnsafeBufferPointer { pointer -> Bool in
            while kindEnd < newline, pointer[kindEnd] != 0x20 { kindEnd += 1 }
            var index = kindEnd
            var values: [Int] = []
            values.reserveCapacity(5)
            while index < newline {
                index += 1  // the space
                var value = 0
                let digitsStart = index
                while index < newline, pointer[index] != 0x20 {
                    value = value * 10 + Int(pointer[index] &- 0x30)
                    index += 1
                }
                if index == digitsStart { return false }
                values.append(value)
            }
            guard values.count == 5 else { return false }
            numbers = (values[0], values[1], values[2], values[3], values[4], 0)
            return true
        }
        guard parsed else {
            let header = String(decoding: buffer[position..<newline], as: UTF8.self)
            throw OracleError(message: "bad token line from tokenize_oracle.py: '\(header)'")
        }
        let kind = String(decoding: buffer[position..<kindEnd], as: UTF8.self)
        position = newline + 1
        let length = numbers.4
        while buffer.count - position < length + 1 {
            guard try fill() else { throw OracleError(message: "tokenize_oracle.py ended inside a token") }
        }
        let text = Array(buffer[position..<position + length])
        position += length + 1  // the text and its `\n`
        return OracleToken(
            kind: kind, startLine: numbers.0, startColumn: numbers.1, endLine: numbers.2, endColumn: numbers.3,
            text: text)
    }
}

private struct OracleError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
