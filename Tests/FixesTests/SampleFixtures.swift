import Artifacts
import Foundation
import TestSupport

/// The samples and the checked-in run folders the fix tests start from.
enum SampleFixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let names = ["orbital-travel-planner", "flask-inventory"]

    static func sample(_ name: String) -> String { repository + "/Samples/" + name }

    static func python(_ name: String) -> String {
        let venv = sample(name) + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }

    /// A copy of the fixture run folder (run.json, scan.json, failure-patterns.json) to write into.
    static func runFolder(_ name: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let fixture = repository + "/Tests/FixesTests/Fixtures/" + name
        for file in try FileManager.default.contentsOfDirectory(atPath: fixture) {
            try dir.write(file, [UInt8](FileManager.default.contents(atPath: fixture + "/" + file)!))
        }
        return dir
    }

    /// A copy of the sample's source files (no venv, no state, no caches) and their bytes.
    static func copy(_ name: String) throws -> (TemporaryDirectory, [String: [UInt8]]) {
        let dir = try TemporaryDirectory()
        var files: [String: [UInt8]] = [:]
        let source = sample(name)
        let walker = FileManager.default.enumerator(atPath: source)!
        let skipped: Set<String> = [".venv", "data", "__pycache__", ".pytest_cache", ".chaos-test"]
        while let relative = walker.nextObject() as? String {
            let base = (relative as NSString).lastPathComponent
            let type = walker.fileAttributes?[.type] as? FileAttributeType
            if type == .typeDirectory {
                if skipped.contains(base) { walker.skipDescendants() }
                continue
            }
            guard type == .typeRegular, !base.hasSuffix(".pyc"), !base.hasPrefix(".coverage") else { continue }
            let bytes = [UInt8](FileManager.default.contents(atPath: source + "/" + relative)!)
            try dir.write(relative, bytes)
            files[relative] = bytes
        }
        return (dir, files)
    }

    /// The rows of a sample's WEAKNESSES.md: id, file, line.
    static func weaknesses(_ name: String) throws -> [(id: String, file: String, line: Int)] {
        let text = try String(contentsOfFile: sample(name) + "/WEAKNESSES.md", encoding: .utf8)
        return text.split(separator: "\n").compactMap { row in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, cells[0].hasPrefix("W"), let line = Int(cells[3]) else { return nil }
            return (cells[0], cells[2], line)
        }
    }
}
