import Artifacts
import Foundation

/// Finds the Python files of an app: every `.py` below the root except virtualenvs,
/// site-packages, VCS and cache folders, tests and our own `.chaos-test`, and whatever the user
/// excludes. Follows symlinks once (a loop is reported, never walked twice).
struct SourceWalker {
    struct Entry {
        /// Relative to the root, `/` separators.
        var relativePath: String
        var url: URL
        var size: Int
    }

    static let skippedDirectories: Set<String> = [
        ".git", ".hg", ".svn", "__pycache__", ".chaos-test", "site-packages", "node_modules", ".venv", "venv",
        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "tests", "test", "build", "dist",
        ".eggs",
    ]

    var root: URL
    var excludes: [Glob]
    var maxFileSize: Int
    var diagnostics: [Diagnostic] = []
    /// Python files found but skipped for their size.
    var oversizedFiles = 0

    init(root: URL, excludes: [String], maxFileSize: Int) {
        self.root = root.standardizedFileURL.resolvingSymlinksInPath()
        self.excludes = excludes.map(Glob.init)
        self.maxFileSize = maxFileSize
    }

    mutating func walk() -> [Entry] {
        var entries: [Entry] = []
        var visited: Set<String> = []
        walk(directory: root, relative: "", visited: &visited, into: &entries)
        return entries.sorted { $0.relativePath < $1.relativePath }
    }

    private mutating func walk(directory: URL, relative: String, visited: inout Set<String>, into entries: inout [Entry]) {
        let real = directory.resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else {
            diagnostics.append(
                Diagnostic(
                    severity: .warning, file: relative.isEmpty ? "." : relative, line: 0, column: 0,
                    message: "symlink loop: this folder leads back to \(Self.display(real, under: root.path)); it was scanned once"
                ))
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            diagnostics.append(
                Diagnostic(
                    severity: .warning, file: relative.isEmpty ? "." : relative, line: 0, column: 0,
                    message: "cannot read this folder (\(error.localizedDescription)); it was skipped"))
            return
        }
        for name in names {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil {
                    diagnostics.append(
                        Diagnostic(severity: .warning, file: childRelative, line: 0, column: 0,
                                   message: "broken symlink; it was skipped"))
                }
                continue
            }
            if excludes.contains(where: { $0.matches(childRelative) || $0.matches(name) }) { continue }
            if isDirectory.boolValue {
                if Self.skippedDirectories.contains(name) || Self.isVirtualenv(url) || name.hasSuffix(".egg-info") { continue }
                walk(directory: url, relative: childRelative, visited: &visited, into: &entries)
            } else if name.hasSuffix(".py") {
                if name.hasPrefix("test_") || name.hasSuffix("_test.py") || name == "conftest.py" { continue }
                let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                if size > maxFileSize {
                    oversizedFiles += 1
                    diagnostics.append(
                        Diagnostic(
                            severity: .warning, file: childRelative, line: 0, column: 0,
                            message: "skipped: \(size) bytes is over the \(maxFileSize)-byte limit; raise it with --max-file-size or exclude the file"
                        ))
                    continue
                }
                entries.append(Entry(relativePath: childRelative, url: url, size: size))
            }
        }
    }

    static func isVirtualenv(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("pyvenv.cfg").path)
    }

    static func display(_ path: String, under root: String) -> String {
        if path == root { return "." }
        if path.hasPrefix(root + "/") { return String(path.dropFirst(root.count + 1)) }
        return path
    }
}

/// A shell-style glob (`*`, `?`, `**`), matched against a relative path or a file name.
struct Glob {
    let pattern: [UInt8]

    init(_ pattern: String) {
        var text = pattern
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasSuffix("/") { text.removeLast() }
        self.pattern = Array(text.utf8)
    }

    func matches(_ path: String) -> Bool { Self.match(pattern[...], Array(path.utf8)[...]) }

    private static func match(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        while p < pattern.endIndex {
            let byte = pattern[p]
            if byte == UInt8(ascii: "*") {
                let doubled = p + 1 < pattern.endIndex && pattern[p + 1] == UInt8(ascii: "*")
                let rest = pattern[(doubled ? p + 2 : p + 1)...]
                var cursor = t
                while true {
                    if match(rest, text[cursor...]) { return true }
                    if doubled, rest.first == UInt8(ascii: "/"), match(rest.dropFirst(), text[cursor...]) { return true }
                    guard cursor < text.endIndex, doubled || text[cursor] != UInt8(ascii: "/") else { return false }
                    cursor += 1
                }
            }
            guard t < text.endIndex else { return false }
            if byte != UInt8(ascii: "?"), byte != text[t] { return false }
            if byte == UInt8(ascii: "?"), text[t] == UInt8(ascii: "/") { return false }
            p += 1
            t += 1
        }
        return t == text.endIndex
    }
}
