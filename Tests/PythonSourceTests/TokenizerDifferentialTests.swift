import Foundation
import Testing

@testable import PythonSource

/// Compares `Tokenizer` with CPython's own `tokenize` on every `.py` file of the machine's stdlib.
/// `Resources/tokenize_oracle.py` streams CPython's tokens file by file; each file is compared as
/// it arrives, so the whole dump (hundreds of MB) never exists in memory or on disk.
@Suite struct TokenizerDifferentialTests {
    @Test func agreesWithCPythonTokenizeOnTheWholeStdlib() throws {
        let stdlib = try pythonOutput(["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"])
        let files = stdlibPythonFiles(under: stdlib)
        #expect(files.count > 1000, "expected the CPython stdlib under \(stdlib)")

        let oracle = try #require(
            Bundle.module.url(forResource: "tokenize_oracle", withExtension: "py", subdirectory: "Resources"))
        let listFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("tokenizer-differential-\(ProcessInfo.processInfo.processIdentifier).txt")
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

        var agreed = 0
        var rejected = 0
        var rejectedBySwiftToo = 0
        var tokenCount = 0
        var failures: [String] = []
        for file in files {
            guard let header = try reader.line() else {
                Issue.record("tokenize_oracle.py stopped before \(file)")
                return
            }
            let raw = [UInt8](FileManager.default.contents(atPath: file) ?? Data())
            let swiftResult = Result { () throws -> (SourceText, [Token]) in
                let source = try SourceText(decoding: raw)
                return (source, try Tokenizer.tokenize(source))
            }
            if header.hasPrefix("R ") {
                rejected += 1
                if case .failure = swiftResult { rejectedBySwiftToo += 1 }
                continue
            }
            let expectedCount = try #require(Int(header.dropFirst(2)), "bad oracle header '\(header)'")
            let comparison = try compare(file: file, swift: swiftResult, expectedCount: expectedCount, reader)
            tokenCount += expectedCount
            if let failure = comparison {
                failures.append(failure)
            } else {
                agreed += 1
            }
        }
        for failure in failures.prefix(20) { Issue.record(Comment(rawValue: failure)) }
        print(
            "tokenizer differential: \(agreed) files agree, \(failures.count) differ, "
                + "\(rejected) rejected by tokenize (\(rejectedBySwiftToo) also by Tokenizer), \(tokenCount) tokens")
        #expect(failures.isEmpty)
        #expect(agreed + rejected == files.count)
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
                firstDifference = "\(file): Tokenizer ends after \(tokens.count) tokens; tokenize goes on with "
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
                        lhs.count == token.range.count
                            && (lhs.isEmpty || memcmp(lhs.baseAddress!, rhs.baseAddress! + token.range.lowerBound, lhs.count) == 0)
                    }
                }
            if token.kind.pythonName != expected.kind || !textMatches || token.start.line != expected.startLine
                || column(token.start) != expected.startColumn || token.end.line != expected.endLine
                || column(token.end) != expected.endColumn
            {
                let swiftSide = renderTokens(source, [token])[0]
                firstDifference = "\(file): token \(index) differs:\n  Tokenizer: \(swiftSide)\n  tokenize:  \(expected.rendered)"
            }
        }
        if firstDifference == nil, tokens.count != expectedCount {
            firstDifference = "\(file): Tokenizer has \(tokens.count) tokens, tokenize \(expectedCount)"
        }
        return firstDifference
    }

    private static func asciiLines(_ source: SourceText) -> [Bool] {
        (1...source.lineCount).map { line in source.bytes[source.lineRange(line)].allSatisfy { $0 < 0x80 } }
    }
}

/// Every `.py` file under the stdlib, test folders included, `site-packages` excluded; sorted.
private func stdlibPythonFiles(under root: String) -> [String] {
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
        "\(kind) '\(escaped(String(decoding: text, as: UTF8.self)))' \(startLine):\(startColumn)-\(endLine):\(endColumn)"
    }
}

/// Buffered reads from the oracle's stdout.
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

    /// The next line without its `\n`, or nil at end of stream.
    func line() throws -> String? {
        var scanned = position
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[position..<newline], as: UTF8.self)
                position = newline + 1
                return text
            }
            scanned = buffer.count - position
            guard try fill() else { return nil }
        }
    }

    func bytes(_ count: Int) throws -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { throw OracleError(message: "tokenize_oracle.py output ended inside a token") }
        }
        let result = Array(buffer[position..<position + count])
        position += count
        return result
    }

    func token() throws -> OracleToken {
        guard let header = try line() else { throw OracleError(message: "tokenize_oracle.py output ended early") }
        let fields = header.split(separator: " ")
        guard fields.count == 6, let startLine = Int(fields[1]), let startColumn = Int(fields[2]),
            let endLine = Int(fields[3]), let endColumn = Int(fields[4]), let length = Int(fields[5])
        else { throw OracleError(message: "bad token line from tokenize_oracle.py: '\(header)'") }
        let text = try bytes(length)
        _ = try bytes(1)  // the `\n` after the text
        return OracleToken(
            kind: String(fields[0]), startLine: startLine, startColumn: startColumn, endLine: endLine,
            endColumn: endColumn, text: text)
    }
}

private struct OracleError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
