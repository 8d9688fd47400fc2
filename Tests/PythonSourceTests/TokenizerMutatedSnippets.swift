import Foundation

@testable import PythonSource

/// Broken Python for the differential test: windows of stdlib lines with characters inserted or
/// deleted and some cut short, the same every run (fixed seed). They reach the paths the stdlib
/// never takes: stray quotes and backslashes (ERRORTOKEN), EOF inside a string or a bracket,
/// inconsistent dedents, odd numbers and operators, non-ASCII characters.
///
/// Two kinds of snippet are left out because the tokenizer differs from `tokenize` on purpose:
/// a lone `\r` (a line end here) and f-strings (3.12 nesting may find an end 3.11 does not).
enum MutatedSnippets {
    static let pieces: [String] = [
        "'", "\"", "\\", "(", ")", "[", "]", "{", "}", "#", "\n", "\r\n", "\t", " ", "\u{0C}", "\"\"\"", "'''",
        "rb'", "b\"", "u'", "$", "!", "?", "0x", "1e", "1_", ".", "...", "\\\n", "é", "€", "j", "_", "\u{0B}",
        "\u{E0100}", "٣", ":=", "->", "**=", "    ", "\n    ", "\n  ",
    ]

    /// Writes up to `count` snippets into `directory` and returns their paths.
    static func write(count: Int, from files: [String], into directory: URL) throws -> [String] {
        var generator = SplitMix64(state: 0x5EED_7011_CE55)
        let candidates = files.filter { file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            return size > 0 && size < 100_000
        }
        var written: [String] = []
        var attempts = 0
        while written.count < count, attempts < count * 4, !candidates.isEmpty {
            attempts += 1
            let file = candidates[Int.random(in: 0..<candidates.count, using: &generator)]
            guard let data = FileManager.default.contents(atPath: file),
                let source = try? SourceText(decoding: [UInt8](data)), source.encoding == "utf-8",
                source.bomLength == 0
            else { continue }
            let lines = source.text(0..<source.bytes.count).split(separator: "\n", omittingEmptySubsequences: false)
            let first = Int.random(in: 0..<lines.count, using: &generator)
            let last = min(lines.count, first + Int.random(in: 1...60, using: &generator))
            var text = lines[first..<last].joined(separator: "\n")
            if Int.random(in: 0..<10, using: &generator) < 7 { text += "\n" }
            var scalars = Array(text.unicodeScalars)
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let position = Int.random(in: 0...scalars.count, using: &generator)
                switch Int.random(in: 0..<20, using: &generator) {
                case 0..<10:
                    let piece = pieces[Int.random(in: 0..<pieces.count, using: &generator)]
                    scalars.insert(contentsOf: piece.unicodeScalars, at: position)
                case 10..<18:
                    if position < scalars.count { scalars.remove(at: position) }
                default:
                    scalars.removeSubrange(position...)
                }
            }
            guard isComparable(scalars) else { continue }
            var mutated = String.UnicodeScalarView()
            mutated.append(contentsOf: scalars)
            let path = directory.appendingPathComponent("snippet-\(written.count).py").path
            guard FileManager.default.createFile(atPath: path, contents: Data(String(mutated).utf8)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            written.append(path)
        }
        return written
    }

    /// False for snippets with a lone CR, an f-string, or a coding cookie (a mutated cookie
    /// tests the decoder, not the tokenizer).
    static func isComparable(_ scalars: [Unicode.Scalar]) -> Bool {
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\r":
                if index + 1 >= scalars.count || scalars[index + 1] != "\n" { return false }
            case "'", "\"":
                let before = scalars[max(0, index - 2)..<index].map { Character($0).lowercased() }.joined()
                if before.hasSuffix("f") || before == "fr" { return false }
            case "c":
                if scalars[index...].starts(with: "coding".unicodeScalars) { return false }
            default:
                break
            }
        }
        return true
    }
}

/// A small seeded generator, so the snippets are the same on every run and machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
