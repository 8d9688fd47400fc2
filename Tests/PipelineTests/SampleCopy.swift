import Foundation
import Pipeline
import Testing
import PythonSource

/// A throwaway copy of a sample app with WEAKNESSES.md and every comment removed, so no
/// finding can be read off the documentation: the tool has to find each weakness itself.
/// Comment bytes become nothing, so every line keeps its number.
final class SampleCopy {
    let root: URL
    let original: URL

    init(sample: String) throws {
        original = repositoryRoot.appendingPathComponent("Samples/\(sample)")
        root = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-test-\(sample)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let skip: Set<String> = [".venv", "__pycache__", ".chaos-test", "data", ".pytest_cache"]
        let enumerator = FileManager.default.enumerator(at: original, includingPropertiesForKeys: [.isDirectoryKey])!
        while let url = enumerator.nextObject() as? URL {
            let relative = String(url.path.dropFirst(original.path.count + 1))
            if skip.contains(url.lastPathComponent) {
                enumerator.skipDescendants()
                continue
            }
            if relative == "WEAKNESSES.md" { continue }
            let target = root.appendingPathComponent(relative)
            if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true {
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                continue
            }
            var bytes = [UInt8](try Data(contentsOf: url))
            if url.pathExtension == "py" { bytes = try Self.strippingComments(bytes) }
            try Data(bytes).write(to: target)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    static func strippingComments(_ bytes: [UInt8]) throws -> [UInt8] {
        let source = try SourceText(decoding: bytes)
        let comments = try Tokenizer.tokenize(source).filter { $0.kind == .comment }.map(\.range)
        var out: [UInt8] = []
        var cursor = 0
        for range in comments {
            out += source.bytes[cursor..<range.lowerBound]
            // Drop the blanks the comment leaves at the end of its line too.
            while let last = out.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { out.removeLast() }
            cursor = range.upperBound
        }
        out += source.bytes[cursor...]
        return out
    }

    /// SHA-256-free fingerprint of the tree: every file's bytes, outside `.chaos-test`.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])!
        while let url = enumerator.nextObject() as? URL {
            if url.lastPathComponent == ".chaos-test" {
                enumerator.skipDescendants()
                continue
            }
            if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true { continue }
            files[String(url.path.dropFirst(root.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Options for a short run of a sample copy with the sample's own virtualenv.
func runOptions(for copy: SampleCopy, sample: String, duration: Double = 6, deadline: Double = 30) throws -> RunOptions {
    let python = repositoryRoot.appendingPathComponent("Samples/\(sample)/.venv/bin/python")
    try #require(FileManager.default.isExecutableFile(atPath: python.path), "\(python.path) does not exist: run .ci/setup-python first")
    var options = RunOptions(appRoot: copy.root)
    options.python = python.path
    options.duration = duration
    options.deadline = deadline
    return options
}

/// One row of a sample's WEAKNESSES.md table.
struct Weakness {
    var id: String
    var file: String
    var line: Int

    static func table(of sample: String) throws -> [Weakness] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Samples/\(sample)/WEAKNESSES.md"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> Weakness? in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 6, cells[1].hasPrefix("W"), let number = Int(cells[4]) else { return nil }
            return Weakness(id: cells[1], file: cells[3], line: number)
        }
    }
}

/// Processes whose working directory is `folder` (the app a run started there).
func processes(in folder: URL) -> [Int32] {
    let target = folder.resolvingSymlinksInPath().path
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")).map {
            $0 == target || $0.hasPrefix(target + "/")
        } ?? false
    }
}
